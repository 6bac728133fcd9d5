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

  /**
   * A late reading corrects an issued month: exactly one credit note and one rebill, both issued and posted, the
   * original untouched, the statement showing the corrected amount. Site B (America/Los_Angeles): October 2026 has
   * 744 hours there (summer time ends on 1 November). Tenant 2's register rises 1 kWh per hour, but the reading at
   * the month's end (1 November 00:00 PDT = 07:00 UTC) is missing: the next one, three hours later, is 6 kWh higher,
   * so the gap is estimated at 2 kWh an hour and October holds 743 + 2 = 745 kWh: 149.00 + 10.00 + VAT 30.21 =
   * 189.21 EUR, as before. The late reading says the register stood at 1747 at midnight, so the last October hour
   * used 4 kWh: 747 kWh, energy 149.40, net 159.40, VAT 159.40 x 0.19 = 30.286 -> 30.29, total 189.69 EUR.
   */
  @Test
  @DisplayName("a late reading in an issued month gives exactly one credit note and one rebill, and a second run adds none")
  void lateReadingCorrectsAnIssuedMonth() throws Exception {
    String operatorB = backend.login("operator-b");
    String site = sites.b.get("site").toString();
    String tenant = sites.b.get("tenant2").toString();
    String meter = sites.b.get("meter2").toString();
    assignTariff(site, tenant, operatorB);
    Instant start = Instant.parse("2026-10-01T07:00:00Z");
    JsonArray readings = new JsonArray();
    for (int h = 0; h <= 743; h++) {
      readings.add(reading("B-M2", start.plusSeconds(3600L * h), 1000.0 + h));
    }
    readings.add(reading("B-M2", start.plusSeconds(3600L * 746), 1749.0));
    ingest(readings);
    awaitConsumption(meter, "2026-10-01T07:00:00Z", "2026-11-01T07:00:00Z", 745.0, operatorB);

    String run = billMonth(site, operatorB);
    assertEquals(200, http.call("finalizeBillRun", "POST", "/bill-runs/" + run + "/finalize", operatorB, null).status());
    assertEquals(200, http.call("issueBillRun", "POST", "/bill-runs/" + run + "/issue", operatorB, null).status());
    JsonObject original = onlyInvoice(tenant, "issued", operatorB);
    assertEquals(TOTAL_MINOR, original.getLong("totalMinor"), original.encodePrettily());

    ingest(new JsonArray().add(reading("B-M2", start.plusSeconds(3600L * 744), 1747.0)));
    awaitConsumption(meter, "2026-10-01T07:00:00Z", "2026-11-01T07:00:00Z", 747.0, operatorB);

    // The next run of the period notices the change and corrects it; a run after that finds nothing to do.
    billMonth(site, operatorB);
    billMonth(site, operatorB);
    JsonArray all = invoices(tenant, null, operatorB);
    assertEquals(3, all.size(), all.encodePrettily());
    JsonObject credit = null;
    JsonObject rebill = null;
    for (Object o : all) {
      JsonObject inv = (JsonObject) o;
      if ("credit_note".equals(inv.getString("kind"))) {
        credit = inv;
      } else if (!inv.getString("id").equals(original.getString("id"))) {
        rebill = inv;
      }
    }
    assertEquals(original.getString("id"), credit.getString("creditsInvoiceId"), credit.encodePrettily());
    assertEquals(TOTAL_MINOR, credit.getLong("totalMinor"));
    assertEquals("issued", credit.getString("status"));
    assertEquals(original.getString("id"), rebill.getString("replacesInvoiceId"), rebill.encodePrettily());
    assertEquals(18_969, rebill.getLong("totalMinor"));
    assertEquals(3_029, rebill.getLong("taxMinor"));
    assertEquals("issued", rebill.getString("status"));
    JsonObject unchanged = http.call("getInvoice", "GET", "/invoices/" + original.getString("id"), operatorB, null).json();
    assertEquals(TOTAL_MINOR, unchanged.getLong("totalMinor"));
    assertEquals(original.getString("number"), unchanged.getString("number"));
    assertEquals(credit.getString("id"), unchanged.getString("creditedBy"));

    Response statement = http.call("getTenantStatement", "GET", "/tenants/" + tenant + "/statement?from=2026-10-01&to="
      + java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2), operatorB, null);
    assertEquals(18_969, statement.json().getLong("closingBalanceMinor"), statement.text());
  }

  private static JsonObject reading(String serial, Instant ts, double value) {
    return new JsonObject().put("meter", serial).put("register", "energy_active_import").put("ts", ts.toString())
      .put("value", value).put("unit", "kWh");
  }

  private static void ingest(JsonArray readings) {
    Response r = http.call("ingestReadings", "POST", "/readings", backend.login(TestBackend.ADMIN),
      new JsonObject().put("readings", readings));
    assertEquals(202, r.status(), r.text());
  }

  /** Starts a run for October 2026 and waits for it to complete; answers its id. */
  private static String billMonth(String site, String token) throws InterruptedException {
    Response created = http.call("createBillRun", "POST", "/bill-runs", token,
      new JsonObject().put("siteId", site).put("period", "2026-10"));
    assertEquals(202, created.status(), created.text());
    JsonObject run = awaitRun(created.json().getString("id"), token);
    assertEquals("completed", run.getString("status"), run.encodePrettily());
    return run.getString("id");
  }

  private static void assignTariff(String site, String tenant) {
    assignTariff(site, tenant, operator);
  }

  private static void assignTariff(String site, String tenant, String token) {
    JsonObject document = new JsonObject().put("utility", "electricity").put("unit", "kWh").put("currency", "EUR")
      .put("components", new JsonArray()
        .add(new JsonObject().put("id", "standing").put("kind", "fixed").put("amount", "10.00").put("per", "month"))
        .add(new JsonObject().put("id", "energy").put("kind", "energy").put("rate", "0.20"))
        .add(new JsonObject().put("id", "vat").put("kind", "tax").put("percent", "19")));
    Response tariff = http.call("createTariff", "POST", "/sites/" + site + "/tariffs", token, new JsonObject()
      .put("name", "Flow test power").put("effectiveFrom", "2026-01-01").put("document", document));
    assertEquals(201, tariff.status(), tariff.text());
    Response assigned = http.call("putTenantTariffs", "PUT", "/tenants/" + tenant + "/tariffs", token,
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
    awaitConsumption(meterId, "2026-09-30T22:00:00Z", "2026-10-31T23:00:00Z", expectedKwh, operator);
  }

  private static void awaitConsumption(String meterId, String from, String to, double expectedKwh, String token)
      throws InterruptedException {
    String path = "/meters/" + meterId + "/consumption?from=" + from + "&to=" + to + "&interval=1mo";
    double total = -1;
    for (int i = 0; i < 300; i++) {
      Response r = http.call("getMeterConsumption", "GET", path, token, null);
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
    return awaitRun(runId, operator);
  }

  private static JsonObject awaitRun(String runId, String token) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      JsonObject run = http.call("getBillRun", "GET", "/bill-runs/" + runId, token, null).json();
      if (!"queued".equals(run.getString("status")) && !"running".equals(run.getString("status"))) {
        return run;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("bill run " + runId + " did not finish");
  }

  private static JsonArray invoices(String tenant, String status) {
    return invoices(tenant, status, operator);
  }

  private static JsonArray invoices(String tenant, String status, String token) {
    Response r = http.call("listInvoices", "GET", "/invoices?tenantId=" + tenant + (status == null ? "" : "&status="
      + status), token, null);
    assertEquals(200, r.status(), r.text());
    return r.json().getJsonArray("items");
  }

  private static JsonObject onlyInvoice(String tenant, String status) {
    return onlyInvoice(tenant, status, operator);
  }

  private static JsonObject onlyInvoice(String tenant, String status, String token) {
    JsonArray items = invoices(tenant, status, token);
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
