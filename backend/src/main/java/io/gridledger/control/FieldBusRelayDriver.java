package io.gridledger.control;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * Modbus TCP and OPC UA: the ingest verticle that already holds the device connection (the poller's j2mod master on
 * its worker thread, the OPC UA client's session) writes the relay and then reads it back from the device, over its
 * event-bus relay address ({@code {"meterId", "closed"}} writes, {@code {"meterId"}} reads; the reply is
 * {@code {"closed": b}}). Confirmation is the read-back, never the write's echo.
 */
final class FieldBusRelayDriver implements RelayDriver {

  private final Vertx vertx;
  private final String protocol;
  private final String address;

  FieldBusRelayDriver(Vertx vertx, String protocol, String address) {
    this.vertx = vertx;
    this.protocol = protocol;
    this.address = address;
  }

  @Override
  public Future<Boolean> switchRelay(RelayTarget meter, boolean closed, UUID commandId, long timeoutMs) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(Math.max(1, timeoutMs));
    String meterId = meter.id().toString();
    return vertx.eventBus().<JsonObject>request(address, new JsonObject().put("meterId", meterId).put("closed", closed),
        options)
      .compose(written -> vertx.eventBus().<JsonObject>request(address, new JsonObject().put("meterId", meterId),
        options))
      .map(read -> {
        Boolean reported = read.body().getBoolean("closed");
        if (reported == null) {
          throw new IllegalStateException(protocol + ": the read-back carried no relay state");
        }
        return reported;
      })
      .recover(e -> Future.failedFuture(new IllegalStateException(describe(e), e)));
  }

  private String describe(Throwable e) {
    if (e instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> protocol + ": the " + protocol + " connection is not running (field." + protocol
          + "Enabled?)";
        case TIMEOUT -> protocol + ": no answer from the device in time";
        default -> protocol + ": " + reply.getMessage();
      };
    }
    return e.getMessage() != null && e.getMessage().startsWith(protocol + ":") ? e.getMessage()
      : protocol + ": " + e.getMessage();
  }
}
