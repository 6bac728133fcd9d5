package io.gridledger.payment;

import io.gridledger.api.Problem;
import io.gridledger.ledger.AccountKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Stripe Checkout: a top-up creates a Checkout Session (form-encoded POST to {@code <apiBase>/v1/checkout/sessions}
 * with the secret key, and an Idempotency-Key derived from the top-up so a retried creation returns the same
 * session); the payer pays on Stripe's page; Stripe's signed webhook events settle the top-up.
 *
 * <p>Events acted on: {@code checkout.session.completed} (credits when payment_status is paid),
 * {@code checkout.session.async_payment_succeeded}, {@code payment_intent.succeeded} (credit);
 * {@code checkout.session.async_payment_failed}, {@code payment_intent.payment_failed} (failed);
 * {@code checkout.session.expired} (expired). The top-up is found by client_reference_id or metadata.top_up_id.
 */
final class StripeProvider implements PaymentProvider {

  private static final Logger LOG = LoggerFactory.getLogger(StripeProvider.class);

  private final HttpClient http;
  private final String secretKey;
  private final String webhookSecret;
  private final String apiBase;
  private final String returnUrl;
  private final long toleranceSeconds;
  private final long timeoutMs;

  StripeProvider(Vertx vertx, JsonObject payments) {
    this.secretKey = payments.getString("stripeSecretKey");
    this.webhookSecret = payments.getString("stripeWebhookSecret");
    this.apiBase = payments.getString("stripeApiBase").replaceAll("/+$", "");
    this.returnUrl = payments.getString("returnUrl");
    this.toleranceSeconds = payments.getInteger("stripeWebhookToleranceSeconds");
    this.timeoutMs = payments.getInteger("stripeTimeoutMs");
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeoutMs),
      new io.vertx.core.http.PoolOptions().setHttp1MaxSize(8));
  }

  @Override
  public String name() {
    return "stripe";
  }

  @Override
  public boolean enabled() {
    return secretKey != null && !secretKey.isBlank();
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
    String back = (returnUrl != null ? returnUrl : request.baseUrl() + "/pay/return") + "?topUpId=" + request.topUpId();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("mode", "payment");
    form.put("client_reference_id", request.topUpId().toString());
    form.put("success_url", back + "&result=success");
    form.put("cancel_url", back + "&result=cancel");
    form.put("line_items[0][quantity]", "1");
    form.put("line_items[0][price_data][currency]", request.currency().toLowerCase(Locale.ROOT));
    form.put("line_items[0][price_data][unit_amount]", Long.toString(request.amountMinor()));
    form.put("line_items[0][price_data][product_data][name]", "Prepaid balance top-up");
    form.put("metadata[top_up_id]", request.topUpId().toString());
    form.put("metadata[account_id]", request.accountId().toString());
    form.put("metadata[tenant_id]", request.tenantId().toString());
    form.put("payment_intent_data[metadata][top_up_id]", request.topUpId().toString());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
      .setAbsoluteURI(apiBase + "/v1/checkout/sessions")
      .setIdleTimeout(timeoutMs)
      .putHeader("Authorization", "Bearer " + secretKey)
      .putHeader("Content-Type", "application/x-www-form-urlencoded")
      .putHeader("Idempotency-Key", "gridledger-top-up-" + request.topUpId());
    return http.request(options)
      .compose(req -> req.send(Buffer.buffer(encode(form))))
      .compose(resp -> resp.body().map(body -> {
        if (resp.statusCode() != 200) {
          LOG.warn("stripe checkout refused topUp={} status={} body={}", request.topUpId(), resp.statusCode(),
            body.toString().substring(0, Math.min(500, body.length())));
          throw providerError("Stripe answered " + resp.statusCode());
        }
        JsonObject session = new JsonObject(body);
        return new Checkout(session.getString("id"), session.getString("url"));
      }))
      .recover(e -> Future.failedFuture(e instanceof Problem ? e : providerError("Stripe could not be reached")));
  }

  private static Problem providerError(String detail) {
    return new Problem(502, "payment-provider-error", "Payment provider error",
      detail + "; the top-up stays pending: retry with the same Idempotency-Key", null);
  }

  static String encode(Map<String, String> form) {
    StringBuilder out = new StringBuilder();
    form.forEach((k, v) -> out.append(out.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
      .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return out.toString();
  }

  @Override
  public PaymentEvent verify(String signatureHeader, Buffer payload) throws WebhookSignature.Refused {
    if (webhookSecret == null || webhookSecret.isBlank()) {
      throw new WebhookSignature.Refused("Stripe webhooks are not configured (payments.stripeWebhookSecret)");
    }
    WebhookSignature.verify(signatureHeader, payload.getBytes(), webhookSecret, toleranceSeconds,
      System.currentTimeMillis() / 1000);
    JsonObject event = new JsonObject(payload);
    String type = String.valueOf(event.getString("type"));
    JsonObject object = event.getJsonObject("data", new JsonObject()).getJsonObject("object", new JsonObject());
    JsonObject metadata = object.getJsonObject("metadata", new JsonObject());
    boolean session = type.startsWith("checkout.session.");
    String reference = session && object.getString("client_reference_id") != null
      ? object.getString("client_reference_id") : metadata.getString("top_up_id");
    Object intent = session ? object.getValue("payment_intent") : object.getString("id");
    String paymentId = intent instanceof JsonObject expanded ? expanded.getString("id") : (String) intent;
    Long amount = session ? object.getLong("amount_total")
      : object.getLong(type.equals("payment_intent.succeeded") ? "amount_received" : "amount");
    String currency = object.getString("currency") == null ? null : object.getString("currency").toUpperCase(Locale.ROOT);
    return new PaymentEvent(name(), event.getString("id"), type, kind(type, object), uuidOrNull(reference),
      session ? object.getString("id") : null, paymentId, amount, currency);
  }

  private static PaymentEvent.Kind kind(String type, JsonObject object) {
    return switch (type) {
      case "checkout.session.completed" -> "paid".equals(object.getString("payment_status"))
        ? PaymentEvent.Kind.SUCCEEDED : PaymentEvent.Kind.IGNORED;
      case "checkout.session.async_payment_succeeded", "payment_intent.succeeded" -> PaymentEvent.Kind.SUCCEEDED;
      case "checkout.session.async_payment_failed", "payment_intent.payment_failed" -> PaymentEvent.Kind.FAILED;
      case "checkout.session.expired" -> PaymentEvent.Kind.EXPIRED;
      default -> PaymentEvent.Kind.IGNORED;
    };
  }

  private static UUID uuidOrNull(String value) {
    try {
      return value == null ? null : UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
