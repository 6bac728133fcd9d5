package io.gridledger.api;

import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Operation;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("The contract is the API")
class ContractTest {

  private static TestBackend backend;
  private static ContractHttp http;
  private static TwoSites sites;
  private static String admin;
  private static final io.gridledger.billing.FixedAllocation allocation = new io.gridledger.billing.FixedAllocation();

  @BeforeAll
  static void start() {
    backend = TestBackend.start(new JsonObject(), app -> app.billingCollaborators(allocation,
      new io.gridledger.billing.RecordingReceivables(), java.time.Clock.systemUTC()));
    http = ContractHttp.of(backend);
    sites = TwoSites.create(backend);
    admin = backend.login(TestBackend.ADMIN);
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("every operation in the contract is routed to a handler and answers a documented response")
  void everyOperationHasAHandler() {
    List<Operation> operations = ContractHttp.operations();
    assertTrue(operations.size() >= 40, "the contract lists " + operations.size() + " operations");
    for (Operation op : operations) {
      String path = op.path().replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
      Response r = http.call(op.id(), op.method(), path, admin, op.hasBody() ? new JsonObject() : null);
      assertNotEquals(503, r.status(), op.id() + " has no handler");
      assertNotEquals(405, r.status(), op.id() + " is not routed");
      assertNotEquals(500, r.status(), op.id() + " failed: " + r.text());
    }
  }

  @Test
  @DisplayName("the server refuses to start when a contract operation has no handler")
  void startRefusesUnboundOperation() {
    Vertx vertx = Vertx.vertx();
    try {
      ApiServer server = new ApiServer(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("bodyLimitBytes", 1024),
        null, null, v -> List.of(routes -> routes.getRoute("listSites").addHandler(rc -> rc.end())));
      Exception e = assertThrows(Exception.class, () -> vertx.deployVerticle(server).await());
      assertTrue(e.getMessage().contains("createSite"), e.getMessage());
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("every operation succeeds with a valid request and its response matches the schema")
  void everyOperationSucceedsWithItsSchema() {
    Set<String> succeeded = new TreeSet<>();
    UUID siteA = sites.a.get("site");
    UUID floorA = sites.a.get("floor");
    String tenantToken = backend.login("tenant-a1");

    ok(succeeded, "createToken", http.call("createToken", "POST", "/auth/token", null,
      new JsonObject().put("username", TestBackend.ADMIN).put("password", TestBackend.PASSWORD)));
    ok(succeeded, "getCurrentPrincipal", http.call("getCurrentPrincipal", "GET", "/auth/me", tenantToken, null));
    JsonObject user = ok(succeeded, "createUser", http.call("createUser", "POST", "/users", admin, new JsonObject()
      .put("username", "op-" + UUID.randomUUID().toString().substring(0, 8)).put("password", "s3cret-pass")
      .put("role", "operator").put("siteIds", new JsonArray().add(siteA.toString())))).json();
    ok(succeeded, "listUsers", http.call("listUsers", "GET", "/users?role=operator", admin, null));
    ok(succeeded, "getUser", http.call("getUser", "GET", "/users/" + user.getString("id"), admin, null));
    ok(succeeded, "deleteUser", http.call("deleteUser", "DELETE", "/users/" + user.getString("id"), admin, null));
    JsonObject key = ok(succeeded, "createApiKey", http.call("createApiKey", "POST", "/api-keys", admin, new JsonObject()
      .put("name", "BMS bridge").put("siteIds", new JsonArray().add(siteA.toString())))).json();
    ok(succeeded, "listApiKeys", http.call("listApiKeys", "GET", "/api-keys", admin, null));
    ok(succeeded, "revokeApiKey", http.call("revokeApiKey", "DELETE", "/api-keys/" + key.getString("id"), admin, null));

    JsonObject site = ok(succeeded, "createSite", http.call("createSite", "POST", "/sites", admin, new JsonObject()
      .put("name", "Contract site").put("timeZone", "Europe/Berlin").put("currency", "EUR")
      .put("address", new JsonObject().put("city", "Berlin").put("country", "DE")))).json();
    String siteId = site.getString("id");
    ok(succeeded, "listSites", http.call("listSites", "GET", "/sites?sort=-name&limit=10", admin, null));
    ok(succeeded, "getSite", http.call("getSite", "GET", "/sites/" + siteId, admin, null));
    ok(succeeded, "updateSite", http.call("updateSite", "PATCH", "/sites/" + siteId, admin, new JsonObject().put("name", "Renamed")));
    ok(succeeded, "importSite", http.call("importSite", "POST", "/sites/import", admin,
      TwoSites.document("Imported " + UUID.randomUUID(), "Europe/Paris", "imp")));

    JsonObject building = ok(succeeded, "createBuilding", http.call("createBuilding", "POST", "/sites/" + siteId + "/buildings", admin,
      new JsonObject().put("name", "B1").put("footprint", TwoSites.rect(0, 0, 20, 20)))).json();
    String buildingId = building.getString("id");
    ok(succeeded, "listBuildings", http.call("listBuildings", "GET", "/sites/" + siteId + "/buildings", admin, null));
    ok(succeeded, "getBuilding", http.call("getBuilding", "GET", "/buildings/" + buildingId, admin, null));
    ok(succeeded, "updateBuilding", http.call("updateBuilding", "PATCH", "/buildings/" + buildingId, admin, new JsonObject().put("name", "B1a")));
    JsonObject floor = ok(succeeded, "createFloor", http.call("createFloor", "POST", "/buildings/" + buildingId + "/floors", admin,
      new JsonObject().put("level", 0).put("name", "Ground").put("elevationM", 0).put("heightM", 4)
        .put("footprint", TwoSites.rect(0, 0, 20, 20)))).json();
    String floorId = floor.getString("id");
    ok(succeeded, "listFloors", http.call("listFloors", "GET", "/buildings/" + buildingId + "/floors", admin, null));
    ok(succeeded, "getFloor", http.call("getFloor", "GET", "/floors/" + floorId, admin, null));
    ok(succeeded, "updateFloor", http.call("updateFloor", "PATCH", "/floors/" + floorId, admin, new JsonObject().put("heightM", 4.5)));
    JsonObject unit = ok(succeeded, "createUnit", http.call("createUnit", "POST", "/sites/" + siteId + "/units", admin, new JsonObject()
      .put("floorId", floorId).put("name", "101").put("areaM2", 400).put("use", "office").put("headcount", 12)
      .put("footprint", TwoSites.rect(0, 0, 20, 20)))).json();
    String unitId = unit.getString("id");
    ok(succeeded, "listUnits", http.call("listUnits", "GET", "/sites/" + siteId + "/units?use=office&sort=-areaM2", admin, null));
    ok(succeeded, "getUnit", http.call("getUnit", "GET", "/units/" + unitId, admin, null));
    ok(succeeded, "updateUnit", http.call("updateUnit", "PATCH", "/units/" + unitId, admin, new JsonObject().put("headcount", 14)));

    JsonObject tenant = ok(succeeded, "createTenant", http.call("createTenant", "POST", "/sites/" + siteId + "/tenants", admin,
      new JsonObject().put("legalName", "Acme GmbH").put("billingMode", "prepaid")
        .put("contact", new JsonObject().put("email", "billing@acme.example")))).json();
    String tenantId = tenant.getString("id");
    ok(succeeded, "listTenants", http.call("listTenants", "GET", "/sites/" + siteId + "/tenants?billingMode=prepaid", admin, null));
    ok(succeeded, "getTenant", http.call("getTenant", "GET", "/tenants/" + tenantId, admin, null));
    ok(succeeded, "updateTenant", http.call("updateTenant", "PATCH", "/tenants/" + tenantId, admin, new JsonObject().put("billingMode", "postpaid")));
    JsonArray occupancies = (JsonArray) ok(succeeded, "createOccupancies", http.call("createOccupancies", "POST", "/tenants/" + tenantId
      + "/occupancies", admin, new JsonObject().put("unitIds", new JsonArray().add(unitId)).put("fromDate", "2026-01-01"))).body();
    String occupancyId = occupancies.getJsonObject(0).getString("id");
    ok(succeeded, "listOccupancies", http.call("listOccupancies", "GET", "/tenants/" + tenantId + "/occupancies", admin, null));
    ok(succeeded, "getOccupancy", http.call("getOccupancy", "GET", "/occupancies/" + occupancyId, admin, null));
    ok(succeeded, "updateOccupancy", http.call("updateOccupancy", "PATCH", "/occupancies/" + occupancyId, admin,
      new JsonObject().put("toDate", "2026-06-30")));

    JsonObject meter = ok(succeeded, "createMeter", http.call("createMeter", "POST", "/sites/" + siteId + "/meters", admin, new JsonObject()
      .put("serial", "SDM-0001").put("kind", "electricity").put("model", "Eastron SDM630").put("unitId", unitId)
      .put("multiplier", 1).put("registers", new JsonArray().add(new JsonObject().put("name", "energy_active_import")
        .put("unit", "kWh").put("maxValue", 99999999.9)))
      .put("binding", new JsonObject().put("protocol", "modbus").put("host", "127.0.0.1").put("port", 5020).put("unitId", 1)))).json();
    String meterId = meter.getString("id");
    ok(succeeded, "listMeters", http.call("listMeters", "GET", "/sites/" + siteId + "/meters?kind=electricity&protocol=modbus", admin, null));
    ok(succeeded, "getMeter", http.call("getMeter", "GET", "/meters/" + meterId, admin, null));
    ok(succeeded, "updateMeter", http.call("updateMeter", "PATCH", "/meters/" + meterId, admin, new JsonObject().put("criticalLoad", true)));

    exerciseMetering(succeeded);
    exerciseControl(succeeded);
    String tariffId = exerciseTariffs(succeeded, siteId, tenantId, meterId);
    exerciseAllocation(succeeded, siteId, tenantId, meterId, unitId);
    exerciseLedger(succeeded);
    exerciseBilling(succeeded);
    exercisePostpaid(succeeded);

    ok(succeeded, "deleteMeter", http.call("deleteMeter", "DELETE", "/meters/" + meterId, admin, null));
    ok(succeeded, "deleteOccupancy", http.call("deleteOccupancy", "DELETE", "/occupancies/" + occupancyId, admin, null));
    ok(succeeded, "deleteTenant", http.call("deleteTenant", "DELETE", "/tenants/" + tenantId, admin, null));
    ok(succeeded, "deleteTariff", http.call("deleteTariff", "DELETE", "/tariffs/" + tariffId, admin, null));
    ok(succeeded, "deleteUnit", http.call("deleteUnit", "DELETE", "/units/" + unitId, admin, null));
    ok(succeeded, "deleteFloor", http.call("deleteFloor", "DELETE", "/floors/" + floorId, admin, null));
    ok(succeeded, "deleteBuilding", http.call("deleteBuilding", "DELETE", "/buildings/" + buildingId, admin, null));
    ok(succeeded, "deleteSite", http.call("deleteSite", "DELETE", "/sites/" + siteId, admin, null));

    Set<String> all = ContractHttp.operations().stream().map(Operation::id).collect(Collectors.toCollection(TreeSet::new));
    all.removeAll(succeeded);
    assertEquals(Set.of(), all, "operations never exercised successfully");
    assertNotNull(floorA);
  }

  @Test
  @DisplayName("a request that violates the schema gets 400 problem+json naming the field")
  void schemaViolationNamesTheField() {
    Response r = http.call("createUnit", "POST", "/sites/" + sites.a.get("site") + "/units", admin, new JsonObject()
      .put("floorId", sites.a.get("floor").toString()).put("name", "X").put("areaM2", "large").put("use", "office")
      .put("footprint", TwoSites.rect(0, 0, 1, 1)));
    assertEquals(400, r.status());
    assertEquals("https://gridledger.io/problems/validation-failed", r.json().getString("type"));
    assertTrue(r.json().getJsonArray("errors").stream().anyMatch(e -> ((JsonObject) e).getString("field").equals("/areaM2")),
      r.text());

    Response query = http.call("listSites", "GET", "/sites?limit=9999", admin, null);
    assertEquals(400, query.status());
    assertEquals("limit", query.json().getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  /** Readings in, then every metering and alarm operation on what they produced. */
  private void exerciseMetering(Set<String> succeeded) {
    String meterId = sites.a.get("meter1").toString();
    String siteId = sites.a.get("site").toString();
    JsonArray readings = new JsonArray();
    double[] values = {100, 101, 102, 103, 50, 105, 106};
    String[] times = {"10:00", "10:05", "10:10", "10:15", "10:20", "10:30", "10:45"};
    for (int i = 0; i < values.length; i++) {
      readings.add(new JsonObject().put("meter", "A-M1").put("register", "energy_active_import")
        .put("ts", "2026-11-02T" + times[i] + ":00Z").put("value", values[i]).put("unit", "kWh"));
    }
    readings.add(new JsonObject().put("meter", "NO-SUCH-METER").put("register", "energy_active_import")
      .put("ts", "2026-11-02T10:00:00Z").put("value", 1).put("unit", "kWh"));
    Response ingested = ok(succeeded, "ingestReadings", http.call("ingestReadings", "POST", "/readings", admin,
      new JsonObject().put("gateway", "contract-test").put("readings", readings)));
    assertEquals(new JsonObject().put("received", 8).put("stored", 7).put("duplicates", 0).put("rejected", 1), ingested.json());
    Response csv = ok(succeeded, "importReadingsCsv", http.call("importReadingsCsv", "POST", "/sites/" + siteId
      + "/readings/csv", admin, "meter,register,ts,value,unit\nA-M1,energy_active_import,2026-11-02T11:00:00Z,107,kWh\n",
      "text/plain", java.util.Map.of()));
    assertEquals(1, csv.json().getInteger("stored"));
    ok(succeeded, "listMeterReadings", http.call("listMeterReadings", "GET", "/meters/" + meterId
      + "/readings?register=energy_active_import&limit=3", admin, null));
    JsonObject alarm = awaitAlarm(meterId);
    ok(succeeded, "listAlarms", http.call("listAlarms", "GET", "/alarms?meterId=" + meterId, admin, null));
    ok(succeeded, "getMeterConsumption", http.call("getMeterConsumption", "GET", "/meters/" + meterId
      + "/consumption?from=2026-11-02T10:00:00Z&to=2026-11-02T11:00:00Z&interval=15m", admin, null));
    ok(succeeded, "createMeterExchange", http.call("createMeterExchange", "POST", "/meters/" + meterId + "/exchanges",
      admin, new JsonObject().put("register", "energy_active_import").put("ts", "2026-11-02T11:05:00Z")
        .put("oldFinalValue", 107.5).put("newInitialValue", 0.1).put("newSerial", "A-M1-NEW")));
    ok(succeeded, "listMeterExchanges", http.call("listMeterExchanges", "GET", "/meters/" + meterId + "/exchanges", admin, null));
    ok(succeeded, "listDeadLetters", http.call("listDeadLetters", "GET", "/dead-letters?siteId=" + siteId, admin, null));
    ok(succeeded, "getDeviceHealth", http.call("getDeviceHealth", "GET", "/sites/" + siteId + "/device-health", admin, null));
    ok(succeeded, "acknowledgeAlarm", http.call("acknowledgeAlarm", "POST", "/alarms/" + alarm.getString("id")
      + "/acknowledge", admin, null));
    ok(succeeded, "clearAlarm", http.call("clearAlarm", "POST", "/alarms/" + alarm.getString("id") + "/clear", admin, null));
  }

  /** A relay command (its gateway is not connected, so it ends failed later) and the reads around it. */
  private void exerciseControl(Set<String> succeeded) {
    String meterId = sites.a.get("meter2").toString();
    JsonObject command = ok(succeeded, "createMeterCommand", http.call("createMeterCommand", "POST", "/meters/" + meterId
      + "/commands", admin, new JsonObject().put("action", "open").put("reason", "Contract test"))).json();
    assertEquals("pending", command.getString("state"), command::encode);
    ok(succeeded, "getCommand", http.call("getCommand", "GET", "/commands/" + command.getString("id"), admin, null));
    ok(succeeded, "listMeterCommands", http.call("listMeterCommands", "GET", "/meters/" + meterId + "/commands?limit=5",
      admin, null));
    ok(succeeded, "getMeterRelay", http.call("getMeterRelay", "GET", "/meters/" + meterId + "/relay", admin, null));
  }

  /** An invoice posted as billing does, a payment, its refund and reversal, a statement, the overview, transactions. */
  private void exercisePostpaid(Set<String> succeeded) {
    UUID site = sites.a.get("site");
    UUID tenant = sites.a.get("tenant2");
    io.gridledger.postpaid.IssuedDocument invoice = new io.gridledger.postpaid.IssuedDocument(UUID.randomUUID(),
      io.gridledger.postpaid.IssuedDocument.INVOICE, site, tenant, "CT-1", java.time.Instant.parse("2026-10-05T10:00:00Z"),
      java.time.LocalDate.parse("2026-09-01"), java.time.LocalDate.parse("2026-10-01"),
      java.time.LocalDate.parse("2026-10-31"), "EUR", java.util.Map.of("electricity", 10_000L), 1_900, 11_900, null);
    backend.pool().withTransaction(tx -> backend.app().receivables().postIssued(tx, invoice)).await();
    JsonObject payment = ok(succeeded, "createTenantPayment", http.call("createTenantPayment", "POST", "/tenants/" + tenant
      + "/payments", admin, new JsonObject().put("amountMinor", 15_000).put("method", "bank_transfer").encode(),
      "application/json", java.util.Map.of("Idempotency-Key", "contract-payment"))).json();
    String paymentId = payment.getString("id");
    ok(succeeded, "getPayment", http.call("getPayment", "GET", "/payments/" + paymentId, admin, null));
    ok(succeeded, "createPaymentRefund", http.call("createPaymentRefund", "POST", "/payments/" + paymentId + "/refunds",
      admin, new JsonObject().put("amountMinor", 1_000).put("reason", "Overpaid").encode(), "application/json",
      java.util.Map.of("Idempotency-Key", "contract-refund")));
    JsonObject mistaken = http.call("createTenantPayment", "POST", "/tenants/" + tenant + "/payments", admin,
      new JsonObject().put("amountMinor", 500).put("method", "cash").encode(), "application/json",
      java.util.Map.of("Idempotency-Key", "contract-mistake")).json();
    ok(succeeded, "reversePayment", http.call("reversePayment", "POST", "/payments/" + mistaken.getString("id")
      + "/reversal", admin, new JsonObject().put("reason", "Wrong tenant")));
    ok(succeeded, "getTenantStatement", http.call("getTenantStatement", "GET", "/tenants/" + tenant
      + "/statement?from=2026-10-01&to=2026-12-01", admin, null));
    ok(succeeded, "getFinanceOverview", http.call("getFinanceOverview", "GET", "/finance/overview?siteId=" + site
      + "&from=2026-10-01&to=2026-12-01", admin, null));
    ok(succeeded, "listFinanceTransactions", http.call("listFinanceTransactions", "GET", "/finance/transactions?siteId="
      + site + "&kind=payment&limit=2", admin, null));
  }

  /** A tenant's accounts, a cash top-up, an adjustment, the statement, the trial balance and a signed Stripe event. */
  private void exerciseLedger(Set<String> succeeded) {
    String siteId = sites.a.get("site").toString();
    String wallet = ok(succeeded, "listTenantAccounts", http.call("listTenantAccounts", "GET", "/tenants/"
      + sites.a.get("tenant1") + "/accounts", admin, null)).json().getJsonArray("items").getJsonObject(0).getString("id");
    ok(succeeded, "getAccount", http.call("getAccount", "GET", "/accounts/" + wallet, admin, null));
    JsonObject topUp = ok(succeeded, "createTopUp", http.call("createTopUp", "POST", "/accounts/" + wallet + "/top-ups",
      admin, new JsonObject().put("amountMinor", 5000).put("provider", "cash").put("reference", "receipt 1").encode(),
      "application/json", java.util.Map.of("Idempotency-Key", "contract-top-up"))).json();
    ok(succeeded, "getTopUp", http.call("getTopUp", "GET", "/top-ups/" + topUp.getString("id"), admin, null));
    ok(succeeded, "createAdjustment", http.call("createAdjustment", "POST", "/accounts/" + wallet + "/adjustments", admin,
      new JsonObject().put("amountMinor", -250).put("reason", "Meter reading corrected").encode(), "application/json",
      java.util.Map.of("Idempotency-Key", "contract-adjustment")));
    ok(succeeded, "listAccountTransactions", http.call("listAccountTransactions", "GET", "/accounts/" + wallet
      + "/transactions?limit=1", admin, null));
    ok(succeeded, "getTrialBalance", http.call("getTrialBalance", "GET", "/finance/trial-balance?siteId=" + siteId, admin, null));
    String event = new JsonObject().put("id", "evt_contract").put("object", "event").put("type", "customer.created")
      .put("data", new JsonObject().put("object", new JsonObject().put("id", "cus_1"))).encode();
    String signature = io.gridledger.payment.WebhookSignature.header(TestBackend.STRIPE_WEBHOOK_SECRET,
      System.currentTimeMillis() / 1000, event.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ok(succeeded, "receiveStripeWebhook", http.call("receiveStripeWebhook", "POST", "/payments/webhooks/stripe", null,
      event, "application/json", java.util.Map.of("Stripe-Signature", signature)));
  }

  /**
   * Site A's October for tenant a1: a run, its progress and list, the drafts, finalize, issue, the PDF, the CSV and a
   * re-rate (nothing changed). Usage comes from the test's allocation; amounts are checked in BillRunTest.
   */
  private void exerciseBilling(Set<String> succeeded) {
    UUID siteId = sites.a.get("site");
    UUID tenantId = sites.a.get("tenant1");
    JsonObject tariff = ok(succeeded, "createTariff", http.call("createTariff", "POST", "/sites/" + siteId + "/tariffs",
      admin, new JsonObject().put("name", "Billing power").put("effectiveFrom", "2026-01-01")
        .put("document", io.gridledger.billing.BillingFixture.tariffDocument()))).json();
    ok(succeeded, "putTenantTariffs", http.call("putTenantTariffs", "PUT", "/tenants/" + tenantId + "/tariffs", admin,
      new JsonObject().put("assignments", new JsonArray().add(new JsonObject().put("utility", "electricity")
        .put("tariffId", tariff.getString("id")).put("effectiveFrom", "2026-01-01")))));
    java.time.LocalDate oct = java.time.LocalDate.of(2026, 10, 1);
    allocation.put(siteId, io.gridledger.billing.FixedAllocation.daily(tenantId, java.time.ZoneId.of("Europe/Berlin"),
      oct, oct.plusMonths(1), io.gridledger.billing.FixedAllocation.same(31, 4000), "A-M1", 1000));
    String runId = ok(succeeded, "createBillRun", http.call("createBillRun", "POST", "/bill-runs",
      admin, new JsonObject().put("siteId", siteId.toString()).put("period", "2026-10"))).json().getString("id");
    JsonObject run = null;
    for (int attempt = 0; attempt < 300; attempt++) {
      run = ok(succeeded, "getBillRun", http.call("getBillRun", "GET", "/bill-runs/" + runId, admin, null)).json();
      if (run.getString("status").equals("completed")) {
        break;
      }
      sleep(100);
    }
    assertEquals("completed", run.getString("status"), run.encode());
    ok(succeeded, "listBillRuns", http.call("listBillRuns", "GET", "/bill-runs?siteId=" + siteId + "&limit=5", admin, null));
    String invoiceId = ok(succeeded, "listInvoices", http.call("listInvoices", "GET", "/invoices?runId=" + runId
      + "&status=draft&sort=-periodFrom", admin, null)).json().getJsonArray("items").getJsonObject(0).getString("id");
    ok(succeeded, "finalizeBillRun", http.call("finalizeBillRun", "POST", "/bill-runs/" + runId + "/finalize", admin, null));
    ok(succeeded, "issueBillRun", http.call("issueBillRun", "POST", "/bill-runs/" + runId + "/issue", admin, null));
    ok(succeeded, "getInvoice", http.call("getInvoice", "GET", "/invoices/" + invoiceId, admin, null));
    Response pdf = ok(succeeded, "getInvoicePdf", http.call("getInvoicePdf", "GET", "/invoices/" + invoiceId + "/pdf",
      admin, null));
    assertEquals("application/pdf", pdf.contentType());
    Response csv = ok(succeeded, "exportBillRun", http.call("exportBillRun", "GET", "/bill-runs/" + runId + "/export",
      admin, null));
    assertTrue(csv.contentType().startsWith("text/csv"), csv.contentType());
    JsonObject reRate = ok(succeeded, "reRateInvoice", http.call("reRateInvoice", "POST", "/invoices/" + invoiceId
      + "/re-rate", admin, null)).json();
    assertFalse(reRate.getBoolean("changed"), reRate.encode());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Intervals and their alarms are derived after the readings are stored; wait (bounded) for the quarantine alarm. */
  private JsonObject awaitAlarm(String meterId) {
    for (int attempt = 0; attempt < 100; attempt++) {
      Response r = http.call("listAlarms", "GET", "/alarms?kind=quarantine&meterId=" + meterId, admin, null);
      if (!r.json().getJsonArray("items").isEmpty()) {
        return r.json().getJsonArray("items").getJsonObject(0);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return fail("no quarantine alarm was raised for the decreasing reading");
  }

  /** Tariffs, a version, an assignment, holidays, and a URDB import into a USD site. Returns the assigned tariff. */
  private String exerciseTariffs(Set<String> succeeded, String siteId, String tenantId, String meterId) {
    JsonObject document = new JsonObject().put("utility", "electricity").put("unit", "kWh").put("currency", "EUR")
      .put("components", new JsonArray().add(new JsonObject().put("id", "energy").put("kind", "energy").put("rate", "0.28")));
    JsonObject tariff = ok(succeeded, "createTariff", http.call("createTariff", "POST", "/sites/" + siteId + "/tariffs",
      admin, new JsonObject().put("name", "Office power").put("effectiveFrom", "2026-01-01").put("document", document))).json();
    String tariffId = tariff.getString("id");
    ok(succeeded, "listTariffs", http.call("listTariffs", "GET", "/sites/" + siteId + "/tariffs?utility=electricity",
      admin, null));
    ok(succeeded, "getTariff", http.call("getTariff", "GET", "/tariffs/" + tariffId, admin, null));
    ok(succeeded, "createTariffVersion", http.call("createTariffVersion", "POST", "/tariffs/" + tariffId + "/versions",
      admin, new JsonObject().put("effectiveFrom", "2026-07-01").put("document", document.copy())));
    ok(succeeded, "quoteTariff", http.call("quoteTariff", "POST", "/tariffs/" + tariffId + "/quote", admin,
      new JsonObject().put("meterId", meterId).put("from", "2026-11-01").put("to", "2026-12-01")));
    ok(succeeded, "putTenantTariffs", http.call("putTenantTariffs", "PUT", "/tenants/" + tenantId + "/tariffs", admin,
      new JsonObject().put("assignments", new JsonArray().add(new JsonObject().put("utility", "electricity")
        .put("tariffId", tariffId).put("effectiveFrom", "2026-01-01")))));
    ok(succeeded, "getTenantTariffs", http.call("getTenantTariffs", "GET", "/tenants/" + tenantId + "/tariffs", admin, null));
    ok(succeeded, "putSiteHolidays", http.call("putSiteHolidays", "PUT", "/sites/" + siteId + "/holidays", admin,
      new JsonObject().put("holidays", new JsonArray().add(new JsonObject().put("date", "2026-12-25").put("name", "Christmas")))));
    ok(succeeded, "getSiteHolidays", http.call("getSiteHolidays", "GET", "/sites/" + siteId + "/holidays", admin, null));
    String usdSite = ok(succeeded, "createSite", http.call("createSite", "POST", "/sites", admin, new JsonObject()
      .put("name", "Contract USD site").put("timeZone", "America/Los_Angeles").put("currency", "USD"))).json().getString("id");
    String record = new JsonObject().put("label", "contract").put("utility", "Example").put("name", "Flat")
      .put("energyratestructure", new JsonArray("[[{\"rate\": 0.1234, \"unit\": \"kWh\"}]]"))
      .put("fixedchargefirstmeter", 10).put("fixedchargeunits", "$/month").encode();
    JsonObject imported = ok(succeeded, "importTariff", http.call("importTariff", "POST", "/tariffs/import?format=urdb&siteId="
      + usdSite + "&effectiveFrom=2026-01-01", admin, record, "application/json", java.util.Map.of())).json();
    http.call("deleteTariff", "DELETE", "/tariffs/" + imported.getString("id"), admin, null);
    return tariffId;
  }

  private void exerciseAllocation(Set<String> succeeded, String siteId, String tenantId, String meterId, String unitId) {
    JsonObject rule = ok(succeeded, "createAllocationRule", http.call("createAllocationRule", "POST", "/sites/" + siteId
      + "/allocation-rules", admin, new JsonObject().put("meterId", meterId).put("kind", "area")
      .put("effectiveFrom", "2026-01-01").put("note", "contract").put("params", new JsonObject()
        .put("units", new JsonArray().add(unitId))))).json();
    ok(succeeded, "listAllocationRules", http.call("listAllocationRules", "GET", "/sites/" + siteId
      + "/allocation-rules?meterId=" + meterId, admin, null));
    ok(succeeded, "getAllocationRule", http.call("getAllocationRule", "GET", "/allocation-rules/" + rule.getString("id"),
      admin, null));
    ok(succeeded, "getSiteAllocatedUsage", http.call("getSiteAllocatedUsage", "GET", "/sites/" + siteId
      + "/allocated-usage?from=2026-01-01&to=2026-01-03", admin, null));
    ok(succeeded, "getTenantAllocatedUsage", http.call("getTenantAllocatedUsage", "GET", "/tenants/" + tenantId
      + "/allocated-usage?from=2026-01-01&to=2026-01-03", admin, null));
    ok(succeeded, "getConsumptionReport", http.call("getConsumptionReport", "GET", "/reports/consumption?site=" + siteId
      + "&from=2026-01-01&to=2026-01-03&groupBy=floor&utility=electricity", admin, null));
  }

  private static Response ok(Set<String> succeeded, String operationId, Response r) {
    assertTrue(r.status() >= 200 && r.status() < 300, () -> operationId + " expected success: " + r.status() + " " + r.text());
    succeeded.add(operationId);
    return r;
  }
}
