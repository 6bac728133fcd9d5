package io.gridledger.ledger;

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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("The accounts API: balances, statements, audited adjustments and the trial balance")
class AccountsApiTest {

  private static TestBackend backend;
  private static ContractHttp http;
  private static TwoSites sites;
  private static String admin;
  private static String operatorA;
  private static String operatorB;
  private static String tenantA1;
  private static String integrationA;

  @BeforeAll
  static void start() {
    backend = TestBackend.start();
    http = ContractHttp.of(backend);
    sites = TwoSites.create(backend);
    admin = backend.login(TestBackend.ADMIN);
    operatorA = backend.login("operator-a");
    operatorB = backend.login("operator-b");
    tenantA1 = backend.login("tenant-a1");
    integrationA = backend.login("integration-a");
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("a tenant's wallet and receivable are opened on the first request, once, and only the tenant and its site see them")
  void tenantAccountsOpenOnDemand() {
    String path = "/tenants/" + sites.a.get("tenant1") + "/accounts";
    JsonArray first = ok(http.call("listTenantAccounts", "GET", path, tenantA1, null)).getJsonArray("items");
    JsonArray again = ok(http.call("listTenantAccounts", "GET", path, operatorA, null)).getJsonArray("items");
    assertEquals(first, again, "opened once: the same accounts for everyone");
    assertEquals(List.of("tenant_wallet", "tenant_receivable"), kinds(first));
    JsonObject wallet = first.getJsonObject(0);
    assertEquals("EUR", wallet.getString("currency"));
    assertEquals(sites.a.get("tenant1").toString(), wallet.getString("tenantId"));
    assertEquals(2, count("ledger_account WHERE tenant_id = '" + sites.a.get("tenant1") + "'"));
    String walletId = wallet.getString("id");
    assertEquals(walletId, ok(http.call("getAccount", "GET", "/accounts/" + walletId, tenantA1, null)).getString("id"));
    assertEquals(walletId, ok(http.call("getAccount", "GET", "/accounts/" + walletId, integrationA, null)).getString("id"));
    assertNotFound(http.call("getAccount", "GET", "/accounts/" + walletId, operatorB, null));
    assertNotFound(http.call("listAccountTransactions", "GET", "/accounts/" + walletId + "/transactions", operatorB, null));
    assertNotFound(http.call("listTenantAccounts", "GET", "/tenants/" + sites.b.get("tenant2") + "/accounts", tenantA1, null));
    assertNotFound(http.call("listTenantAccounts", "GET", "/tenants/" + sites.b.get("tenant2") + "/accounts", operatorA, null));
    assertEquals(0, count("ledger_account WHERE tenant_id = '" + sites.b.get("tenant2") + "'"), "a refused request opened accounts");
  }

  @Test
  @DisplayName("an operator adjusts a wallet with a reason; the same key replays the same answer, another body is 422")
  void adjustmentsAreIdempotentAndAudited() {
    String wallet = walletOf(sites.a.get("tenant1"));
    long before = ok(http.call("getAccount", "GET", "/accounts/" + wallet, tenantA1, null)).getLong("balanceMinor");
    String key = "goodwill-" + UUID.randomUUID();
    Response credited = adjust(operatorA, wallet, key, 5_000, "Goodwill credit for the outage of 3 May");
    assertEquals(201, credited.status(), credited.text());
    JsonObject adjustment = credited.json();
    assertEquals(5_000, adjustment.getLong("amountMinor"));
    assertEquals(before + 5_000, adjustment.getLong("balanceAfterMinor"));
    assertEquals("user:" + userId("operator-a"), adjustment.getString("createdBy"));
    Response replay = adjust(operatorA, wallet, key, 5_000, "Goodwill credit for the outage of 3 May");
    assertEquals(201, replay.status());
    assertEquals(credited.json(), replay.json());
    assertEquals(List.of("true"), replay.headers().get("idempotent-replayed"));
    assertProblem(adjust(operatorA, wallet, key, 5_001, "Goodwill credit for the outage of 3 May"), 422, "idempotency-key-reused");
    assertProblem(adjust(operatorA, wallet, UUID.randomUUID().toString(), -(before + 5_001), "Too much"), 422, "insufficient-funds");
    Response debited = adjust(admin, wallet, UUID.randomUUID().toString(), -2_000, "Meter reading corrected");
    assertEquals(before + 3_000, debited.json().getLong("balanceAfterMinor"));
    assertEquals(before + 3_000, ok(http.call("getAccount", "GET", "/accounts/" + wallet, tenantA1, null)).getLong("balanceMinor"));
    JsonObject last = ok(http.call("listAccountTransactions", "GET", "/accounts/" + wallet + "/transactions?limit=1",
      tenantA1, null)).getJsonArray("items").getJsonObject(0);
    assertEquals(List.of("adjustment", "Meter reading corrected", "debit", "-2000", "user:" + userId(TestBackend.ADMIN)),
      List.of(last.getString("kind"), last.getString("description"), last.getString("side"),
        String.valueOf(last.getLong("amountMinor")), last.getString("createdBy")));
  }

  @Test
  @DisplayName("tenants and integrations may not adjust (403); another site's operator gets 404; a blank reason or zero is 422")
  void adjustmentsAreForOperators() {
    String wallet = walletOf(sites.a.get("tenant1"));
    long legs = count("ledger_leg");
    assertProblem(adjust(tenantA1, wallet, "k", 100, "I deserve it"), 403, "forbidden");
    assertProblem(adjust(integrationA, wallet, "k", 100, "sync"), 403, "forbidden");
    assertNotFound(adjust(operatorB, wallet, "k", 100, "elsewhere"));
    assertProblem(adjust(operatorA, wallet, "k", 100, "   "), 422, "invalid-adjustment");
    assertProblem(adjust(operatorA, wallet, "k", 0, "nothing"), 422, "invalid-adjustment");
    String writeOff = adjust(operatorA, wallet, UUID.randomUUID().toString(), 1, "one cent").json().getString("counterAccountId");
    assertProblem(adjust(operatorA, writeOff, "k", 100, "site account"), 422, "not-adjustable");
    assertEquals(legs + 2, count("ledger_leg"), "only the one-cent adjustment was written");
  }

  @Test
  @DisplayName("the statement pages newest first with a running balance that adds up, and refuses a foreign cursor")
  void statementPaging() {
    UUID tenant = sites.a.get("tenant2");
    String receivable = http.call("listTenantAccounts", "GET", "/tenants/" + tenant + "/accounts", operatorA, null)
      .json().getJsonArray("items").getJsonObject(1).getString("id");
    long[] amounts = {1_000, 250, -300, 4_000, -1_200, 75, 5};
    for (long amount : amounts) {
      assertEquals(201, adjust(operatorA, receivable, UUID.randomUUID().toString(), amount, "invoice line").status());
    }
    List<JsonObject> items = new ArrayList<>();
    String cursor = null;
    List<Integer> pageSizes = new ArrayList<>();
    do {
      JsonObject page = ok(http.call("listAccountTransactions", "GET", "/accounts/" + receivable + "/transactions?limit=3"
        + (cursor == null ? "" : "&cursor=" + cursor), operatorA, null));
      page.getJsonArray("items").forEach(i -> items.add((JsonObject) i));
      pageSizes.add(page.getJsonArray("items").size());
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    assertEquals(List.of(3, 3, 1), pageSizes);
    assertEquals(List.of(5L, 75L, -1_200L, 4_000L, -300L, 250L, 1_000L), items.stream().map(i -> i.getLong("amountMinor")).toList());
    assertEquals(List.of(3_830L, 3_825L, 3_750L, 4_950L, 950L, 1_250L, 1_000L),
      items.stream().map(i -> i.getLong("balanceAfterMinor")).toList());
    assertEquals(List.of(7L, 6L, 5L, 4L, 3L, 2L, 1L), items.stream().map(i -> i.getLong("seq")).toList());
    assertProblem(http.call("listAccountTransactions", "GET", "/accounts/" + receivable + "/transactions?cursor=bm90LWEtY3Vyc29y",
      operatorA, null), 400, "invalid-cursor");
  }

  @Test
  @DisplayName("the trial balance agrees with the legs, names a tampered account, and is for operators and auditors only")
  void trialBalance() {
    UUID siteB = sites.b.get("site");
    String wallet = http.call("listTenantAccounts", "GET", "/tenants/" + sites.b.get("tenant1") + "/accounts", operatorB, null)
      .json().getJsonArray("items").getJsonObject(0).getString("id");
    adjust(operatorB, wallet, UUID.randomUUID().toString(), 12_345, "opening balance");
    adjust(operatorB, wallet, UUID.randomUUID().toString(), -345, "correction");
    JsonObject report = ok(http.call("getTrialBalance", "GET", "/finance/trial-balance?siteId=" + siteB, operatorB, null));
    assertTrue(report.getBoolean("balanced"), report.encode());
    assertEquals(new JsonObject().put("currency", "EUR").put("debitsMinor", 12_690).put("creditsMinor", 12_690)
      .put("debitBalancesMinor", 12_000).put("creditBalancesMinor", 12_000), report.getJsonArray("currencies").getJsonObject(0));
    assertEquals(2, report.getLong("transfersChecked"));
    assertEquals(List.of(), report.getJsonArray("mismatches").getList());

    // A balance changed behind the ledger's back (not through a transfer) is found and named.
    backend.rows("UPDATE ledger_account SET balance_minor = balance_minor + 1 WHERE id = '" + wallet + "'");
    try {
      JsonObject tampered = ok(http.call("getTrialBalance", "GET", "/finance/trial-balance?siteId=" + siteB, admin, null));
      assertFalse(tampered.getBoolean("balanced"));
      JsonObject mismatch = tampered.getJsonArray("mismatches").getJsonObject(0);
      assertEquals(List.of(wallet, "balance", 12_001L, 12_000L), List.of(mismatch.getString("accountId"),
        mismatch.getString("reason"), mismatch.getLong("storedBalanceMinor"), mismatch.getLong("computedBalanceMinor")));
    } finally {
      backend.rows("UPDATE ledger_account SET balance_minor = balance_minor - 1 WHERE id = '" + wallet + "'");
    }
    // A statement line whose running balance is wrong (possible only with the immutability trigger switched off).
    String firstLeg = "UPDATE ledger_leg SET balance_after_minor = balance_after_minor + 7 WHERE account_id = '" + wallet
      + "' AND account_seq = 1";
    backend.rows("ALTER TABLE ledger_leg DISABLE TRIGGER ledger_leg_immutable; " + firstLeg
      + "; ALTER TABLE ledger_leg ENABLE TRIGGER ledger_leg_immutable");
    try {
      JsonObject broken = ok(http.call("getTrialBalance", "GET", "/finance/trial-balance?siteId=" + siteB, admin, null));
      assertFalse(broken.getBoolean("balanced"));
      assertEquals(List.of(wallet + " running-balance"), broken.getJsonArray("mismatches").stream()
        .map(m -> ((JsonObject) m).getString("accountId") + " " + ((JsonObject) m).getString("reason")).toList());
    } finally {
      backend.rows("ALTER TABLE ledger_leg DISABLE TRIGGER ledger_leg_immutable; " + firstLeg.replace("+ 7", "- 7")
        + "; ALTER TABLE ledger_leg ENABLE TRIGGER ledger_leg_immutable");
    }
    assertTrue(ok(http.call("getTrialBalance", "GET", "/finance/trial-balance?siteId=" + siteB, admin, null))
      .getBoolean("balanced"));
    assertProblem(http.call("getTrialBalance", "GET", "/finance/trial-balance?siteId=" + siteB,
      backend.login("tenant-b1"), null), 403, "forbidden");
    assertNotFound(http.call("getTrialBalance", "GET", "/finance/trial-balance?siteId=" + siteB, operatorA, null));
    assertProblem(http.call("getTrialBalance", "GET", "/finance/trial-balance", operatorA, null), 400, "validation-failed");
  }

  // --- helpers ---

  static Response adjust(String token, String accountId, String key, long amountMinor, String reason) {
    return http.call("createAdjustment", "POST", "/accounts/" + accountId + "/adjustments", token,
      new JsonObject().put("amountMinor", amountMinor).put("reason", reason).encode(), "application/json",
      Map.of("Idempotency-Key", key));
  }

  private static String walletOf(UUID tenantId) {
    return ok(http.call("listTenantAccounts", "GET", "/tenants/" + tenantId + "/accounts", admin, null))
      .getJsonArray("items").getJsonObject(0).getString("id");
  }

  private static JsonObject ok(Response r) {
    assertEquals(200, r.status(), r.text());
    return r.json();
  }

  private static List<String> kinds(JsonArray items) {
    return items.stream().map(i -> ((JsonObject) i).getString("kind")).toList();
  }

  private static long count(String fromWhere) {
    return backend.rows("SELECT count(*) AS n FROM " + fromWhere).getJsonObject(0).getLong("n");
  }

  private static String userId(String username) {
    return backend.rows("SELECT id FROM app_user WHERE username = '" + username + "'").getJsonObject(0).getString("id");
  }

  private static void assertNotFound(Response r) {
    assertProblem(r, 404, "not-found");
  }

  private static void assertProblem(Response r, int status, String slug) {
    assertEquals(status, r.status(), r::text);
    assertEquals("https://gridledger.io/problems/" + slug, r.json().getString("type"), r::text);
  }
}
