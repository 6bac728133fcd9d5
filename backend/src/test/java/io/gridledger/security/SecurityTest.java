package io.gridledger.security;

import io.gridledger.auth.Role;
import io.gridledger.config.ConfigDefaults;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Operation;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("Callers see and change only what their role and scope allow")
class SecurityTest {

  private static final String PROBLEM = "https://gridledger.io/problems/";
  private static final List<String> TABLES = List.of("site", "building", "floor", "unit", "tenant", "occupancy", "meter",
    "app_user", "api_key", "meter_command", "tariff", "tariff_version", "ledger_account", "ledger_transfer", "top_up",
    "bill_run", "invoice", "allocation_rule", "tenant_payment", "payment_refund", "payment_allocation",
    "receivable_document");
  private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

  private static TestBackend backend;
  private static ContractHttp http;
  private static TwoSites sites;
  private static String admin;
  private static String operatorA;
  private static String tenantA1;
  private static String integrationA;
  /** The ids of site B's objects (plus a user and an API key no non-admin may see), by path parameter name. */
  private static Map<String, UUID> siteB;
  /** Relay commands on tenant a2's meter and on site A's main meter (in no tenant's unit). */
  private static UUID commandOfTenantA2, commandOfMainA;

  @BeforeAll
  static void start() {
    // Many logins come from 127.0.0.1 in this class; the per-address limit has its own backend below.
    // One attempt per relay command: the fixture's commands (no gateway is connected) end before any snapshot.
    backend = TestBackend.start(new JsonObject().put("auth", new JsonObject().put("loginMaxAttemptsPerAddress", 1000))
      .put("control", new JsonObject().put("maxAttempts", 1)),
      app -> app.billingCollaborators(allocation, new io.gridledger.billing.RecordingReceivables(),
        java.time.Clock.systemUTC()));
    http = ContractHttp.of(backend);
    sites = TwoSites.create(backend);
    admin = backend.login(TestBackend.ADMIN);
    operatorA = backend.login("operator-a");
    tenantA1 = backend.login("tenant-a1");
    integrationA = backend.login("integration-a");
    Response key = http.call("createApiKey", "POST", "/api-keys", admin, new JsonObject().put("name", "Site B bridge")
      .put("siteIds", new JsonArray().add(sites.b.get("site").toString())));
    assertEquals(201, key.status(), key.text());
    siteB = new TreeMap<>(Map.of("siteId", sites.b.get("site"), "buildingId", sites.b.get("building"),
      "floorId", sites.b.get("floor"), "unitId", sites.b.get("unit1"), "tenantId", sites.b.get("tenant1"),
      "occupancyId", sites.b.get("occupancy1"), "meterId", sites.b.get("meter1"),
      "userId", UUID.fromString(backend.rows("SELECT id FROM app_user WHERE username = 'operator-b'")
        .getJsonObject(0).getString("id")),
      "apiKeyId", UUID.fromString(key.json().getString("id"))));
    siteB.put("alarmId", TwoSites.raiseQuarantineAlarm(http, admin, "B-M1", sites.b.get("meter1")));
    siteB.put("commandId", relayCommand(sites.b.get("meter1")));
    commandOfTenantA2 = relayCommand(sites.a.get("meter2"));
    commandOfMainA = relayCommand(sites.a.get("mainMeter"));
    siteB.put("tariffId", createTariff(sites.b.get("site"), "Site B power"));
    Response rule = http.call("createAllocationRule", "POST", "/sites/" + sites.b.get("site") + "/allocation-rules",
      admin, new JsonObject().put("meterId", sites.b.get("meter1").toString()).put("kind", "area")
        .put("effectiveFrom", "2026-01-01"));
    assertEquals(201, rule.status(), rule.text());
    siteB.put("ruleId", UUID.fromString(rule.json().getString("id")));
    siteATariff = createTariff(sites.a.get("site"), "Site A power, assigned to no tenant");
    siteB.put("accountId", walletOf(sites.b.get("tenant1")));
    siteB.put("topUpId", cashTopUp(siteB.get("accountId")));
    siteB.put("paymentId", payment(sites.b.get("tenant2")));
    walletA2 = walletOf(sites.a.get("tenant2"));
    topUpA2 = cashTopUp(walletA2);
    // Postpaid tenants only: a tariff assigned to a prepaid tenant starts the prepaid loop charging its wallet, and
    // those background transfers would change the snapshot these tests compare.
    UUID[] billedB = issuedInvoice(sites.b.get("site"), sites.b.get("tenant2"), siteB.get("tariffId"), "America/Los_Angeles");
    siteB.put("runId", billedB[0]);
    siteB.put("invoiceId", billedB[1]);
    UUID[] billedA2 = issuedInvoice(sites.a.get("site"), sites.a.get("tenant2"),
      createTariff(sites.a.get("site"), "Site A power of tenant a2"), "Europe/Berlin");
    runA = billedA2[0];
    invoiceA2 = billedA2[1];
    paymentA2 = payment(sites.a.get("tenant2"));
  }

  /** Billing rates exactly the usage these tests put in; nobody's postings are checked here. */
  private static final io.gridledger.billing.FixedAllocation allocation = new io.gridledger.billing.FixedAllocation();
  /** Site A's bill run (no tenant sees runs) and tenant a2's issued October invoice. */
  private static UUID runA, invoiceA2;

  /** The tenant's October, billed through the API: tariff assigned, run, finalized, issued. Answers {run, invoice}. */
  private static UUID[] issuedInvoice(UUID siteId, UUID tenantId, UUID tariffId, String zone) {
    Response assigned = http.call("putTenantTariffs", "PUT", "/tenants/" + tenantId + "/tariffs", admin, new JsonObject()
      .put("assignments", new JsonArray().add(new JsonObject().put("utility", "electricity")
        .put("tariffId", tariffId.toString()).put("effectiveFrom", "2026-01-01"))));
    assertEquals(200, assigned.status(), assigned.text());
    java.time.LocalDate oct = java.time.LocalDate.of(2026, 10, 1);
    allocation.put(siteId, io.gridledger.billing.FixedAllocation.daily(tenantId, java.time.ZoneId.of(zone), oct,
      oct.plusMonths(1), io.gridledger.billing.FixedAllocation.same(31, 1000), "SEC-" + tenantId, 0));
    Response run = http.call("createBillRun", "POST", "/bill-runs", admin, new JsonObject()
      .put("siteId", siteId.toString()).put("period", "2026-10"));
    assertEquals(202, run.status(), run.text());
    String runId = run.json().getString("id");
    for (int attempt = 0; attempt < 300 && !http.call("getBillRun", "GET", "/bill-runs/" + runId, admin, null).json()
      .getString("status").equals("completed"); attempt++) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertEquals(200, http.call("finalizeBillRun", "POST", "/bill-runs/" + runId + "/finalize", admin, null).status());
    assertEquals(200, http.call("issueBillRun", "POST", "/bill-runs/" + runId + "/issue", admin, null).status());
    Response invoices = http.call("listInvoices", "GET", "/invoices?runId=" + runId + "&status=issued", admin, null);
    assertEquals(1, invoices.json().getJsonArray("items").size(), invoices.text());
    return new UUID[] {UUID.fromString(runId),
      UUID.fromString(invoices.json().getJsonArray("items").getJsonObject(0).getString("id"))};
  }

  /** A relay command on the meter, finished (failed: its gateway is not connected), by the admin. */
  private static UUID relayCommand(UUID meterId) {
    Response created = http.call("createMeterCommand", "POST", "/meters/" + meterId + "/commands", admin,
      new JsonObject().put("action", "open").put("reason", "Fixture"));
    assertEquals(202, created.status(), created.text());
    String id = created.json().getString("id");
    for (int attempt = 0; attempt < 100; attempt++) {
      if (http.call("getCommand", "GET", "/commands/" + id, admin, null).json().getString("state").equals("failed")) {
        return UUID.fromString(id);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("relay command " + id + " did not end");
  }

  /** A tariff siteB's callers must never reach, and one of site A that tenant a1 is not assigned to. */
  private static UUID siteATariff;

  private static UUID createTariff(UUID siteId, String name) {
    Response r = http.call("createTariff", "POST", "/sites/" + siteId + "/tariffs", admin, new JsonObject()
      .put("name", name).put("effectiveFrom", "2026-01-01").put("document", tariffDocument()));
    assertEquals(201, r.status(), r.text());
    return UUID.fromString(r.json().getString("id"));
  }

  private static JsonObject tariffDocument() {
    return new JsonObject().put("utility", "electricity").put("unit", "kWh").put("currency", "EUR")
      .put("components", new JsonArray().add(new JsonObject().put("id", "energy").put("kind", "energy")
        .put("rate", "0.25")));
  }

  private static UUID walletA2;
  private static UUID paymentA2;

  /** A bank transfer recorded for the tenant by the admin (it becomes credit: the tenant has no invoice). */
  private static UUID payment(UUID tenantId) {
    Response r = http.call("createTenantPayment", "POST", "/tenants/" + tenantId + "/payments", admin,
      new JsonObject().put("amountMinor", 1000).put("method", "bank_transfer").encode(), "application/json",
      Map.of("Idempotency-Key", "security-" + tenantId));
    assertEquals(201, r.status(), r.text());
    return UUID.fromString(r.json().getString("id"));
  }
  private static UUID topUpA2;

  /** The tenant's wallet, opened through the API as an admin. */
  private static UUID walletOf(UUID tenantId) {
    Response r = http.call("listTenantAccounts", "GET", "/tenants/" + tenantId + "/accounts", admin, null);
    assertEquals(200, r.status(), r.text());
    return UUID.fromString(r.json().getJsonArray("items").getJsonObject(0).getString("id"));
  }

  private static UUID cashTopUp(UUID walletId) {
    Response r = http.call("createTopUp", "POST", "/accounts/" + walletId + "/top-ups", admin,
      new JsonObject().put("amountMinor", 1000).put("provider", "cash").encode(), "application/json",
      Map.of("Idempotency-Key", "security-" + walletId));
    assertEquals(201, r.status(), r.text());
    return UUID.fromString(r.json().getString("id"));
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("a tenant gets 404 for every id-taking operation on another site's or another tenant's objects, and nothing changes")
  void tenantCannotReachOtherTenantsObjects() {
    Map<String, String> before = snapshot();
    int expected = (int) ContractHttp.operations().stream().filter(op -> op.path().contains("{")).count();
    assertEquals(expected, assertEveryOperationNotFound(tenantA1, siteB), "operations tried on site B");
    Map<String, UUID> tenantA2 = Map.of("unitId", sites.a.get("unit2"), "tenantId", sites.a.get("tenant2"),
      "occupancyId", sites.a.get("occupancy2"), "meterId", sites.a.get("meter2"), "commandId", commandOfTenantA2,
      "accountId", walletA2, "topUpId", topUpA2, "invoiceId", invoiceA2, "paymentId", paymentA2);
    // 30 before billing + getInvoice, getInvoicePdf, reRateInvoice + allocation's one tenant operation
    // + createTenantPayment, getTenantStatement, getPayment, createPaymentRefund, reversePayment
    assertEquals(39, assertEveryOperationNotFound(tenantA1, tenantA2), "operations tried on tenant a2's objects");
    Map<String, UUID> unoccupied = Map.of("unitId", sites.a.get("common"), "meterId", sites.a.get("mainMeter"),
      "commandId", commandOfMainA, "tariffId", siteATariff, "runId", runA);
    // 18 before billing + getBillRun, finalizeBillRun, issueBillRun, exportBillRun (no tenant sees a bill run)
    assertEquals(22, assertEveryOperationNotFound(tenantA1, unoccupied),
      "operations tried on site A's common objects and a tariff not assigned to tenant a1");
    assertEquals(before, snapshot(), "a refused request changed the database");
  }

  @Test
  @DisplayName("an operator and an integration of site A get 404 for every id-taking operation on site B, and nothing changes")
  void siteScopedRolesCannotReachOtherSite() {
    Map<String, String> before = snapshot();
    int expected = (int) ContractHttp.operations().stream().filter(op -> op.path().contains("{")).count();
    assertEquals(expected, assertEveryOperationNotFound(operatorA, siteB), "operations tried by operator-a");
    assertEquals(expected, assertEveryOperationNotFound(integrationA, siteB), "operations tried by integration-a");
    assertEquals(before, snapshot(), "a refused request changed the database");
    Response site = http.call("getSite", "GET", "/sites/" + sites.b.get("site"), admin, null);
    assertEquals("Site B", site.json().getString("name"), "site B as the admin sees it");
  }

  @Test
  @DisplayName("the consumption report of another site answers 404 to its tenants, operators and integrations")
  void consumptionReportOfAnotherSiteIsNotFound() {
    String path = "/reports/consumption?site=" + sites.b.get("site") + "&from=2026-10-01&to=2026-10-02";
    for (String token : List.of(tenantA1, operatorA, integrationA)) {
      assertNotFound("report of site B", http.call("getConsumptionReport", "GET", path, token, null));
      assertNotFound("CSV report of site B", http.call("getConsumptionReport", "GET", path + "&format=csv", token, null));
    }
  }

  @Test
  @DisplayName("without credentials every operation but login answers 401 problem+json with WWW-Authenticate")
  void everyOperationNeedsCredentials() {
    Map<String, String> before = snapshot();
    int checked = 0;
    for (Operation op : ContractHttp.operations()) {
      if (op.id().equals("createToken")) {
        continue;
      }
      String path = op.path().replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
      Response r = http.call(op.id(), op.method(), path, null, op.hasBody() ? new JsonObject() : null);
      assertUnauthorized(op.id(), r);
      checked++;
    }
    assertEquals(ContractHttp.operations().size() - 1, checked);
    assertEquals(before, snapshot());
  }

  @Test
  @DisplayName("a garbage, forged, unsigned or expired bearer token answers 401")
  void invalidTokensAreRefused() {
    String secret = backend.rows("SELECT value FROM system_secret WHERE name = 'jwt'").getJsonObject(0).getString("value");
    long now = System.currentTimeMillis() / 1000;
    JsonObject adminClaims = new JsonObject().put("sub", "user:" + UUID.randomUUID()).put("role", "admin")
      .put("sites", new JsonArray());
    String forged = sign("another secret that is long enough for HS256 ....", adminClaims.copy().put("exp", now + 3600));
    String expired = sign(secret, adminClaims.copy().put("iat", now - 7200).put("exp", now - 3600));
    assertTrue(payload(expired).getLong("exp") < now, "the test token must really be expired: " + payload(expired));
    String[] parts = forged.split("\\.");
    String unsigned = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
    String truncated = admin.substring(0, admin.length() - 4);
    for (String token : List.of("garbage", "a.b.c", forged, expired, unsigned, truncated)) {
      assertUnauthorized("listSites with " + token, http.call("listSites", "GET", "/sites", token, null));
    }
    // Sanity: the real token of the same backend works, so the refusals above are about the tokens.
    assertEquals(200, http.call("listSites", "GET", "/sites", admin, null).status());
    Response wrongScheme = http.call("listSites", "GET", "/sites", null, null, "application/json",
      Map.of("Authorization", "Basic " + b64("admin:" + TestBackend.PASSWORD)));
    assertUnauthorized("listSites with Basic auth", wrongScheme);
  }

  @Test
  @DisplayName("an API key reads its own site, gets 404 for another site, and 401 once revoked")
  void apiKeysAreScopedAndRevocable() {
    UUID siteA = sites.a.get("site");
    Response created = http.call("createApiKey", "POST", "/api-keys", admin,
      new JsonObject().put("name", "BMS A").put("siteIds", new JsonArray().add(siteA.toString())));
    assertEquals(201, created.status(), created.text());
    String key = created.json().getString("key");
    assertFalse(http.call("listApiKeys", "GET", "/api-keys", admin, null).text().contains(key), "the list shows the secret");
    assertFalse(backend.rows("SELECT * FROM api_key").encode().contains(key), "the database stores the key in clear");
    assertEquals(200, withKey("getSite", "GET", "/sites/" + siteA, key).status());
    assertEquals(List.of(siteA.toString()), ids(withKey("listSites", "GET", "/sites", key)));
    assertNotFound("getSite B with the key of A", withKey("getSite", "GET", "/sites/" + sites.b.get("site"), key));
    assertNotFound("getUnit B with the key of A", withKey("getUnit", "GET", "/units/" + sites.b.get("unit1"), key));
    Response patch = http.call("updateUnit", "PATCH", "/units/" + sites.a.get("unit1"), null,
      "{\"name\":\"via key\"}", "application/json", Map.of("X-API-Key", key));
    assertProblem("an integration key patching", patch, 403, "forbidden");
    assertUnauthorized("an unknown key", withKey("listSites", "GET", "/sites", key + "x"));

    Response revoked = http.call("revokeApiKey", "DELETE", "/api-keys/" + created.json().getString("id"), admin, null);
    assertEquals(204, revoked.status(), revoked.text());
    assertUnauthorized("a revoked key", withKey("getSite", "GET", "/sites/" + siteA, key));
  }

  @Test
  @DisplayName("an operator of site A lists only A, edits A, and may not create or import sites or manage users")
  void operatorIsLimitedToItsSite() {
    UUID siteA = sites.a.get("site");
    assertEquals(List.of(siteA.toString()), ids(http.call("listSites", "GET", "/sites", operatorA, null)));
    Response patched = http.call("updateUnit", "PATCH", "/units/" + sites.a.get("common"), operatorA,
      new JsonObject().put("headcount", 3));
    assertEquals(200, patched.status(), patched.text());
    assertEquals(3, patched.json().getInteger("headcount"));

    Map<String, String> before = snapshot();
    assertProblem("createSite", http.call("createSite", "POST", "/sites", operatorA, new JsonObject()
      .put("name", "Operator site").put("timeZone", "Europe/Berlin").put("currency", "EUR")), 403, "forbidden");
    assertProblem("importSite", http.call("importSite", "POST", "/sites/import", operatorA,
      TwoSites.document("Operator import", "Europe/Berlin", "op")), 403, "forbidden");
    assertProblem("deleteSite A", http.call("deleteSite", "DELETE", "/sites/" + siteA, operatorA, null), 403, "forbidden");
    assertProblem("listUsers", http.call("listUsers", "GET", "/users", operatorA, null), 403, "forbidden");
    assertProblem("createUser", http.call("createUser", "POST", "/users", operatorA, new JsonObject()
      .put("username", "sneaky").put("password", "pass1234").put("role", "admin")), 403, "forbidden");
    assertProblem("listApiKeys", http.call("listApiKeys", "GET", "/api-keys", operatorA, null), 403, "forbidden");
    assertNotFound("getUser", http.call("getUser", "GET", "/users/" + siteB.get("userId"), operatorA, null));
    assertNotFound("getUser of itself", http.call("getUser", "GET", "/users/" + userId("operator-a"), operatorA, null));
    assertEquals(before, snapshot(), "a forbidden request changed the database");
  }

  @Test
  @DisplayName("a tenant sees its own tenant, unit, meter and occupancy, lists only those, and cannot change them")
  void tenantSeesOnlyItsOwnAndReadsOnly() {
    UUID siteA = sites.a.get("site");
    Map<String, String> own = Map.of("getTenant", "/tenants/" + sites.a.get("tenant1"),
      "getUnit", "/units/" + sites.a.get("unit1"), "getMeter", "/meters/" + sites.a.get("meter1"),
      "getOccupancy", "/occupancies/" + sites.a.get("occupancy1"));
    own.forEach((op, path) -> {
      Response r = http.call(op, "GET", path, tenantA1, null);
      assertEquals(200, r.status(), () -> op + ": " + r.text());
      assertEquals(path.substring(path.lastIndexOf('/') + 1), r.json().getString("id"), op);
    });

    assertEquals(List.of(sites.a.get("tenant1").toString()), ids(http.call("listTenants", "GET", "/sites/" + siteA + "/tenants", tenantA1, null)));
    assertEquals(List.of(sites.a.get("meter1").toString()), ids(http.call("listMeters", "GET", "/sites/" + siteA + "/meters", tenantA1, null)));
    assertEquals(List.of(sites.a.get("unit1").toString()), ids(http.call("listUnits", "GET", "/sites/" + siteA + "/units", tenantA1, null)));
    assertEquals(List.of(sites.a.get("occupancy1").toString()), ids(http.call("listOccupancies", "GET",
      "/tenants/" + sites.a.get("tenant1") + "/occupancies", tenantA1, null)));

    Map<String, String> before = snapshot();
    Map<String, JsonObject> patches = Map.of("updateTenant", new JsonObject().put("billingMode", "postpaid"),
      "updateUnit", new JsonObject().put("areaM2", 1), "updateMeter", new JsonObject().put("criticalLoad", true),
      "updateOccupancy", new JsonObject().put("toDate", "2025-01-31"));
    own.forEach((getOp, path) -> {
      String name = getOp.substring(3);
      assertProblem("update" + name, http.call("update" + name, "PATCH", path, tenantA1, patches.get("update" + name)), 403, "forbidden");
      assertProblem("delete" + name, http.call("delete" + name, "DELETE", path, tenantA1, null), 403, "forbidden");
    });
    assertProblem("createMeterCommand on its own meter", http.call("createMeterCommand", "POST", "/meters/"
      + sites.a.get("meter1") + "/commands", tenantA1, new JsonObject().put("action", "open").put("reason", "Mine")),
      403, "forbidden");
    assertProblem("createBuilding on its own site", http.call("createBuilding", "POST", "/sites/" + siteA + "/buildings",
      tenantA1, new JsonObject().put("name", "Tenant annex")), 403, "forbidden");
    assertProblem("createOccupancies for itself", http.call("createOccupancies", "POST", "/tenants/" + sites.a.get("tenant1")
      + "/occupancies", tenantA1, new JsonObject().put("unitIds", new JsonArray().add(sites.a.get("common").toString()))
      .put("fromDate", "2030-01-01")), 403, "forbidden");
    assertEquals(before, snapshot(), "a forbidden request changed the database");
  }

  @Test
  @DisplayName("an integration user reads its site but cannot change anything")
  void integrationIsReadOnly() {
    String unit = "/units/" + sites.a.get("unit1");
    assertEquals(200, http.call("getUnit", "GET", unit, integrationA, null).status());
    Map<String, String> before = snapshot();
    assertProblem("updateUnit", http.call("updateUnit", "PATCH", unit, integrationA, new JsonObject().put("name", "X")), 403, "forbidden");
    assertProblem("updateSite", http.call("updateSite", "PATCH", "/sites/" + sites.a.get("site"), integrationA,
      new JsonObject().put("name", "X")), 403, "forbidden");
    assertProblem("deleteMeter", http.call("deleteMeter", "DELETE", "/meters/" + sites.a.get("meter1"), integrationA, null), 403, "forbidden");
    assertProblem("createMeterCommand", http.call("createMeterCommand", "POST", "/meters/" + sites.a.get("meter1")
      + "/commands", integrationA, new JsonObject().put("action", "open").put("reason", "BMS")), 403, "forbidden");
    assertEquals(before, snapshot(), "a forbidden request changed the database");
  }

  @Test
  @DisplayName("after the configured number of wrong passwords even the right password answers 429 with Retry-After")
  void loginIsLockedPerUser() {
    int maxFailures = ConfigDefaults.defaults().getJsonObject("auth").getInteger("loginMaxFailuresPerUser");
    String username = "lock-" + UUID.randomUUID().toString().substring(0, 8);
    backend.createUser(username, Role.OPERATOR, new UUID[] {sites.a.get("site")}, null);
    for (int i = 1; i <= maxFailures; i++) {
      assertProblem("wrong password " + i, login(http, username, "wrong-" + i), 401, "unauthorized");
    }
    Response locked = login(http, username, TestBackend.PASSWORD);
    assertProblem("the right password after " + maxFailures + " failures", locked, 429, "too-many-requests");
    assertRetryAfter(locked);
    assertEquals(200, login(http, "operator-a", TestBackend.PASSWORD).status(), "another user is not locked");
  }

  @Test
  @DisplayName("one address gets 429 after loginMaxAttemptsPerAddress attempts, whichever usernames it tries")
  void loginIsLimitedPerAddress() {
    try (TestBackend limited = TestBackend.start(new JsonObject()
      .put("auth", new JsonObject().put("loginMaxAttemptsPerAddress", 5)))) {
      ContractHttp limitedHttp = ContractHttp.of(limited);
      for (int i = 1; i <= 5; i++) {
        assertProblem("attempt " + i, login(limitedHttp, "nobody-" + i + "-" + UUID.randomUUID(), "guess"), 401, "unauthorized");
      }
      Response sixth = login(limitedHttp, TestBackend.ADMIN, TestBackend.PASSWORD);
      assertProblem("the 6th attempt, a valid login of another user", sixth, 429, "too-many-requests");
      assertRetryAfter(sixth);
    }
  }

  @Test
  @DisplayName("passwords are stored as PBKDF2 hashes, and a wrong password looks the same for known and unknown users")
  void passwordsAreHashedAndLoginFailuresAreUniform() {
    String username = "hash-" + UUID.randomUUID().toString().substring(0, 8);
    String password = "Tr0ub4dor&3-" + UUID.randomUUID();
    Response created = http.call("createUser", "POST", "/users", admin, new JsonObject().put("username", username)
      .put("password", password).put("role", "operator").put("siteIds", new JsonArray().add(sites.a.get("site").toString())));
    assertEquals(201, created.status(), created.text());
    assertFalse(created.text().contains(password), "the response echoes the password");
    String hash = backend.rows("SELECT password_hash FROM app_user WHERE username = '" + username + "'")
      .getJsonObject(0).getString("password_hash");
    assertTrue(hash.startsWith("pbkdf2-sha256$"), hash);
    assertFalse(hash.contains(password), "the stored hash contains the password");
    assertEquals(200, login(http, username, password).status(), "the new user can log in");

    Response known = login(http, username, password + "x");
    Response unknown = login(http, "ghost-" + UUID.randomUUID().toString().substring(0, 8), password);
    assertProblem("known user, wrong password", known, 401, "unauthorized");
    assertProblem("unknown user", unknown, 401, "unauthorized");
    assertEquals(known.json().getString("title"), unknown.json().getString("title"));
    assertEquals(known.json().getString("detail"), unknown.json().getString("detail"));
  }

  @Test
  @DisplayName("health, the contract and its docs are public, and /openapi.yaml is the contract")
  void operationalRoutesArePublic() {
    assertEquals(200, get("/health").status());
    Response contract = get("/openapi.yaml");
    assertEquals(200, contract.status());
    assertTrue(contract.text().startsWith("openapi: 3.1.0"), contract.text().substring(0, 40));
    assertEquals(ContractHttp.contractYaml(), contract.text(), "/openapi.yaml is not the published contract");
    Response docs = get("/docs/");
    assertEquals(200, docs.status(), () -> "/docs/ answered " + docs.status() + " to " + docs.headers().get("location"));
    assertTrue(docs.text().contains("swagger-ui"), docs.text());
    Response bare = get("/docs");
    assertEquals(302, bare.status(), "/docs redirects to the page");
    assertEquals(List.of("/docs/"), bare.headers().get("location"));
  }

  // --- helpers ---

  /** Calls every operation whose path ids can all be filled from {@code ids}; each must answer 404 not-found. */
  private static int assertEveryOperationNotFound(String token, Map<String, UUID> ids) {
    List<String> leaks = new ArrayList<>();
    int checked = 0;
    for (Operation op : ContractHttp.operations()) {
      String path = fill(op.path(), ids);
      if (path == null) {
        continue;
      }
      Response r = op.id().equals("importReadingsCsv")
        ? http.call(op.id(), op.method(), path, token, "meter,register,ts,value,unit\nB-M1,energy_active_import,"
          + "2026-10-02T00:00:00Z,1,kWh\n", "text/plain", Map.of())
        : http.call(op.id(), op.method(), path + validQuery(op.id()), token,
          op.hasBody() ? validBody(op.id(), ids).encode() : null, "application/json", validHeaders(op.id()));
      if (r.status() != 404 || !r.json().getString("type").equals(PROBLEM + "not-found")) {
        leaks.add(op.id() + " " + op.method() + " " + path + " answered " + r.status() + ": " + r.text());
      }
      checked++;
    }
    assertEquals(List.of(), leaks, "operations that did not answer 404 for an object outside the caller's scope");
    return checked;
  }

  /** The path with every {param} replaced from ids; null when the path has no param or one ids does not name. */
  private static String fill(String path, Map<String, UUID> ids) {
    Matcher m = PATH_PARAM.matcher(path);
    StringBuilder out = new StringBuilder();
    boolean any = false;
    while (m.find()) {
      UUID id = ids.get(m.group(1));
      if (id == null) {
        return null;
      }
      m.appendReplacement(out, id.toString());
      any = true;
    }
    m.appendTail(out);
    return any ? out.toString() : null;
  }

  /** Required query parameters, so a refusal is about scope, not validation. */
  private static String validQuery(String operationId) {
    return switch (operationId) {
      case "getMeterConsumption" -> "?from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z";
      case "getSiteAllocatedUsage", "getTenantAllocatedUsage" -> "?from=2026-10-01&to=2026-10-02";
      default -> "";
    };
  }

  /** Required headers, so a refusal is about scope, not validation. */
  private static Map<String, String> validHeaders(String operationId) {
    return operationId.equals("createTopUp") || operationId.equals("createAdjustment")
      || operationId.equals("createTenantPayment") || operationId.equals("createPaymentRefund")
      ? Map.of("Idempotency-Key", "hijack-" + UUID.randomUUID()) : Map.of();
  }

  /** A minimal body the contract accepts, so a refusal is about scope, not validation. */
  private static JsonObject validBody(String operationId, Map<String, UUID> ids) {
    String unitId = ids.getOrDefault("unitId", UUID.randomUUID()).toString();
    String floorId = ids.getOrDefault("floorId", UUID.randomUUID()).toString();
    JsonObject body = switch (operationId) {
      case "updateSite", "createBuilding", "updateBuilding", "updateFloor", "updateUnit" -> new JsonObject().put("name", "Hijacked");
      case "createFloor" -> new JsonObject().put("level", 7).put("name", "Hijacked").put("elevationM", 21)
        .put("heightM", 3).put("footprint", TwoSites.rect(0, 0, 10, 10));
      case "createUnit" -> new JsonObject().put("floorId", floorId).put("name", "Hijacked").put("areaM2", 10)
        .put("use", "office").put("footprint", TwoSites.rect(0, 0, 1, 1));
      case "createTenant" -> new JsonObject().put("legalName", "Hijacked Ltd").put("billingMode", "prepaid");
      case "updateTenant" -> new JsonObject().put("legalName", "Hijacked Ltd");
      case "createOccupancies" -> new JsonObject().put("unitIds", new JsonArray().add(unitId)).put("fromDate", "2040-01-01");
      case "updateOccupancy" -> new JsonObject().put("toDate", "2040-12-31");
      case "createMeter" -> new JsonObject().put("serial", "HIJACK-1").put("kind", "electricity")
        .put("registers", new JsonArray().add(new JsonObject().put("name", "energy_active_import").put("unit", "kWh")))
        .put("binding", new JsonObject().put("protocol", "manual"));
      case "updateMeter" -> new JsonObject().put("criticalLoad", true);
      case "createMeterCommand" -> new JsonObject().put("action", "open").put("reason", "Hijacked");
      case "createTariff" -> new JsonObject().put("name", "Hijacked").put("effectiveFrom", "2040-01-01")
        .put("document", tariffDocument());
      case "createTariffVersion" -> new JsonObject().put("effectiveFrom", "2040-01-01").put("document", tariffDocument());
      case "putTenantTariffs" -> new JsonObject().put("assignments", new JsonArray().add(new JsonObject()
        .put("utility", "electricity").put("tariffId", ids.getOrDefault("tariffId", UUID.randomUUID()).toString())
        .put("effectiveFrom", "2040-01-01")));
      case "quoteTariff" -> new JsonObject().put("meterId", ids.getOrDefault("meterId", UUID.randomUUID()).toString())
        .put("from", "2026-10-01").put("to", "2026-11-01");
      case "putSiteHolidays" -> new JsonObject().put("holidays", new JsonArray().add(new JsonObject()
        .put("date", "2040-01-01").put("name", "Hijacked")));
      case "createAdjustment" -> new JsonObject().put("amountMinor", 100).put("reason", "Hijacked");
      case "createAllocationRule" -> new JsonObject().put("meterId", ids.getOrDefault("meterId", UUID.randomUUID())
        .toString()).put("kind", "area").put("effectiveFrom", "2040-01-01");
      case "createTopUp" -> new JsonObject().put("amountMinor", 100).put("provider", "cash");
      case "createTenantPayment" -> new JsonObject().put("amountMinor", 100).put("method", "cash");
      case "createPaymentRefund" -> new JsonObject().put("amountMinor", 100).put("reason", "Hijacked");
      case "reversePayment" -> new JsonObject().put("reason", "Hijacked");
      case "createMeterExchange" -> new JsonObject().put("register", "energy_active_import")
        .put("ts", "2026-10-01T12:00:00Z").put("oldFinalValue", 600).put("newInitialValue", 0);
      default -> null;
    };
    assertNotNull(body, "add a minimal valid body for " + operationId);
    return body;
  }

  private static Map<String, String> snapshot() {
    Map<String, String> out = new TreeMap<>();
    for (String table : TABLES) {
      out.put(table, backend.rows("SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) "
        + "AS h FROM " + table + " t").getJsonObject(0).getString("h"));
    }
    return out;
  }

  private static Response login(ContractHttp client, String username, String password) {
    return client.call("createToken", "POST", "/auth/token", null,
      new JsonObject().put("username", username).put("password", password));
  }

  private static Response withKey(String operationId, String method, String path, String key) {
    return http.call(operationId, method, path, null, null, "application/json", Map.of("X-API-Key", key));
  }

  private static Response get(String path) {
    return ContractHttp.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + path)).GET().build());
  }

  private static List<String> ids(Response page) {
    assertEquals(200, page.status(), page.text());
    return page.json().getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id")).sorted().toList();
  }

  private static UUID userId(String username) {
    return UUID.fromString(backend.rows("SELECT id FROM app_user WHERE username = '" + username + "'")
      .getJsonObject(0).getString("id"));
  }

  private static void assertProblem(String what, Response r, int status, String slug) {
    assertEquals(status, r.status(), () -> what + " answered " + r.status() + ": " + r.text());
    assertEquals(PROBLEM + slug, r.json().getString("type"), what);
  }

  private static void assertNotFound(String what, Response r) {
    assertProblem(what, r, 404, "not-found");
  }

  private static void assertUnauthorized(String what, Response r) {
    assertProblem(what, r, 401, "unauthorized");
    assertTrue(r.headers().containsKey("www-authenticate") || r.headers().containsKey("WWW-Authenticate"),
      () -> what + ": 401 without WWW-Authenticate; headers " + r.headers());
  }

  private static void assertRetryAfter(Response r) {
    String retryAfter = r.headers().getOrDefault("retry-after", List.of()).stream().findFirst().orElse(null);
    assertNotNull(retryAfter, () -> "429 without Retry-After; headers " + r.headers());
    assertTrue(Long.parseLong(retryAfter) > 0, retryAfter);
  }

  private static String sign(String secret, JsonObject claims) {
    JWTAuth jwt = JWTAuth.create(backend.vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer("gridledger"));
  }

  private static JsonObject payload(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private static String b64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
