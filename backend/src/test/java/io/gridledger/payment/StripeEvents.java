package io.gridledger.payment;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** Stripe event payloads shaped as Stripe documents them (event with data.object), for a top-up as the API returned it. */
final class StripeEvents {

  private StripeEvents() {
  }

  /** A checkout.session.* event for the top-up's Checkout Session. */
  static String session(String type, JsonObject topUp, String paymentStatus) {
    JsonObject session = new JsonObject().put("id", topUp.getString("providerCheckoutId")).put("object", "checkout.session")
      .put("amount_total", topUp.getLong("amountMinor")).put("currency", topUp.getString("currency").toLowerCase())
      .put("client_reference_id", topUp.getString("id"))
      .put("metadata", new JsonObject().put("top_up_id", topUp.getString("id")))
      .put("mode", "payment").put("payment_intent", "pi_" + topUp.getString("id").substring(0, 8))
      .put("payment_status", paymentStatus).put("status", type.endsWith("expired") ? "expired" : "complete");
    return event(type, session);
  }

  /** A payment_intent.* event for the top-up's PaymentIntent (found by its metadata). */
  static String intent(String type, JsonObject topUp) {
    JsonObject intent = new JsonObject().put("id", "pi_" + topUp.getString("id").substring(0, 8)).put("object", "payment_intent")
      .put("amount", topUp.getLong("amountMinor"))
      .put("amount_received", type.endsWith("succeeded") ? topUp.getLong("amountMinor") : 0)
      .put("currency", topUp.getString("currency").toLowerCase())
      .put("metadata", new JsonObject().put("top_up_id", topUp.getString("id")))
      .put("status", type.endsWith("succeeded") ? "succeeded" : "requires_payment_method");
    return event(type, intent);
  }

  private static String event(String type, JsonObject object) {
    return new JsonObject().put("id", "evt_" + UUID.randomUUID().toString().replace("-", ""))
      .put("object", "event").put("api_version", "2024-06-20").put("created", System.currentTimeMillis() / 1000)
      .put("livemode", false).put("type", type).put("data", new JsonObject().put("object", object)).encode();
  }
}
