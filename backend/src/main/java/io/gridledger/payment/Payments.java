package io.gridledger.payment;

import io.gridledger.api.Problem;
import io.gridledger.ledger.LedgerService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The payment capability, wired: its providers (cash, sandbox, Stripe), top-up creation and the one path every
 * provider notification takes (verify signature, read, apply to the state machine).
 */
public final class Payments {

  private final Map<String, PaymentProvider> providers = new LinkedHashMap<>();
  private final SandboxProvider sandbox;
  private final TopUps topUps;
  private final TopUpSettlement settlement;

  /** {@code payments} is the configuration section; the sandbox is on when configured or in demo mode. */
  public Payments(Vertx vertx, Pool pool, LedgerService ledger, JsonObject payments, boolean demo) {
    this.sandbox = new SandboxProvider(payments.getBoolean("sandboxEnabled") || demo);
    providers.put("cash", new CashProvider());
    providers.put("sandbox", sandbox);
    providers.put("stripe", new StripeProvider(vertx, payments));
    this.topUps = new TopUps(pool, ledger, providers);
    this.settlement = new TopUpSettlement(pool, ledger);
  }

  TopUps topUps() {
    return topUps;
  }

  SandboxProvider sandbox() {
    return sandbox;
  }

  /**
   * A provider's notification: refused with 401 unless its signature verifies, then applied once. Answers what it
   * did; a notification the state machine ignores is still a success, so the provider stops resending it.
   */
  Future<JsonObject> receive(String providerName, String signatureHeader, Buffer payload) {
    PaymentProvider provider = providers.get(providerName);
    PaymentEvent event;
    try {
      event = provider.verify(signatureHeader, payload);
    } catch (WebhookSignature.Refused e) {
      return Future.failedFuture(Problem.unauthorized(e.getMessage()));
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      return Future.failedFuture(Problem.badRequest("malformed-json", "body", "The event is not a readable JSON event"));
    }
    if (event.eventId() == null || event.eventId().isBlank() || event.eventId().length() > 255) {
      return Future.failedFuture(Problem.badRequest("validation-failed", "/id", "The event has no usable id"));
    }
    return settlement.apply(event).map(TopUpSettlement::answer);
  }
}
