package io.gridledger.billing;

import io.gridledger.postpaid.IssuedDocument;
import io.gridledger.testsupport.ContractHttp.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One site's October from draft to corrections, in order (a scenario, as Kill Bill's tests are): Site A in
 * Europe/Berlin bills three tenants with the fixture's tariff (standing 12.50/month, 0.2815/kWh, VAT 19%).
 *
 * <pre>
 * tenant 1, all October, 4.000 kWh a day x 31 = 124.000 kWh
 *   standing 12.50; energy 124 x 0.2815 = 34.906 -> 34.91; subtotal 47.41; VAT 19% = 9.0079 -> 9.01; total 56.42
 * tenant 2, moved in on 16 October (16 of 31 days), 9.000 kWh a day x 16 = 144.000 kWh
 *   standing 12.50 x 16/31 = 6.4516 -> 6.45; energy 144 x 0.2815 = 40.536 -> 40.54; subtotal 46.99;
 *   VAT 8.9281 -> 8.93; total 55.92
 * tenant 3, no tariff assigned: reported as failed, the run completes
 * late reading, tenant 1's 31 October 6.000 kWh instead of 4.000: 126 kWh -> energy 35.469 -> 35.47; subtotal 47.97;
 *   VAT 9.1143 -> 9.11; total 57.08
 * second correction, 30 October 5.000 kWh too: 127 kWh -> energy 35.7505 -> 35.75; subtotal 48.25;
 *   VAT 9.1675 -> 9.17; total 57.42
 * </pre>
 */
@DisplayName("Bill runs: drafts, numbering, issuing, idempotent re-runs and corrections")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BillRunTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final LocalDate OCT = LocalDate.of(2026, 10, 1);
  private static final LocalDate NOV = LocalDate.of(2026, 11, 1);

  private static BillingFixture f;
  private static UUID site, tenant1, tenant2, tenant3;
  private static String runId;
  private static Map<UUID, JsonObject> drafts;
  private static UUID original1, rebill1, rebill2;

  @BeforeAll
  static void start() {
    f = new BillingFixture(new JsonObject());
    site = f.sites.a.get("site");
    tenant1 = f.sites.a.get("tenant1");
    tenant2 = f.sites.a.get("tenant2");
    Response t3 = f.http.call("createTenant", "POST", "/sites/" + site + "/tenants", f.admin,
      new JsonObject().put("legalName", "Site A Tenant Three Ltd").put("billingMode", "postpaid"));
    tenant3 = UUID.fromString(t3.json().getString("id"));
    f.tariffFor(site, tenant1, tenant2);
    f.allocation.put(site, FixedAllocation.daily(tenant1, BERLIN, OCT, NOV, FixedAllocation.same(31, 4000), "A-M1", 1000));
    f.allocation.put(site, FixedAllocation.daily(tenant2, BERLIN, LocalDate.of(2026, 10, 16), NOV,
      FixedAllocation.same(16, 9000), "A-M2", 500));
    f.allocation.put(site, FixedAllocation.daily(tenant3, BERLIN, OCT, NOV, FixedAllocation.same(31, 1000), "A-M3", 0));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  @Order(10)
  @DisplayName("a run rates every tenant into drafts with exact amounts and reports the tenant without a tariff")
  void runCreatesDraftsAndReportsTheFailingTenant() {
    JsonObject run = f.run(site, "2026-10");
    runId = run.getString("id");
    assertEquals("completed", run.getString("status"), run::encode);
    assertEquals(3, run.getInteger("tenantsTotal"));
    assertEquals(3, run.getInteger("tenantsDone"));
    assertEquals(1, run.getInteger("tenantsFailed"));
    assertEquals(2, run.getJsonObject("outcomes").getInteger("created"));
    JsonObject failure = run.getJsonArray("failures").getJsonObject(0);
    assertEquals(tenant3.toString(), failure.getString("tenantId"));
    assertEquals("Site A Tenant Three Ltd", failure.getString("tenantName"));
    assertTrue(failure.getString("reason").contains("no electricity tariff assigned"), failure::encode);

    drafts = invoices("/invoices?runId=" + runId);
    assertEquals(2, drafts.size());
    JsonObject one = get(drafts.get(tenant1).getString("id"));
    assertEquals("draft", one.getString("status"));
    assertNull(one.getString("number"));
    assertEquals(List.of(1250L, 3491L, 901L), amounts(one));
    assertEquals(4741, one.getLong("subtotalMinor"));
    assertEquals(901, one.getLong("taxMinor"));
    assertEquals(5642, one.getLong("totalMinor"));
    JsonObject energy = one.getJsonArray("lines").getJsonObject(1);
    assertEquals(0, new java.math.BigDecimal("124").compareTo(new java.math.BigDecimal(energy.getString("quantity"))));
    assertEquals("0.2815", energy.getString("rate"));
    JsonObject source = energy.getJsonObject("source").getJsonArray("sources").getJsonObject(0);
    assertEquals("A-M1", source.getString("meterSerial"));
    assertEquals("direct", source.getString("ruleKind"));
    assertEquals(1000.0, source.getDouble("openingRead"));
    assertEquals(1124.0, source.getDouble("closingRead"));
    assertEquals(1, energy.getInteger("tariffVersionNumber"));

    JsonObject two = get(drafts.get(tenant2).getString("id"));
    assertEquals(List.of(645L, 4054L, 893L), amounts(two));
    assertEquals(5592, two.getLong("totalMinor"));
    assertEquals("2026-10-16", two.getJsonArray("lines").getJsonObject(0).getString("serviceStart"));
  }

  @Test
  @Order(20)
  @DisplayName("running the same period again creates nothing and changes nothing")
  void rerunIsIdempotent() {
    JsonObject run = f.run(site, "2026-10");
    assertEquals(2, run.getJsonObject("outcomes").getInteger("unchanged"), run::encode);
    assertEquals(0, run.getJsonObject("outcomes").getInteger("created"));
    assertEquals(1, run.getInteger("tenantsFailed"));
    assertEquals(2, f.backend.count("invoice"));
    assertEquals(6, f.backend.count("invoice_line"));
    assertEquals(drafts.get(tenant1).getString("id"), invoices("/invoices?siteId=" + site).get(tenant1).getString("id"));
    Response runs = f.http.call("listBillRuns", "GET", "/bill-runs?siteId=" + site, f.admin, null);
    assertEquals(2, runs.json().getJsonArray("items").size());
  }

  @Test
  @Order(25)
  @DisplayName("re-rating a draft after changed data updates it in place (same id, same run); changing back restores it")
  void reRateDraftInPlace() {
    String id = drafts.get(tenant2).getString("id");
    f.allocation.put(site, FixedAllocation.daily(tenant2, BERLIN, LocalDate.of(2026, 10, 16), NOV,
      FixedAllocation.same(16, 10000), "A-M2", 500));
    JsonObject changed = f.post("reRateInvoice", "/invoices/" + id + "/re-rate");
    assertTrue(changed.getBoolean("changed"));
    assertNull(changed.getString("creditNoteId"));
    // 160 kWh x 0.2815 = 45.04; subtotal 6.45 + 45.04 = 51.49; VAT 9.7831 -> 9.78; total 61.27
    JsonObject updated = get(id);
    assertEquals(List.of(645L, 4504L, 978L), amounts(updated));
    assertEquals(runId, updated.getString("runId"));
    assertEquals(2, f.backend.count("invoice"));
    f.allocation.put(site, FixedAllocation.daily(tenant2, BERLIN, LocalDate.of(2026, 10, 16), NOV,
      FixedAllocation.same(16, 9000), "A-M2", 500));
    assertTrue(f.post("reRateInvoice", "/invoices/" + id + "/re-rate").getBoolean("changed"));
    assertEquals(5592, get(id).getLong("totalMinor"));
    assertFalse(f.post("reRateInvoice", "/invoices/" + id + "/re-rate").getBoolean("changed"));
  }

  @Test
  @Order(30)
  @DisplayName("finalize numbers the drafts by tenant name; issue posts each to receivables with its due date")
  void finalizeAndIssue() {
    assertEquals(2, f.post("finalizeBillRun", "/bill-runs/" + runId + "/finalize").getInteger("count"));
    assertEquals(0, f.post("finalizeBillRun", "/bill-runs/" + runId + "/finalize").getInteger("count"));
    assertEquals("INV-SITEA-2026-000001", get(drafts.get(tenant1).getString("id")).getString("number"));
    assertEquals("INV-SITEA-2026-000002", get(drafts.get(tenant2).getString("id")).getString("number"));
    assertEquals(2, f.post("issueBillRun", "/bill-runs/" + runId + "/issue").getInteger("count"));
    assertEquals(0, f.post("issueBillRun", "/bill-runs/" + runId + "/issue").getInteger("count"));

    List<IssuedDocument> posted = f.receivables.posted();
    assertEquals(2, posted.size());
    IssuedDocument first = posted.stream().filter(d -> d.tenantId().equals(tenant1)).findFirst().orElseThrow();
    original1 = first.documentId();
    assertEquals(IssuedDocument.INVOICE, first.kind());
    assertEquals("INV-SITEA-2026-000001", first.number());
    assertEquals(5642, first.totalMinor());
    assertEquals(901, first.taxMinor());
    assertEquals(Map.of("electricity", 4741L), first.netByUtility());
    assertEquals(LocalDate.of(2026, 11, 17), first.dueDate());
    assertEquals(OCT, first.periodFrom());
    assertEquals(NOV, first.periodTo());
    assertEquals(BillingFixture.NOW, first.issuedAt());
    assertEquals("2026-11-17", get(original1.toString()).getString("dueDate"));
  }

  @Test
  @Order(40)
  @DisplayName("a late reading gives exactly one credit note and one rebill; the original is unchanged; again nothing")
  void lateReadingIsCorrectedOnce() {
    long[] late = FixedAllocation.same(31, 4000);
    late[30] = 6000;
    f.allocation.put(site, FixedAllocation.daily(tenant1, BERLIN, OCT, NOV, late, "A-M1", 1000));
    JsonObject run = f.run(site, "2026-10");
    assertEquals(1, run.getJsonObject("outcomes").getInteger("corrected"), run::encode);
    assertEquals(1, run.getJsonObject("outcomes").getInteger("unchanged"));
    assertEquals(4, f.backend.count("invoice"));

    JsonObject original = get(original1.toString());
    assertEquals(5642, original.getLong("totalMinor"));
    assertEquals("issued", original.getString("status"));
    JsonObject credit = get(original.getString("creditedBy"));
    assertEquals("credit_note", credit.getString("kind"));
    assertEquals("CN-SITEA-2026-000001", credit.getString("number"));
    assertEquals(5642, credit.getLong("totalMinor"));
    assertEquals(List.of(1250L, 3491L, 901L), amounts(credit));
    assertEquals(original1.toString(), credit.getString("creditsInvoiceId"));
    JsonObject rebill = only(f.http.call("listInvoices", "GET", "/invoices?tenantId=" + tenant1 + "&status=issued&kind=invoice"
      + "&sort=-createdAt&limit=1", f.admin, null));
    rebill1 = UUID.fromString(rebill.getString("id"));
    rebill = get(rebill1.toString());
    assertEquals("INV-SITEA-2026-000003", rebill.getString("number"));
    assertEquals(original1.toString(), rebill.getString("replacesInvoiceId"));
    assertEquals(List.of(1250L, 3547L, 911L), amounts(rebill));
    assertEquals(5708, rebill.getLong("totalMinor"));
    assertEquals("2026-11-17", rebill.getString("dueDate"));

    List<IssuedDocument> posted = f.receivables.posted();
    assertEquals(4, posted.size());
    assertEquals(IssuedDocument.CREDIT_NOTE, posted.get(2).kind());
    assertEquals(original1, posted.get(2).correctsDocumentId());
    assertEquals(5642, posted.get(2).totalMinor());
    assertNull(posted.get(2).dueDate());
    assertEquals(rebill1, posted.get(3).documentId());
    assertEquals(5708, posted.get(3).totalMinor());

    JsonObject again = f.run(site, "2026-10");
    assertEquals(2, again.getJsonObject("outcomes").getInteger("unchanged"), again::encode);
    assertEquals(4, f.backend.count("invoice"));
    assertEquals(4, f.receivables.posted().size());
  }

  @Test
  @Order(50)
  @DisplayName("re-rate: nothing when nothing changed; one credit note and rebill when it did; a credited invoice is refused")
  void explicitReRate() {
    JsonObject same = f.post("reRateInvoice", "/invoices/" + rebill1 + "/re-rate");
    assertFalse(same.getBoolean("changed"));
    assertEquals(4, f.backend.count("invoice"));

    long[] later = FixedAllocation.same(31, 4000);
    later[29] = 5000;
    later[30] = 6000;
    f.allocation.put(site, FixedAllocation.daily(tenant1, BERLIN, OCT, NOV, later, "A-M1", 1000));
    JsonObject changed = f.post("reRateInvoice", "/invoices/" + rebill1 + "/re-rate");
    assertTrue(changed.getBoolean("changed"));
    JsonObject credit = get(changed.getString("creditNoteId"));
    assertEquals("CN-SITEA-2026-000002", credit.getString("number"));
    assertEquals(5708, credit.getLong("totalMinor"));
    rebill2 = UUID.fromString(changed.getString("rebillId"));
    JsonObject rebill = get(rebill2.toString());
    assertEquals("INV-SITEA-2026-000004", rebill.getString("number"));
    assertEquals(List.of(1250L, 3575L, 917L), amounts(rebill));
    assertEquals(5742, rebill.getLong("totalMinor"));
    assertEquals(6, f.backend.count("invoice"));

    Response refused = f.http.call("reRateInvoice", "POST", "/invoices/" + original1 + "/re-rate", f.admin, null);
    assertEquals(409, refused.status(), refused.text());
    assertEquals("https://gridledger.io/problems/invoice-not-correctable", refused.json().getString("type"));
    assertEquals(6, f.backend.count("invoice"));
  }

  @Test
  @Order(60)
  @DisplayName("the database refuses to change or delete an issued invoice or its lines")
  void issuedInvoicesAreImmutable() {
    String id = original1.toString();
    for (String sql : List.of("UPDATE invoice SET total_minor = 1 WHERE id = '" + id + "'",
      "UPDATE invoice SET status = 'draft', number = NULL WHERE id = '" + id + "'",
      "DELETE FROM invoice WHERE id = '" + id + "'",
      "UPDATE invoice_line SET amount_minor = 1 WHERE invoice_id = '" + id + "'",
      "DELETE FROM invoice_line WHERE invoice_id = '" + id + "'",
      "INSERT INTO invoice_line SELECT invoice_id, 99, utility, component_id, kind, description, tou_period, tier, "
        + "quantity, unit, rate, amount_minor, service_start, service_end, tariff_id, tariff_version_id, "
        + "tariff_version_number FROM invoice_line WHERE invoice_id = '" + id + "' AND position = 1")) {
      Exception e = assertThrows(Exception.class, () -> f.backend.pool().query(sql).execute().await(), sql);
      assertTrue(e.getMessage().contains("invoice " + id), e.getMessage());
    }
    JsonObject original = get(id);
    assertEquals(5642, original.getLong("totalMinor"));
    assertEquals(List.of(1250L, 3491L, 901L), amounts(original));
  }

  @Test
  @Order(70)
  @DisplayName("the run's CSV has every line of every document, credit notes negative, summing to what is owed")
  void csvExport() {
    Response csv = f.http.call(null, "GET", "/bill-runs/" + runId + "/export", f.admin, null);
    assertEquals(200, csv.status(), csv.text());
    assertTrue(csv.contentType().startsWith("text/csv"), csv.contentType());
    String[] rows = csv.text().split("\r\n");
    assertEquals(InvoiceCsv.HEADER, rows[0]);
    assertEquals(1 + 6 * 3, rows.length, csv.text());
    List<String> header = List.of(rows[0].split(","));
    int amount = header.indexOf("amount_minor");
    int number = header.indexOf("document_number");
    long sum = 0;
    for (int i = 1; i < rows.length; i++) {
      sum += Long.parseLong(rows[i].split(",")[amount]);
    }
    // originals and credit notes cancel: what remains is the second rebill (57.42) and tenant 2 (55.92)
    assertEquals(5742 + 5592, sum);
    assertTrue(csv.text().contains("CN-SITEA-2026-000001,credit_note,issued"), csv.text());
    String creditEnergy = java.util.Arrays.stream(rows).filter(r -> r.startsWith("CN-SITEA-2026-000001,")
      && r.contains(",ENERGY,")).findFirst().orElseThrow();
    assertEquals("-3491", creditEnergy.split(",")[amount]);
    assertTrue(creditEnergy.endsWith(",INV-SITEA-2026-000001,"), creditEnergy);
    assertEquals("INV-SITEA-2026-000001", rows[1].split(",")[number]);
  }

  @Test
  @Order(80)
  @DisplayName("the PDF is a bill with number, reads, total and due date; another tenant gets 404 for it and the invoice")
  void pdfAndTenantIsolation() throws Exception {
    String own = f.backend.login("tenant-a1");
    var pdf = f.bytes("/invoices/" + rebill2 + "/pdf", own);
    assertEquals(200, pdf.statusCode());
    assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElse(""));
    try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf.body())) {
      String text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
      for (String expected : List.of("INV-SITEA-2026-000004", "57.42 EUR", "Site A Tenant One Ltd", "A-M1",
        "2026-10-01 to 2026-10-31", "2026-11-17", "Replaces invoice INV-SITEA-2026-000003".replace("Replaces", "replaces"),
        "VAT 19%", "A-M1 energy_active_import direct 1000 1127 127.000 kWh", "Total due 57.42 EUR")) {
        assertTrue(text.contains(expected), () -> "PDF text lacks '" + expected + "':\n" + text);
      }
    }
    String other = f.backend.login("tenant-a2");
    assertEquals(404, f.bytes("/invoices/" + rebill2 + "/pdf", other).statusCode());
    Response json = f.http.call("getInvoice", "GET", "/invoices/" + rebill2, other, null);
    assertEquals(404, json.status());
    assertEquals(404, f.http.call("getBillRun", "GET", "/bill-runs/" + runId, own, null).status());

    Response mine = f.http.call("listInvoices", "GET", "/invoices?siteId=" + site, own, null);
    JsonArray items = mine.json().getJsonArray("items");
    assertEquals(5, items.size(), mine.text());
    for (Object o : items) {
      assertEquals(tenant1.toString(), ((JsonObject) o).getString("tenantId"));
      assertEquals("issued", ((JsonObject) o).getString("status"));
    }
  }

  private static JsonObject get(String invoiceId) {
    Response r = f.http.call("getInvoice", "GET", "/invoices/" + invoiceId, f.admin, null);
    assertEquals(200, r.status(), r.text());
    return r.json();
  }

  private static Map<UUID, JsonObject> invoices(String path) {
    Response r = f.http.call("listInvoices", "GET", path, f.admin, null);
    assertEquals(200, r.status(), r.text());
    Map<UUID, JsonObject> out = new java.util.HashMap<>();
    for (Object o : r.json().getJsonArray("items")) {
      out.put(UUID.fromString(((JsonObject) o).getString("tenantId")), (JsonObject) o);
    }
    return out;
  }

  private static JsonObject only(Response r) {
    assertEquals(200, r.status(), r.text());
    return r.json().getJsonArray("items").getJsonObject(0);
  }

  private static List<Long> amounts(JsonObject invoice) {
    return invoice.getJsonArray("lines").stream().map(l -> ((JsonObject) l).getLong("amountMinor")).toList();
  }
}
