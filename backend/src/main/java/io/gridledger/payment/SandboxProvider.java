package io.gridledger.payment;

import io.gridledger.ledger.AccountKind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The built-in test checkout: a local page ({@code /pay/sandbox/<checkoutId>}) where the payer confirms or cancels.
 * The page's answer becomes a notification signed like Stripe's with a secret of this process and goes through the
 * same verification and state machine as a real provider's webhook. The checkout id is 128 random bits: the page
 * link is the payer's capability, as a real provider's checkout URL is. Disabled unless configured (or in the demo):
 * it credits wallets with money nobody paid.
 */
final class SandboxProvider implements PaymentProvider {

  static final String CONFIRMED = "checkout.confirmed";
  static final String CANCELED = "checkout.canceled";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final boolean enabled;
  private final String secret;

  SandboxProvider(boolean enabled) {
    this.enabled = enabled;
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    this.secret = HexFormat.of().formatHex(bytes);
  }

  @Override
  public String name() {
    return "sandbox";
  }

  @Override
  public boolean enabled() {
    return enabled;
  }

  @Override
  public boolean operatorOnly() {
    return false;
  }

  @Override
  public boolean settlesImmediately() {
    return false;
  }

  @Override
  public AccountKind clearingKind() {
    return AccountKind.PROVIDER_CLEARING;
  }

  @Override
  public Future<Checkout> startCheckout(CheckoutRequest request) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String checkoutId = "sbx_" + HexFormat.of().formatHex(bytes);
    return Future.succeededFuture(new Checkout(checkoutId, request.baseUrl() + "/pay/sandbox/" + checkoutId));
  }

  /** The signed notification the payment page sends when the payer confirms or cancels. */
  Notification notification(String checkoutId, UUID topUpId, long amountMinor, String currency, boolean confirmed) {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    long now = System.currentTimeMillis() / 1000;
    Buffer payload = new JsonObject().put("id", "sbx_evt_" + HexFormat.of().formatHex(bytes))
      .put("type", confirmed ? CONFIRMED : CANCELED).put("created", now)
      .put("data", new JsonObject().put("checkoutId", checkoutId).put("topUpId", topUpId.toString())
        .put("amountMinor", amountMinor).put("currency", currency))
      .toBuffer();
    return new Notification(WebhookSignature.header(secret, now, payload.getBytes()), payload);
  }

  record Notification(String signature, Buffer payload) {
  }

  @Override
  public PaymentEvent verify(String signatureHeader, Buffer payload) throws WebhookSignature.Refused {
    WebhookSignature.verify(signatureHeader, payload.getBytes(), secret, 300, System.currentTimeMillis() / 1000);
    JsonObject event = new JsonObject(payload);
    JsonObject data = event.getJsonObject("data");
    PaymentEvent.Kind kind = CONFIRMED.equals(event.getString("type")) ? PaymentEvent.Kind.SUCCEEDED
      : CANCELED.equals(event.getString("type")) ? PaymentEvent.Kind.FAILED : PaymentEvent.Kind.IGNORED;
    return new PaymentEvent(name(), event.getString("id"), event.getString("type"), kind,
      UUID.fromString(data.getString("topUpId")), data.getString("checkoutId"), data.getString("checkoutId"),
      data.getLong("amountMinor"), data.getString("currency"));
  }
}
