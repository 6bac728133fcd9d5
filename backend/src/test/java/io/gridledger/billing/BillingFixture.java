package io.gridledger.billing;

import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A backend whose billing rates usage the test states ({@link FixedAllocation}) and records postings
 * ({@link RecordingReceivables}), with the clock fixed at 2026-11-03T10:00Z (11:00 in Berlin): invoices issued
 * "today" fall due 14 days later, on 2026-11-17.
 */
public final class BillingFixture implements AutoCloseable {

  public static final Instant NOW = Instant.parse("2026-11-03T10:00:00Z");

  /** Standing 12.50/month, energy 0.2815/kWh, VAT 19% on both (docs/tariffs.md's components). */
  public static JsonObject tariffDocument() {
    return new JsonObject().put("utility", "electricity").put("unit", "kWh").put("currency", "EUR")
      .put("components", new JsonArray()
        .add(new JsonObject().put("id", "standing").put("kind", "fixed").put("description", "Standing charge")
          .put("amount", "12.50").put("per", "month"))
        .add(new JsonObject().put("id", "energy").put("kind", "energy").put("description", "Energy").put("rate", "0.2815"))
        .add(new JsonObject().put("id", "vat").put("kind", "tax").put("description", "VAT 19%").put("percent", "19")));
  }

  public final TestBackend backend;
  public final ContractHttp http;
  public final TwoSites sites;
  public final FixedAllocation allocation = new FixedAllocation();
  public final RecordingReceivables receivables = new RecordingReceivables();
  public final String admin;

  public BillingFixture(JsonObject overrides) {
    backend = TestBackend.start(overrides, app -> app.billingCollaborators(allocation, receivables,
      Clock.fixed(NOW, ZoneOffset.UTC)));
    http = ContractHttp.of(backend);
    sites = TwoSites.create(backend);
    admin = backend.login(TestBackend.ADMIN);
  }

  /** A tariff of the site with {@link #tariffDocument()}, assigned to the tenants from 2026-01-01. */
  public UUID tariffFor(UUID siteId, UUID... tenants) {
    Response t = http.call("createTariff", "POST", "/sites/" + siteId + "/tariffs", admin, new JsonObject()
      .put("name", "Office power " + UUID.randomUUID()).put("effectiveFrom", "2026-01-01").put("document", tariffDocument()));
    assertEquals(201, t.status(), t.text());
    UUID tariffId = UUID.fromString(t.json().getString("id"));
    for (UUID tenant : tenants) {
      Response a = http.call("putTenantTariffs", "PUT", "/tenants/" + tenant + "/tariffs", admin, new JsonObject()
        .put("assignments", new JsonArray().add(new JsonObject().put("utility", "electricity")
          .put("tariffId", tariffId.toString()).put("effectiveFrom", "2026-01-01"))));
      assertEquals(200, a.status(), a.text());
    }
    return tariffId;
  }

  /** Starts a run and waits (bounded) until it has ended; answers the ended run. */
  public JsonObject run(UUID siteId, String period) {
    Response started = http.call("createBillRun", "POST", "/bill-runs", admin,
      new JsonObject().put("siteId", siteId.toString()).put("period", period));
    assertEquals(202, started.status(), started.text());
    return awaitEnd(started.json().getString("id"));
  }

  public JsonObject awaitEnd(String runId) {
    for (int attempt = 0; attempt < 300; attempt++) {
      Response r = http.call("getBillRun", "GET", "/bill-runs/" + runId, admin, null);
      String status = r.json().getString("status");
      if (status.equals("completed") || status.equals("failed")) {
        return r.json();
      }
      sleep(100);
    }
    throw new AssertionError("bill run " + runId + " did not end");
  }

  public JsonObject post(String operationId, String path) {
    Response r = http.call(operationId, "POST", path, admin, null);
    assertEquals(200, r.status(), r.text());
    return r.json();
  }

  /** Raw bytes (the PDF), with the status. */
  public HttpResponse<byte[]> bytes(String apiPath, String token) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/api/v1" + apiPath))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    backend.close();
  }
}
