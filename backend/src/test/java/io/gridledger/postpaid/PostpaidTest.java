package io.gridledger.postpaid;

import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.gridledger.postpaid.PostpaidFixture.creditNote;
import static io.gridledger.postpaid.PostpaidFixture.invoice;
import static org.junit.jupiter.api.Assertions.*;

@DisplayName("Postpaid: invoices post to receivables, payments are allocated, refunded and reversed")
class PostpaidTest {

  private static TestBackend backend;
  private static PostpaidFixture f;
  private static TwoSites sites;
  private static UUID site;

  @BeforeAll
  static void start() {
    // No prepaid rounds: these tests put prepaid_charge rows in place by hand.
    backend = TestBackend.start(new JsonObject().put("prepaid", new JsonObject().put("enabled", false)));
    sites = TwoSites.create(backend);
    f = new PostpaidFixture(backend);
    site = sites.a.get("site");
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("an invoice debits the receivable and credits revenue per utility and tax; a replay changes nothing")
  void invoicePosts() {
    UUID tenant = f.tenant(site, "postpaid");
    // 100.00 electricity + 20.00 water + 22.80 VAT (19 %) = 142.80
    IssuedDocument inv = invoice(site, tenant, "INV-1", "2026-01-05", "2026-01-31",
      Map.of("electricity", 10_000L, "water", 2_000L), 2_280);
    long electricity = f.siteBalance(site, "revenue", "electricity");
    long water = f.siteBalance(site, "revenue", "water");
    long tax = f.siteBalance(site, "tax_payable", "");
    f.post(inv);
    assertEquals(14_280, f.balance(tenant, "tenant_receivable"));
    assertEquals(electricity + 10_000, f.siteBalance(site, "revenue", "electricity"));
    assertEquals(water + 2_000, f.siteBalance(site, "revenue", "water"));
    assertEquals(tax + 2_280, f.siteBalance(site, "tax_payable", ""));
    assertEquals(14_280, f.open(inv));
    long transfers = backend.count("ledger_transfer");
    f.post(inv);
    assertEquals(transfers, backend.count("ledger_transfer"), "a replayed document posts nothing");
    assertEquals(14_280, f.balance(tenant, "tenant_receivable"));
    IssuedDocument changed = new IssuedDocument(inv.documentId(), inv.kind(), site, tenant, "INV-1", inv.issuedAt(),
      inv.periodFrom(), inv.periodTo(), inv.dueDate(), "EUR", Map.of("electricity", 10_001L, "water", 2_000L), 2_280,
      14_281, null);
    assertThrows(RuntimeException.class, () -> f.post(changed), "same id, other content");
    assertEquals(14_280, f.balance(tenant, "tenant_receivable"));
  }

  @Test
  @DisplayName("a credit note reverses revenue and tax and reduces its invoice; the excess becomes credit for the next invoice")
  void creditNote_reducesInvoice() {
    UUID tenant = f.tenant(site, "postpaid");
    IssuedDocument inv = invoice(site, tenant, "INV-2", "2026-01-05", "2026-01-31", Map.of("electricity", 10_000L), 1_900);
    f.post(inv);
    long electricity = f.siteBalance(site, "revenue", "electricity");
    long tax = f.siteBalance(site, "tax_payable", "");
    // 10.00 + 1.90 VAT back: the invoice's 119.00 is now 107.10 open.
    f.post(creditNote(inv, "CN-1", "2026-01-10", Map.of("electricity", 1_000L), 190));
    assertEquals(10_710, f.open(inv));
    assertEquals(10_710, f.balance(tenant, "tenant_receivable"));
    assertEquals(electricity - 1_000, f.siteBalance(site, "revenue", "electricity"));
    assertEquals(tax - 190, f.siteBalance(site, "tax_payable", ""));
    // The tenant pays the rest; a second credit note of 20.00 + 3.80 finds nothing open: it is credit (-23.80) ...
    f.paid(tenant, 10_710, "2026-01-20");
    f.post(creditNote(inv, "CN-2", "2026-01-25", Map.of("electricity", 2_000L), 380));
    assertEquals(0, f.open(inv));
    assertEquals(-2_380, f.balance(tenant, "tenant_receivable"));
    // ... applied to the next invoice of 50.00 + 9.50: 35.70 left open.
    IssuedDocument next = invoice(site, tenant, "INV-3", "2026-02-05", "2026-02-28", Map.of("electricity", 5_000L), 950);
    f.post(next);
    assertEquals(3_570, f.open(next));
    assertEquals(3_570, f.balance(tenant, "tenant_receivable"));
    f.assertReceivableInvariant(tenant);
  }

  @Test
  @DisplayName("a payment is allocated to the oldest invoices first; the last one is paid in part")
  void oldestFirst() {
    UUID tenant = f.tenant(site, "postpaid");
    // Issued out of order on purpose: age is the due date, not the order of posting.
    IssuedDocument c = invoice(site, tenant, "INV-C", "2026-03-01", "2026-03-31", Map.of("water", 30_000L), 0);
    IssuedDocument a = invoice(site, tenant, "INV-A", "2026-01-01", "2026-01-31", Map.of("water", 10_000L), 0);
    IssuedDocument b = invoice(site, tenant, "INV-B", "2026-02-01", "2026-02-28", Map.of("water", 20_000L), 0);
    f.post(c);
    f.post(a);
    f.post(b);
    JsonObject payment = f.paid(tenant, 35_000, "2026-03-10");
    // 350.00 = A 100.00 + B 200.00 + 50.00 of C's 300.00.
    assertEquals(List.of("INV-A:10000", "INV-B:20000", "INV-C:5000"), allocations(payment));
    assertEquals(0, payment.getLong("creditMinor"));
    assertEquals(List.of(0L, 0L, 25_000L), List.of(f.open(a), f.open(b), f.open(c)));
    assertEquals(25_000, f.balance(tenant, "tenant_receivable"));
    // Chosen invoices: a payment named for C only.
    IssuedDocument d = invoice(site, tenant, "INV-D", "2026-01-15", "2026-01-20", Map.of("water", 1_000L), 0);
    f.post(d);
    Response chosen = f.pay(tenant, "chosen", new JsonObject().put("amountMinor", 5_000).put("method", "cash")
      .put("invoiceIds", new JsonArray().add(c.documentId().toString())));
    assertEquals(201, chosen.status(), chosen.text());
    assertEquals(List.of("INV-C:5000"), allocations(chosen.json()));
    assertEquals(1_000, f.open(d), "the older invoice D was not chosen");
    assertEquals(20_000, f.open(c));
    Response notOpen = f.pay(tenant, "chosen-paid", new JsonObject().put("amountMinor", 5_000).put("method", "cash")
      .put("invoiceIds", new JsonArray().add(a.documentId().toString())));
    assertEquals(422, notOpen.status(), notOpen.text());
    f.assertReceivableInvariant(tenant);
  }

  @Test
  @DisplayName("an overpayment is held as credit and applied to the next invoice; refunds take credit first, then reopen")
  void overpaymentCreditRefund() {
    UUID tenant = f.tenant(site, "postpaid");
    IssuedDocument first = invoice(site, tenant, "INV-O1", "2026-04-01", "2026-04-30", Map.of("gas", 10_000L), 0);
    f.post(first);
    JsonObject payment = f.paid(tenant, 15_000, null);
    assertEquals(List.of("INV-O1:10000"), allocations(payment));
    assertEquals(5_000, payment.getLong("creditMinor"));
    assertEquals(-5_000, f.balance(tenant, "tenant_receivable"));
    // The next invoice (80.00) takes the 50.00 credit at once: 30.00 open.
    IssuedDocument second = invoice(site, tenant, "INV-O2", "2026-05-01", "2026-05-31", Map.of("gas", 8_000L), 0);
    f.post(second);
    assertEquals(3_000, f.open(second));
    JsonObject now = f.http.call("getPayment", "GET", "/payments/" + payment.getString("id"), f.admin, null).json();
    assertEquals(0, now.getLong("creditMinor"));
    assertEquals(List.of("INV-O1:10000", "INV-O2:5000"), allocations(now));
    // Refund 70.00 of the 150.00: no credit left, so O2's 50.00 and 20.00 of O1 are taken back (newest first).
    long cash = f.siteBalance(site, "cash_clearing", "");
    Response refund = f.refund(payment.getString("id"), "refund-1", 7_000);
    assertEquals(201, refund.status(), refund.text());
    assertEquals(0, refund.json().getLong("fromCreditMinor"));
    assertEquals(8_000, f.open(second));
    assertEquals(2_000, f.open(first));
    assertEquals(10_000, f.balance(tenant, "tenant_receivable"), "180.00 invoiced - 150.00 paid + 70.00 refunded");
    assertEquals(cash - 7_000, f.siteBalance(site, "cash_clearing", ""));
    Response replay = f.refund(payment.getString("id"), "refund-1", 7_000);
    assertEquals(refund.text(), replay.text());
    assertEquals(List.of("true"), replay.headers().get("idempotent-replayed"));
    assertEquals(422, f.refund(payment.getString("id"), "refund-2", 8_001).status(), "only 80.00 is left to refund");
    assertEquals(422, f.refund(payment.getString("id"), "refund-1", 100).status(), "same key, other body");
    f.assertReceivableInvariant(tenant);
  }

  @Test
  @DisplayName("a mistaken payment is reversed: the ledger reverses it and its invoices are open again")
  void reversal() {
    UUID tenant = f.tenant(site, "postpaid");
    IssuedDocument inv = invoice(site, tenant, "INV-R", "2026-04-01", "2026-04-30", Map.of("heat", 6_000L), 0);
    f.post(inv);
    JsonObject payment = f.paid(tenant, 10_000, null);
    long cash = f.siteBalance(site, "cash_clearing", "");
    Response reversed = f.http.call("reversePayment", "POST", "/payments/" + payment.getString("id") + "/reversal",
      f.admin, new JsonObject().put("reason", "Booked to the wrong tenant"));
    assertEquals(200, reversed.status(), reversed.text());
    assertEquals("reversed", reversed.json().getString("state"));
    assertEquals(0, reversed.json().getLong("creditMinor"));
    assertEquals(6_000, f.open(inv));
    assertEquals(6_000, f.balance(tenant, "tenant_receivable"));
    assertEquals(cash - 10_000, f.siteBalance(site, "cash_clearing", ""));
    assertEquals(payment.getString("transferId"), backend.rows("SELECT reverses_transfer_id::text AS r FROM ledger_transfer "
      + "WHERE id = '" + reversed.json().getString("reversalTransferId") + "'").getJsonObject(0).getString("r"));
    Response again = f.http.call("reversePayment", "POST", "/payments/" + payment.getString("id") + "/reversal",
      f.admin, new JsonObject().put("reason", "again"));
    assertEquals(200, again.status());
    assertEquals(6_000, f.balance(tenant, "tenant_receivable"), "reversed once");
    assertEquals(422, f.refund(payment.getString("id"), "after-reversal", 100).status());
    f.assertReceivableInvariant(tenant);
  }

  @Test
  @DisplayName("Idempotency-Key: same body replays byte for byte, another body is 422, 50 concurrent replays make one payment")
  void idempotency() throws Exception {
    UUID tenant = f.tenant(site, "postpaid");
    f.post(invoice(site, tenant, "INV-I", "2026-04-01", "2026-04-30", Map.of("electricity", 100_000L), 0));
    JsonObject body = new JsonObject().put("amountMinor", 2_500).put("method", "online").put("reference", "PSP 42");
    ExecutorService pool = Executors.newFixedThreadPool(50);
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(CompletableFuture.supplyAsync(() -> f.pay(tenant, "same-key", body), pool));
    }
    List<Response> responses = new ArrayList<>();
    for (CompletableFuture<Response> c : calls) {
      responses.add(c.get(60, TimeUnit.SECONDS));
    }
    pool.shutdownNow();
    assertEquals(1, responses.stream().map(Response::text).distinct().count(), "identical answers");
    assertTrue(responses.stream().allMatch(r -> r.status() == 201));
    assertEquals(49, responses.stream().filter(r -> r.headers().containsKey("idempotent-replayed")).count());
    assertEquals(1, backend.rows("SELECT count(*) AS n FROM tenant_payment WHERE tenant_id = '" + tenant + "'")
      .getJsonObject(0).getLong("n"));
    assertEquals(100_000 - 2_500, f.balance(tenant, "tenant_receivable"), "one credit of 25.00");
    Response other = f.pay(tenant, "same-key", body.copy().put("amountMinor", 2_501));
    assertEquals(422, other.status());
    assertTrue(other.json().getString("type").endsWith("idempotency-key-reused"));
  }

  @Test
  @DisplayName("aging buckets on fixed dates and a statement whose opening plus lines is its closing balance")
  void agingAndStatement() {
    UUID tenant = f.tenant(site, "postpaid");
    // As of 2026-05-31 (to = 2026-06-01): due 05-31 is 0 days past due (not due), 05-01 30 days, 04-01 60, 03-02 90,
    // 03-01 91.
    String[][] due = {{"2026-05-31", "100"}, {"2026-05-01", "200"}, {"2026-04-01", "300"}, {"2026-03-02", "400"},
      {"2026-03-01", "500"}};
    int n = 0;
    for (String[] d : due) {
      f.post(invoice(site, tenant, "AG-" + (++n), "2026-02-15", d[0], Map.of("electricity", Long.parseLong(d[1])), 0));
    }
    JsonObject aging = statement(tenant, "2026-05-01", "2026-06-01", f.admin).json().getJsonObject("aging");
    assertEquals(new JsonObject().put("notDueMinor", 100).put("days0To30Minor", 200).put("days31To60Minor", 300)
      .put("days61To90Minor", 400).put("days90PlusMinor", 500).put("pastDueMinor", 1_400).put("totalMinor", 1_500)
      .put("asOf", "2026-05-31"), aging);

    UUID s = f.tenant(site, "postpaid");
    f.post(invoice(site, s, "ST-1", "2026-01-10", "2026-02-09", Map.of("water", 10_000L), 0));
    f.paid(s, 4_000, "2026-02-05");
    f.post(invoice(site, s, "ST-2", "2026-02-10", "2026-03-12", Map.of("water", 6_000L), 0));
    f.post(invoice(site, s, "ST-3", "2026-03-10", "2026-04-09", Map.of("water", 1_000L), 0));
    JsonObject st = statement(s, "2026-02-01", "2026-03-01", f.admin).json();
    assertEquals(10_000, st.getLong("openingBalanceMinor"), "ST-1 before February");
    JsonArray lines = st.getJsonArray("lines");
    assertEquals(2, lines.size(), lines.encode());
    assertEquals("2026-02-05 payment -4000 6000", line(lines.getJsonObject(0)));
    assertEquals("2026-02-10 invoice 6000 12000", line(lines.getJsonObject(1)));
    assertEquals(12_000, st.getLong("closingBalanceMinor"));
    assertEquals(new JsonObject().put("invoice", 6_000).put("payment", -4_000), st.getJsonObject("totalsByKind"));
    // As of 02-28: ST-1's 60.00 left is 19 days past due; ST-2 is not due; ST-3 is issued after the statement.
    assertEquals(6_000, st.getJsonObject("aging").getLong("days0To30Minor"));
    assertEquals(6_000, st.getJsonObject("aging").getLong("notDueMinor"));
    assertEquals(2, st.getJsonArray("openInvoices").size());
    // Over all time the statement closes at the ledger's receivable balance.
    assertEquals(f.balance(s, "tenant_receivable"), statement(s, "2020-01-01", "2100-01-01", f.admin).json()
      .getLong("closingBalanceMinor"));
  }

  @Test
  @DisplayName("a tenant sees its own statement; another tenant's statement or payment is 404; tenants cannot record payments")
  void tenantIsolation() {
    String tenantA1 = backend.login("tenant-a1");
    UUID other = sites.a.get("tenant2");
    f.post(invoice(site, other, "ISO-1", "2026-04-01", "2026-04-30", Map.of("electricity", 1_000L), 0));
    JsonObject payment = f.paid(other, 500, null);
    assertEquals(404, statement(other, "2026-01-01", "2026-12-01", tenantA1).status());
    assertEquals(404, f.http.call("getPayment", "GET", "/payments/" + payment.getString("id"), tenantA1, null).status());
    assertEquals(200, statement(sites.a.get("tenant1"), "2026-01-01", "2026-12-01", tenantA1).status());
    Response own = f.http.call("createTenantPayment", "POST", "/tenants/" + sites.a.get("tenant1") + "/payments", tenantA1,
      new JsonObject().put("amountMinor", 1).put("method", "cash").encode(), "application/json",
      Map.of("Idempotency-Key", "self-service"));
    assertEquals(403, own.status(), own.text());
    String operatorB = backend.login("operator-b");
    assertEquals(404, f.http.call("getPayment", "GET", "/payments/" + payment.getString("id"), operatorB, null).status());
  }

  private static Response statement(UUID tenant, String from, String to, String token) {
    return f.http.call("getTenantStatement", "GET", "/tenants/" + tenant + "/statement?from=" + from + "&to=" + to,
      token, null);
  }

  private static String line(JsonObject l) {
    return l.getString("date") + " " + l.getString("kind") + " " + l.getLong("amountMinor") + " " + l.getLong("balanceMinor");
  }

  private static List<String> allocations(JsonObject payment) {
    List<String> out = new ArrayList<>();
    payment.getJsonArray("allocations").forEach(a -> out.add(((JsonObject) a).getString("number") + ":"
      + ((JsonObject) a).getLong("amountMinor")));
    return out;
  }
}
