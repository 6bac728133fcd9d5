package io.gridledger.billing;

import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole chain with nothing stood in for: register readings over HTTP -> 15-minute intervals (metering) ->
 * direct allocation to the tenant occupying the unit (allocation) -> a bill run rated with the tenant's tariff
 * (billing) -> finalized and issued -> the receivable on the ledger (postpaid) -> a payment -> the statement and the
 * financial overview. Every figure is worked out by hand below.
 *
 * <p>Site A (Europe/Berlin) of {@link TwoSites}: tenant 2 is postpaid and occupies Unit 2, metered by A-M2. Its
 * register rises 1 kWh per hour from 1 October 00:00 to 1 November 00:00 local time. October 2026 in Berlin has
 * 745 hours (summer time ends on Sunday 25 October, 03:00 -> 02:00), so the month's usage is 745 kWh.
 *
 * <p>Tariff: a standing charge of 10.00 EUR a month, energy at 0.20 EUR/kWh and VAT of 19 % on both.
 * Energy 745 x 0.20 = 149.00; standing 10.00; net 159.00; VAT 159.00 x 0.19 = 30.21; total 189.21 EUR.
 */
class BillingFlowTest {

  private static final long NET_MINOR = 15_900;
  private static final long TAX_MINOR = 3_021;
  private static final long TOTAL_MINOR = 18_921;

  private static TestBackend backend;
  private static ContractHttp http;
  private static TwoSites sites;
  private static String operator;

  @BeforeAll
  static void start() {
    backend = TestBackend.start();
    http = ContractHttp.of(backend);
    sites = TwoSites.create(backend);
    operator = backend.login("operator-a");
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("readings to intervals to allocation to an issued invoice, its receivable, a payment and the statement")
  void monthFromReadingsToStatement() throws Exception {
    String site = sites.a.get("site").toString();
    String tenant = sites.a.get("tenant2").toString();
    assignTariff(site, tenant);
    sendOctoberReadings("A-M2");
    awaitOctoberIntervals(sites.a.get("meter2").toString(), 745.0);

    Response created = http.call("createBillRun", "POST", "/bill-runs", operator,
      new JsonObject().put("siteId", site).put("period", "2026-10"));
    assertEquals(202, created.status(), created.text());
    JsonObject run = awaitRun(created.json().getString("id"));
    assertEquals("completed", run.getString("status"), run.encodePrettily());

    JsonObject draft = onlyInvoice(tenant, "draft");
    assertEquals(TOTAL_MINOR, draft.getLong("totalMinor"), draft.encodePrettily());
    assertEquals(TAX_MINOR, draft.getLong("taxMinor"));
    assertEquals(NET_MINOR, draft.getJsonObject("netByUtility").getLong("electricity"));
    JsonObject full = http.call("getInvoice", "GET", "/invoices/" + draft.getString("id"), operator, null).json();
    JsonObject energy = line(full, "ENERGY");
    assertEquals(0, new java.math.BigDecimal("745").compareTo(new java.math.BigDecimal(energy.getString("quantity"))),
      energy.encode());
    assertEquals(14_900, energy.getLong("amountMinor"));

    assertEquals(200, http.call("finalizeBillRun", "POST", "/bill-runs/" + run.getString("id") + "/finalize", operator,
      null).status());
    assertEquals(200, http.call("issueBillRun", "POST", "/bill-runs/" + run.getString("id") + "/issue", operator,
      null).status());
    JsonObject issued = onlyInvoice(tenant, "issued");
    assertTrue(issued.getString("number").startsWith("INV-"), issued.encode());

    // The issued invoice is a receivable of exactly its total on the tenant's statement.
    JsonObject statement = statement(tenant);
    assertEquals(TOTAL_MINOR, statement.getLong("closingBalanceMinor"), statement.encodePrettily());

    // A partial payment at the cash desk leaves the rest open.
    Response paid = http.call("createTenantPayment", "POST", "/tenants/" + tenant + "/payments", operator,
      new JsonObject().put("amountMinor", 10_000).put("method", "cash").encode(), "application/json",
      Map.of("Idempotency-Key", "flow-payment-1"));
    assertTrue(paid.status() == 201 || paid.status() == 200, paid.text());
    assertEquals(TOTAL_MINOR - 10_000, statement(tenant).getLong("closingBalanceMinor"));

    // The month's overview: billed electricity, tax and what was collected.
    JsonObject overview = http.call("getFinanceOverview", "GET", "/finance/overview?siteId=" + site
      + "&from=2026-10-01&to=" + java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2), operator, null).json();
    assertEquals(NET_MINOR, overview.getJsonObject("billed").getJsonObject("revenueByUtilityMinor").getLong("electricity"),
      overview.encodePrettily());
    assertEquals(TAX_MINOR, overview.getJsonObject("billed").getLong("taxMinor"));
    assertEquals(10_000, overview.getJsonObject("collected").getLong("netMinor"));

    // The tenant downloads its own PDF; the other tenant of the site cannot see it.
    String invoiceId = issued.getString("id");
    Response pdf = http.call("getInvoicePdf", "GET", "/invoices/" + invoiceId + "/pdf", backend.login("tenant-a2"), null);
    assertEquals(200, pdf.status());
    assertTrue(pdf.contentType().startsWith("application/pdf"), pdf.contentType());
    assertTrue(pdf.text().startsWith("%PDF-"));
    assertEquals(404, http.call("getInvoicePdf", "GET", "/invoices/" + invoiceId + "/pdf", backend.login("tenant-a1"),
      null).status());

    // Running the issued month again creates nothing.
    Response again = http.call("createBillRun", "POST", "/bill-runs", operator,
      new JsonObject().put("siteId", site).put("period", "2026-10"));
    if (again.status() == 202) {
      awaitRun(again.json().getString("id"));
    }
    assertEquals(1, invoices(tenant, null).size());
  }

  private static void assignTariff(String site, String tenant) {
    JsonObject document = new JsonObject().put("utility", "electricity").put("unit", "kWh").put("currency", "EUR")
      .put("components", new JsonArray()
        .add(new JsonObject().put("id", "standing").put("kind", "fixed").put("amount", "10.00").put("per", "month"))
        .add(new JsonObject().put("id", "energy").put("kind", "energy").put("rate", "0.20"))
        .add(new JsonObject().put("id", "vat").put("kind", "tax").put("percent", "19")));
    Response tariff = http.call("createTariff", "POST", "/sites/" + site + "/tariffs", operator, new JsonObject()
      .put("name", "Flow test power").put("effectiveFrom", "2026-01-01").put("document", document));
    assertEquals(201, tariff.status(), tariff.text());
    Response assigned = http.call("putTenantTariffs", "PUT", "/tenants/" + tenant + "/tariffs", operator,
      new JsonObject().put("assignments", new JsonArray().add(new JsonObject().put("utility", "electricity")
        .put("tariffId", tariff.json().getString("id")).put("effectiveFrom", "2026-01-01"))));
    assertEquals(200, assigned.status(), assigned.text());
  }

  /** Hourly register values, 1 kWh apart, from 1 October 00:00 to 1 November 00:00 Berlin time (746 readings). */
  private static void sendOctoberReadings(String serial) {
    Instant from = Instant.parse("2026-09-30T22:00:00Z");
    Instant to = Instant.parse("2026-10-31T23:00:00Z");
    JsonArray readings = new JsonArray();
    int hour = 0;
    for (Instant t = from; !t.isAfter(to); t = t.plusSeconds(3600), hour++) {
      readings.add(new JsonObject().put("meter", serial).put("register", "energy_active_import").put("ts", t.toString())
        .put("value", 1000.0 + hour).put("unit", "kWh"));
    }
    assertEquals(746, readings.size());
    Response r = http.call("ingestReadings", "POST", "/readings", backend.login(TestBackend.ADMIN),
      new JsonObject().put("readings", readings));
    assertEquals(202, r.status(), r.text());
  }

  private static void awaitOctoberIntervals(String meterId, double expectedKwh) throws InterruptedException {
    String path = "/meters/" + meterId + "/consumption?from=2026-09-30T22:00:00Z&to=2026-10-31T23:00:00Z&interval=1mo";
    double total = -1;
    for (int i = 0; i < 300; i++) {
      Response r = http.call("getMeterConsumption", "GET", path, operator, null);
      if (r.status() == 200) {
        total = 0;
        for (Object o : r.json().getJsonArray("items")) {
          total += ((JsonObject) o).getDouble("consumption");
        }
        if (Math.abs(total - expectedKwh) < 1e-9) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("October consumption of " + meterId + " did not reach " + expectedKwh + " kWh: " + total);
  }

  private static JsonObject awaitRun(String runId) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      JsonObject run = http.call("getBillRun", "GET", "/bill-runs/" + runId, operator, null).json();
      if (!"queued".equals(run.getString("status")) && !"running".equals(run.getString("status"))) {
        return run;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("bill run " + runId + " did not finish");
  }

  private static JsonArray invoices(String tenant, String status) {
    Response r = http.call("listInvoices", "GET", "/invoices?tenantId=" + tenant + (status == null ? "" : "&status="
      + status), operator, null);
    assertEquals(200, r.status(), r.text());
    return r.json().getJsonArray("items");
  }

  private static JsonObject onlyInvoice(String tenant, String status) {
    JsonArray items = invoices(tenant, status);
    assertEquals(1, items.size(), items.encodePrettily());
    return items.getJsonObject(0);
  }

  private static JsonObject line(JsonObject invoice, String kind) {
    for (Object o : invoice.getJsonArray("lines")) {
      if (kind.equals(((JsonObject) o).getString("kind"))) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no " + kind + " line: " + invoice.encodePrettily());
  }

  private static JsonObject statement(String tenant) {
    Response r = http.call("getTenantStatement", "GET", "/tenants/" + tenant + "/statement?from=2026-10-01&to="
      + java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2), operator, null);
    assertEquals(200, r.status(), r.text());
    return r.json();
  }
}
