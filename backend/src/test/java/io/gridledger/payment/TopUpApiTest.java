package io.gridledger.payment;

import io.gridledger.ledger.LedgerService;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("Top-ups credit a wallet exactly once, whatever the retries, providers and webhooks do")
class TopUpApiTest {

  private static FakeStripe stripe;
  private static TestBackend backend;
  private static ContractHttp http;
  private static TwoSites sites;
  private static String operatorA;
  private static String tenantA1;
  private static String walletA1;
  private static String walletA2;

  @BeforeAll
  static void start() throws Exception {
    stripe = new FakeStripe();
    backend = TestBackend.start(new JsonObject().put("payments", new JsonObject().put("sandboxEnabled", true)
      .put("stripeSecretKey", FakeStripe.SECRET_KEY).put("stripeApiBase", stripe.apiBase())));
    http = ContractHttp.of(backend);
    sites = TwoSites.create(backend);
    operatorA = backend.login("operator-a");
    tenantA1 = backend.login("tenant-a1");
    walletA1 = wallet(tenantA1, sites.a.get("tenant1"));
    walletA2 = wallet(backend.login("tenant-a2"), sites.a.get("tenant2"));
  }

  @AfterAll
  static void stop() {
    backend.close();
    stripe.close();
  }

  @Test
  @DisplayName("50 concurrent requests of one cash top-up: one credit, 50 identical responses; the key with another body is 422")
  void fiftyConcurrentReplays() throws Exception {
    long before = balance(walletA1);
    String key = "receipt-" + UUID.randomUUID();
    JsonObject body = new JsonObject().put("amountMinor", 2_500).put("provider", "cash").put("reference", "receipt 17");
    List<Response> responses = concurrently(50, i -> topUp(operatorA, walletA1, key, body));
    responses.forEach(r -> assertEquals(201, r.status(), r.text()));
    assertEquals(1, responses.stream().map(Response::text).distinct().count(), "responses differ");
    assertEquals(49, responses.stream().filter(r -> r.headers().containsKey("idempotent-replayed")).count());
    JsonObject topUp = responses.get(0).json();
    assertEquals("succeeded", topUp.getString("state"));
    assertEquals(before + 2_500, balance(walletA1));
    assertEquals(1, count("top_up WHERE idempotency_key = '" + key + "'"));
    assertEquals(2, count("ledger_leg WHERE transfer_id = '" + topUp.getString("transferId") + "'"));

    Response other = topUp(operatorA, walletA1, key, body.copy().put("amountMinor", 2_600));
    assertProblem(other, 422, "idempotency-key-reused");
    assertEquals(before + 2_500, balance(walletA1));
  }

  @Test
  @DisplayName("a tenant cannot see or top up another tenant's wallet (404), nor record cash (403); nothing changes")
  void tenantIsConfinedToItsWallet() {
    long topUps = count("top_up");
    long balanceA2 = balance(walletA2);
    assertProblem(topUp(tenantA1, walletA2, "k1", sandbox(1_000)), 404, "not-found");
    assertProblem(http.call("getAccount", "GET", "/accounts/" + walletA2, tenantA1, null), 404, "not-found");
    String foreignTopUp = topUp(operatorA, walletA2, "k-a2", new JsonObject().put("amountMinor", 100)
      .put("provider", "cash")).json().getString("id");
    assertProblem(http.call("getTopUp", "GET", "/top-ups/" + foreignTopUp, tenantA1, null), 404, "not-found");
    assertProblem(topUp(tenantA1, walletA1, "k2", new JsonObject().put("amountMinor", 100).put("provider", "cash")),
      403, "forbidden");
    assertEquals(topUps + 1, count("top_up"));
    assertEquals(balanceA2 + 100, balance(walletA2));
  }

  @Test
  @DisplayName("sandbox: the tenant opens the local payment page and confirms; 10 concurrent confirmations credit once")
  void sandboxCheckout() throws Exception {
    long before = balance(walletA1);
    Response created = topUp(tenantA1, walletA1, "sbx-" + UUID.randomUUID(), sandbox(1_234));
    assertEquals(201, created.status(), created.text());
    JsonObject topUp = created.json();
    assertEquals("pending", topUp.getString("state"));
    String url = topUp.getString("checkoutUrl");
    assertTrue(url.startsWith(backend.baseUrl() + "/pay/sandbox/sbx_"), url);
    Response page = page("GET", url);
    assertEquals(200, page.status());
    assertTrue(page.text().contains("EUR 12.34") && page.text().contains("/confirm") && page.text().contains("/cancel"), page.text());

    List<Response> confirms = concurrently(10, i -> page("POST", url + "/confirm"));
    confirms.forEach(r -> assertEquals(303, r.status()));
    assertEquals(before + 1_234, balance(walletA1));
    JsonObject settled = http.call("getTopUp", "GET", "/top-ups/" + topUp.getString("id"), tenantA1, null).json();
    assertEquals("succeeded", settled.getString("state"));
    assertEquals(1, count("ledger_leg WHERE account_id = '" + walletA1 + "' AND transfer_id = '"
      + settled.getString("transferId") + "'"));
    assertTrue(page("GET", url).text().contains("succeeded"));
    assertEquals(before + 1_234, balance(walletA1));
  }

  @Test
  @DisplayName("sandbox: a cancelled checkout ends failed and credits nothing, even if confirmed afterwards")
  void sandboxCancel() {
    long before = balance(walletA1);
    JsonObject topUp = topUp(tenantA1, walletA1, "sbx-" + UUID.randomUUID(), sandbox(500)).json();
    assertEquals(303, page("POST", topUp.getString("checkoutUrl") + "/cancel").status());
    assertEquals(303, page("POST", topUp.getString("checkoutUrl") + "/confirm").status());
    assertEquals("failed", http.call("getTopUp", "GET", "/top-ups/" + topUp.getString("id"), tenantA1, null)
      .json().getString("state"));
    assertEquals(before, balance(walletA1));
    assertEquals(404, page("GET", backend.baseUrl() + "/pay/sandbox/sbx_" + "0".repeat(32)).status());
  }

  @Test
  @DisplayName("Stripe: the top-up creates a Checkout Session as Stripe expects it, with the key, the form and an idempotency key")
  void stripeCheckoutSession() {
    int before = stripe.received().size();
    JsonObject topUp = topUp(tenantA1, walletA1, "str-" + UUID.randomUUID(), stripe(1_999)).json();
    assertEquals("pending", topUp.getString("state"));
    assertTrue(topUp.getString("checkoutUrl").startsWith("https://checkout.stripe.test/c/pay/cs_test_"), topUp.encode());
    FakeStripe.Received request = stripe.received().get(before);
    assertEquals("Bearer " + FakeStripe.SECRET_KEY, request.authorization());
    assertEquals("gridledger-top-up-" + topUp.getString("id"), request.idempotencyKey());
    Map<String, String> form = request.form();
    assertEquals("payment", form.get("mode"));
    assertEquals("1999", form.get("line_items[0][price_data][unit_amount]"));
    assertEquals("eur", form.get("line_items[0][price_data][currency]"));
    assertEquals(topUp.getString("id"), form.get("client_reference_id"));
    assertEquals(topUp.getString("id"), form.get("payment_intent_data[metadata][top_up_id]"));
    assertTrue(form.get("success_url").startsWith(backend.baseUrl() + "/pay/return?topUpId="), form.get("success_url"));
  }

  @Test
  @DisplayName("Stripe down: 502, the top-up stays pending; the retry with the same key completes it")
  void stripeUnavailableThenRetried() {
    String key = "str-" + UUID.randomUUID();
    stripe.failing(true);
    try {
      assertProblem(topUp(tenantA1, walletA1, key, stripe(700)), 502, "payment-provider-error");
    } finally {
      stripe.failing(false);
    }
    Response retried = topUp(tenantA1, walletA1, key, stripe(700));
    assertEquals(201, retried.status(), retried.text());
    assertEquals("pending", retried.json().getString("state"));
    assertNotNull(retried.json().getString("checkoutUrl"));
    assertEquals(retried.text(), topUp(tenantA1, walletA1, key, stripe(700)).text());
    assertEquals(1, count("top_up WHERE idempotency_key = '" + key + "'"));
  }

  @Test
  @DisplayName("Stripe webhooks: completed credits once; a duplicate, a second completed, expired and failed after it change nothing")
  void stripeWebhooksDuplicateAndOutOfOrder() {
    long before = balance(walletA1);
    JsonObject topUp = topUp(tenantA1, walletA1, "str-" + UUID.randomUUID(), stripe(3_000)).json();
    String completed = StripeEvents.session("checkout.session.completed", topUp, "paid");
    assertEquals("credited", deliver(completed).json().getString("outcome"));
    assertEquals("duplicate-event", deliver(completed).json().getString("outcome"));
    assertEquals("already-succeeded", deliver(StripeEvents.session("checkout.session.completed", topUp, "paid"))
      .json().getString("outcome"));
    assertEquals("ignored-succeeded", deliver(StripeEvents.session("checkout.session.expired", topUp, "unpaid"))
      .json().getString("outcome"));
    assertEquals("ignored-succeeded", deliver(StripeEvents.intent("payment_intent.payment_failed", topUp))
      .json().getString("outcome"));
    assertEquals("already-succeeded", deliver(StripeEvents.intent("payment_intent.succeeded", topUp))
      .json().getString("outcome"));
    assertEquals(before + 3_000, balance(walletA1));
    JsonObject settled = http.call("getTopUp", "GET", "/top-ups/" + topUp.getString("id"), tenantA1, null).json();
    assertEquals("succeeded", settled.getString("state"));
    assertEquals(topUp.getString("providerCheckoutId"), settled.getString("providerCheckoutId"));
    assertTrue(settled.getString("providerPaymentId").startsWith("pi_"), settled.encode());
  }

  @Test
  @DisplayName("Stripe webhooks: expired first ends the top-up; a later verified payment still credits it, once")
  void stripeLatePayment() throws Exception {
    long before = balance(walletA1);
    JsonObject topUp = topUp(tenantA1, walletA1, "str-" + UUID.randomUUID(), stripe(400)).json();
    assertEquals("expired", deliver(StripeEvents.session("checkout.session.expired", topUp, "unpaid")).json().getString("outcome"));
    assertEquals("ignored", deliver(StripeEvents.session("checkout.session.completed", topUp, "unpaid")).json().getString("outcome"));
    assertEquals(before, balance(walletA1));
    List<Response> concurrent = concurrently(8, i -> deliver(StripeEvents.session("checkout.session.async_payment_succeeded", topUp, "paid")));
    List<String> outcomes = concurrent.stream().map(r -> r.json().getString("outcome")).sorted().toList();
    assertEquals(1, outcomes.stream().filter(o -> o.equals("credited-after-expired")).count(), outcomes.toString());
    assertEquals(7, outcomes.stream().filter(o -> o.equals("already-succeeded")).count(), outcomes.toString());
    assertEquals(before + 400, balance(walletA1));
  }

  @Test
  @DisplayName("Stripe webhooks: a bad, missing, tampered, foreign-secret or expired signature answers 401 and credits nothing")
  void stripeBadSignatures() {
    long before = balance(walletA1);
    long events = count("payment_event");
    JsonObject topUp = topUp(tenantA1, walletA1, "str-" + UUID.randomUUID(), stripe(900)).json();
    String event = StripeEvents.session("checkout.session.completed", topUp, "paid");
    long now = System.currentTimeMillis() / 1000;
    String valid = WebhookSignature.header(TestBackend.STRIPE_WEBHOOK_SECRET, now, event.getBytes());
    String tampered = event.replace("\"amount_total\":900", "\"amount_total\":9000");
    List<Map<String, String>> refused = List.of(
      Map.of(),
      Map.of("Stripe-Signature", "garbage"),
      Map.of("Stripe-Signature", "t=" + now + ",v1=" + "0".repeat(64)),
      Map.of("Stripe-Signature", WebhookSignature.header("whsec_someone_else", now, event.getBytes())),
      // Well outside the 300 s tolerance: "now + 301" became acceptable when the server checked a second or two
      // after the test read its clock (a loaded machine), which made this test flaky.
      Map.of("Stripe-Signature", WebhookSignature.header(TestBackend.STRIPE_WEBHOOK_SECRET, now - 360, event.getBytes())),
      Map.of("Stripe-Signature", WebhookSignature.header(TestBackend.STRIPE_WEBHOOK_SECRET, now + 360, event.getBytes())),
      Map.of("Stripe-Signature", valid.replace("v1=", "v0=")));
    for (Map<String, String> headers : refused) {
      assertProblem(http.call("receiveStripeWebhook", "POST", "/payments/webhooks/stripe", null, event,
        "application/json", headers), 401, "unauthorized");
    }
    assertProblem(http.call("receiveStripeWebhook", "POST", "/payments/webhooks/stripe", null, tampered,
      "application/json", Map.of("Stripe-Signature", valid)), 401, "unauthorized");
    assertEquals(before, balance(walletA1));
    assertEquals(events, count("payment_event"));
    // Several v1 signatures (a secret being rolled): one valid among them is enough.
    String rolled = "t=" + now + ",v1=" + "a".repeat(64) + "," + valid.substring(valid.indexOf("v1="));
    Response accepted = http.call("receiveStripeWebhook", "POST", "/payments/webhooks/stripe", null, event,
      "application/json", Map.of("Stripe-Signature", rolled));
    assertEquals(200, accepted.status(), accepted.text());
    assertEquals("credited", accepted.json().getString("outcome"));
    assertEquals(before + 900, balance(walletA1));
  }

  @Test
  @DisplayName("Stripe webhooks: a payment of another amount, or for an unknown top-up, credits nothing")
  void stripeAmountMismatchAndUnknown() {
    long before = balance(walletA1);
    JsonObject topUp = topUp(tenantA1, walletA1, "str-" + UUID.randomUUID(), stripe(1_500)).json();
    String cheaper = StripeEvents.session("checkout.session.completed", topUp.copy().put("amountMinor", 15), "paid");
    assertEquals("amount-mismatch", deliver(cheaper).json().getString("outcome"));
    String unknown = StripeEvents.session("checkout.session.completed", topUp.copy().put("id", UUID.randomUUID().toString())
      .put("providerCheckoutId", "cs_test_unknown"), "paid");
    assertEquals("unknown-top-up", deliver(unknown).json().getString("outcome"));
    assertEquals("pending", http.call("getTopUp", "GET", "/top-ups/" + topUp.getString("id"), tenantA1, null)
      .json().getString("state"));
    assertEquals(before, balance(walletA1));
  }

  @Test
  @DisplayName("a top-up publishes the wallet's new balance on gridledger.live.balance after commit")
  void topUpPublishesBalance() throws Exception {
    LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    var consumer = backend.vertx().eventBus().<JsonObject>consumer(LedgerService.BALANCE_ADDRESS, m -> {
      if (m.body().getString("accountId").equals(walletA2)) {
        received.add(m.body());
      }
    });
    consumer.completion().await();
    long before = balance(walletA2);
    assertEquals(201, topUp(operatorA, walletA2, "cash-" + UUID.randomUUID(), new JsonObject().put("amountMinor", 5_000)
      .put("provider", "cash")).status());
    JsonObject message = received.poll(10, TimeUnit.SECONDS);
    assertNotNull(message);
    assertEquals(before + 5_000, message.getLong("balanceMinor"));
    assertEquals(sites.a.get("tenant2").toString(), message.getString("tenantId"));
    assertEquals("EUR", message.getString("currency"));
    consumer.unregister().await();
  }

  // --- helpers ---

  static Response topUp(String token, String accountId, String key, JsonObject body) {
    return http.call("createTopUp", "POST", "/accounts/" + accountId + "/top-ups", token, body.encode(),
      "application/json", Map.of("Idempotency-Key", key));
  }

  private static Response deliver(String event) {
    String signature = WebhookSignature.header(TestBackend.STRIPE_WEBHOOK_SECRET, System.currentTimeMillis() / 1000,
      event.getBytes());
    Response r = http.call("receiveStripeWebhook", "POST", "/payments/webhooks/stripe", null, event, "application/json",
      Map.of("Stripe-Signature", signature));
    assertEquals(200, r.status(), r.text());
    return r;
  }

  private static JsonObject sandbox(long amountMinor) {
    return new JsonObject().put("amountMinor", amountMinor).put("provider", "sandbox");
  }

  private static JsonObject stripe(long amountMinor) {
    return new JsonObject().put("amountMinor", amountMinor).put("provider", "stripe");
  }

  private static String wallet(String token, UUID tenantId) {
    Response r = http.call("listTenantAccounts", "GET", "/tenants/" + tenantId + "/accounts", token, null);
    assertEquals(200, r.status(), r.text());
    return r.json().getJsonArray("items").stream().map(o -> (JsonObject) o)
      .filter(a -> a.getString("kind").equals("tenant_wallet")).findFirst().orElseThrow().getString("id");
  }

  private static long balance(String accountId) {
    return backend.rows("SELECT balance_minor FROM ledger_account WHERE id = '" + accountId + "'")
      .getJsonObject(0).getLong("balance_minor");
  }

  private static long count(String fromWhere) {
    return backend.rows("SELECT count(*) AS n FROM " + fromWhere).getJsonObject(0).getLong("n");
  }

  private static Response page(String method, String url) {
    return ContractHttp.send(HttpRequest.newBuilder(URI.create(url))
      .method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  private static void assertProblem(Response r, int status, String slug) {
    assertEquals(status, r.status(), r::text);
    assertEquals("https://gridledger.io/problems/" + slug, r.json().getString("type"), r::text);
  }

  static <T> List<T> concurrently(int n, java.util.function.IntFunction<T> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<CompletableFuture<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return call.apply(index);
        }, pool));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (CompletableFuture<T> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
