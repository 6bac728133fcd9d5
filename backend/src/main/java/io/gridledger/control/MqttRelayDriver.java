package io.gridledger.control;

import io.gridledger.ingest.mqtt.GatewayTopics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * MQTT gateways: the command {@code {"command":"relay","meter":serial,"state":"open"|"closed","commandId":id}} goes to
 * {@code gridledger/gateways/{gw}/commands} through whichever MQTT side runs (the built-in endpoint or the broker
 * client, via {@link GatewayTopics#COMMAND_ADDRESS}); the gateway answers on its events topic with
 * {@code {"type":"relay","meter":...,"state":...,"commandId":id}} after switching, or {@code command-rejected} with a
 * reason. Only an event from the meter's own gateway, naming the command and the meter, counts.
 *
 * <p>Confined to the control verticle's context: the waiting map is touched only there.
 */
final class MqttRelayDriver implements RelayDriver {

  /** Commands awaiting their gateway's answer at most; more fail at once instead of holding memory. */
  static final int MAX_WAITING = 10_000;

  private record Waiter(String gateway, String serial, Promise<Boolean> reported) {
  }

  private final Vertx vertx;
  private final Map<String, Waiter> waiting = new HashMap<>();
  private MessageConsumer<JsonObject> events;

  MqttRelayDriver(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts listening for gateway events; call on the control verticle's context. */
  void start() {
    events = vertx.eventBus().consumer(GatewayTopics.EVENTS_ADDRESS, this::onEvent);
  }

  void stop() {
    if (events != null) {
      events.unregister();
    }
    waiting.values().forEach(w -> w.reported().tryFail("relay control stopped"));
    waiting.clear();
  }

  @Override
  public Future<Boolean> switchRelay(RelayTarget meter, boolean closed, UUID commandId, long timeoutMs) {
    String gateway = meter.binding().getString("gateway");
    if (gateway == null) {
      return Future.failedFuture(new IllegalStateException("mqtt: the meter's binding names no gateway"));
    }
    String key = commandId.toString();
    if (waiting.size() >= MAX_WAITING && !waiting.containsKey(key)) {
      return Future.failedFuture(new IllegalStateException("mqtt: too many commands awaiting gateways"));
    }
    Waiter waiter = new Waiter(gateway, meter.serial(), Promise.promise());
    Waiter previous = waiting.put(key, waiter);
    if (previous != null) {
      previous.reported().tryFail("mqtt: a newer attempt of the command was sent");
    }
    JsonObject command = new JsonObject().put("command", "relay").put("meter", meter.serial())
      .put("state", RelayState.wire(closed)).put("commandId", key);
    vertx.eventBus().<JsonObject>request(GatewayTopics.COMMAND_ADDRESS,
        new JsonObject().put("gateway", gateway).put("command", command),
        new DeliveryOptions().setSendTimeout(Math.max(1, timeoutMs)))
      .onFailure(e -> waiter.reported().tryFail(new IllegalStateException("mqtt: command not sent to gateway " + gateway
        + ": " + e.getMessage(), e)));
    return waiter.reported().future()
      .timeout(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS)
      .recover(e -> Future.failedFuture(e instanceof java.util.concurrent.TimeoutException
        ? new IllegalStateException("mqtt: gateway " + gateway + " did not confirm in time") : e))
      .eventually(() -> {
        waiting.remove(key, waiter);
        return Future.succeededFuture();
      });
  }

  private void onEvent(Message<JsonObject> message) {
    String gateway = message.body().getString("gateway");
    JsonObject event = message.body().getJsonObject("event");
    Object commandId = event == null ? null : event.getValue("commandId");
    Waiter waiter = commandId instanceof String id ? waiting.get(id) : null;
    if (waiter == null || !waiter.gateway().equals(gateway) || !waiter.serial().equals(event.getValue("meter"))) {
      return;   // another instance's command, another gateway speaking for this one, or not a command answer
    }
    Object type = event.getValue("type");
    Object state = event.getValue("state");
    if ("relay".equals(type) && (RelayState.OPEN.equals(state) || RelayState.CLOSED.equals(state))) {
      waiter.reported().tryComplete(RelayState.CLOSED.equals(state));
    } else if ("command-rejected".equals(type)) {
      waiter.reported().tryFail(new IllegalStateException("mqtt: gateway " + gateway + " rejected the command: "
        + event.getValue("reason")));
    }
  }
}
