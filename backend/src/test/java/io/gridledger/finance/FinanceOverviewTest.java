package io.gridledger.finance;

import io.gridledger.postpaid.IssuedDocument;
import io.gridledger.postpaid.PostgresReceivables;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("Finance overview and transactions: exact figures, CSV, pagination, operators only")
class FinanceOverviewTest {

  private static TestBackend backend;
  private static ContractHttp http;
  private static TwoSites sites;
  private static String admin;
  private static UUID site;
  private static UUID postpaid;
  private static UUID prepaid;
  private static String from = "2026-03-01";
  private static String to;

  @BeforeAll
  static void start() {
    backend = TestBackend.start(new JsonObject().put("prepaid", new JsonObject().put("enabled", false)));
    http = ContractHttp.of(backend);
    sites = TwoSites.create(backend);
    admin = backend.login(TestBackend.ADMIN);
    // Site B (Los Angeles) with two tenants of its own; its fixture tenants have no money.
    site = sites.b.get("site");
    to = LocalDate.now(ZoneId.of("America/Los_Angeles")).plusDays(1).toString();
    postpaid = tenant("postpaid");
    prepaid = tenant("prepaid");
    PostgresReceivables receivables = new PostgresReceivables(backend.app().ledger());
    IssuedDocument invoice = doc(postpaid, "B-1", IssuedDocument.INVOICE, "2026-03-05", "2026-03-20",
      Map.of("electricity", 10_000L, "water", 5_000L), 2_850, null);
    post(receivables, invoice);
    post(receivables, doc(postpaid, "B-CN-1", IssuedDocument.CREDIT_NOTE, "2026-03-10", null,
      Map.of("electricity", 1_000L), 190, invoice.documentId()));
    Response paid = http.call("createTenantPayment", "POST", "/tenants/" + postpaid + "/payments", admin,
      new JsonObject().put("amountMinor", 10_000).put("method", "cash").put("receivedOn", "2026-03-15").encode(),
      "application/json", Map.of("Idempotency-Key", "overview-1"));
    assertEquals(201, paid.status(), paid.text());
    String wallet = http.call("listTenantAccounts", "GET", "/tenants/" + prepaid + "/accounts", admin, null).json()
      .getJsonArray("items").getJsonObject(0).getString("id");
    Response topUp = http.call("createTopUp", "POST", "/accounts/" + wallet + "/top-ups", admin,
      new JsonObject().put("amountMinor", 5_000).put("provider", "cash").encode(), "application/json",
      Map.of("Idempotency-Key", "overview-top-up"));
    assertEquals(201, topUp.status(), topUp.text());
    post(receivables, doc(prepaid, "B-2", IssuedDocument.INVOICE, "2026-03-31", "2026-04-15",
      Map.of("electricity", 3_000L), 570, null));
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("billed by utility, collected, collection rate, outstanding with aging, wallets, top-ups, arrears")
  void overview() {
    Response r = http.call("getFinanceOverview", "GET", "/finance/overview?siteId=" + site + "&from=" + from + "&to=" + to,
      admin, null);
    assertEquals(200, r.status(), r.text());
    JsonObject o = r.json();
    // Invoices 150.00 + 28.50 and 30.00 + 5.70, credit note -(10.00 + 1.90).
    JsonObject billed = o.getJsonObject("billed");
    assertEquals(new JsonObject().put("electricity", 12_000L).put("water", 5_000L), billed.getJsonObject("revenueByUtilityMinor"));
    assertEquals(3_230, billed.getLong("taxMinor"));
    assertEquals(20_230, billed.getLong("totalMinor"));
    assertEquals(16_660, billed.getLong("postpaidTotalMinor"));
    assertEquals(10_000, o.getJsonObject("collected").getLong("netMinor"));
    assertEquals(0.6002, o.getDouble("collectionRate"), 1e-9, "100.00 / 166.60");
    // 166.60 - 100.00 open on B-1, due 2026-03-20: months ago, so 90+ days past due.
    assertEquals(6_660, o.getJsonObject("outstanding").getLong("receivablesMinor"));
    assertEquals(6_660, o.getJsonObject("outstanding").getJsonObject("aging").getLong("days90PlusMinor"));
    assertEquals(1, o.getJsonObject("tenantsInArrears").getInteger("count"));
    assertEquals(postpaid.toString(), o.getJsonObject("tenantsInArrears").getJsonArray("tenantIds").getString(0));
    // The prepaid wallet: 50.00 topped up, 35.70 billed (nothing was deducted in advance): 14.30.
    assertEquals(1_430, o.getJsonObject("prepaidLiabilities").getLong("walletsMinor"));
    assertEquals(new JsonObject().put("count", 1L).put("totalMinor", 5_000L), o.getJsonObject("topUps"));
    assertEquals(0, o.getJsonObject("tenantsCutOff").getInteger("count"));
    String tenantB = backend.login("tenant-b1");
    assertEquals(403, http.call("getFinanceOverview", "GET", "/finance/overview?siteId=" + site, tenantB, null).status());
    String operatorA = backend.login("operator-a");
    assertEquals(404, http.call("getFinanceOverview", "GET", "/finance/overview?siteId=" + site, operatorA, null).status());
  }

  @Test
  @DisplayName("transactions filter by kind and tenant, page by cursor and export as CSV")
  void transactions() {
    String base = "/finance/transactions?siteId=" + site + "&kind=payment&from=" + from + "&to=" + to;
    JsonObject first = http.call("listFinanceTransactions", "GET", base + "&limit=1", admin, null).json();
    assertEquals(1, first.getJsonArray("items").size());
    assertNotNull(first.getString("nextCursor"));
    JsonObject second = http.call("listFinanceTransactions", "GET", base + "&limit=1&cursor=" + first.getString("nextCursor"),
      admin, null).json();
    assertEquals(1, second.getJsonArray("items").size());
    assertNull(second.getString("nextCursor"), "a payment has two legs");
    JsonObject receivable = http.call("listFinanceTransactions", "GET", base + "&accountKind=tenant_receivable&tenantId="
      + postpaid, admin, null).json().getJsonArray("items").getJsonObject(0);
    assertEquals(-10_000, receivable.getLong("signedAmountMinor"));
    assertEquals("credit", receivable.getString("side"));
    Response csv = http.call("listFinanceTransactions", "GET", base + "&format=csv", admin, null);
    assertEquals(200, csv.status());
    assertTrue(csv.contentType().startsWith("text/csv"), csv.contentType());
    String[] lines = csv.text().split("\n");
    assertEquals(3, lines.length, csv.text());
    assertEquals(FinanceTransactions.CSV_HEADER.strip(), lines[0]);
    assertTrue(csv.text().contains(",payment,") && csv.text().contains(",tenant_receivable,,"
      + postpaid + ",credit,10000,-10000,6660,EUR,"), csv.text());
    Response byAccept = http.call("listFinanceTransactions", "GET", base, admin, null, "application/json",
      Map.of("Accept", "text/csv"));
    assertEquals(csv.text(), byAccept.text());
  }

  private static UUID tenant(String mode) {
    UUID id = UUID.randomUUID();
    backend.rows("INSERT INTO tenant (id, site_id, legal_name, billing_mode) VALUES ('" + id + "', '" + site
      + "', 'Overview " + mode + "', '" + mode + "')");
    return id;
  }

  private static IssuedDocument doc(UUID tenant, String number, String kind, String issued, String due,
                                    Map<String, Long> net, long tax, UUID corrects) {
    long total = tax + net.values().stream().mapToLong(Long::longValue).sum();
    return new IssuedDocument(UUID.randomUUID(), kind, site, tenant, number, Instant.parse(issued + "T18:00:00Z"),
      LocalDate.parse("2026-03-01"), LocalDate.parse("2026-04-01"), due == null ? null : LocalDate.parse(due), "EUR",
      net, tax, total, corrects);
  }

  private static void post(PostgresReceivables receivables, IssuedDocument d) {
    backend.pool().withTransaction(tx -> receivables.postIssued(tx, d)).await();
  }
}
