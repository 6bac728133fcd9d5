package io.gridledger.api;

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

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("Bad input is refused with a precise problem and changes nothing")
class BadInputTest {

  private static final String PROBLEM = "https://gridledger.io/problems/";
  private static final List<String> TABLES = List.of("site", "building", "floor", "unit", "tenant", "occupancy", "meter",
    "app_user", "api_key", "meter_command", "tariff", "tariff_version", "ledger_account", "ledger_transfer", "top_up",
    "bill_run", "invoice", "allocation_rule");

  private static TestBackend backend;
  private static ContractHttp http;
  private static TwoSites sites;
  private static String admin;
  private static String siteA;
  private static String floorA;

  @BeforeAll
  static void start() {
    // Billing without allocation or receivables, as a build before they are wired: its refusals are tested below.
    backend = TestBackend.start(new JsonObject(), app -> app.billingCollaborators(null, null, java.time.Clock.systemUTC()));
    http = ContractHttp.of(backend);
    sites = TwoSites.create(backend);
    admin = backend.login(TestBackend.ADMIN);
    siteA = "/sites/" + sites.a.get("site");
    floorA = sites.a.get("floor").toString();
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("a bill run with a bad period is refused naming the field")
  void badBillRuns() {
    String site = sites.a.get("site").toString();
    refused(400, "validation-failed", "/period", "createBillRun", "POST", "/bill-runs",
      new JsonObject().put("siteId", site).put("period", "2026-13"));
    refused(400, "validation-failed", null, "createBillRun", "POST", "/bill-runs",
      new JsonObject().put("siteId", site).put("period", "2026-10").put("currency", "EUR"));
    refused(422, "invalid-period", "/period", "createBillRun", "POST", "/bill-runs",
      new JsonObject().put("siteId", site).put("period", "2026-10").put("from", "2026-10-01"));
    refused(422, "invalid-period", "/period", "createBillRun", "POST", "/bill-runs", new JsonObject().put("siteId", site));
    refused(422, "invalid-period", "/to", "createBillRun", "POST", "/bill-runs",
      new JsonObject().put("siteId", site).put("from", "2026-10-01").put("to", "2026-10-01"));
    refused(422, "invalid-period", "/to", "createBillRun", "POST", "/bill-runs",
      new JsonObject().put("siteId", site).put("from", "2026-01-01").put("to", "2027-01-03"));
    refused(404, "not-found", null, "createBillRun", "POST", "/bill-runs",
      new JsonObject().put("siteId", UUID.randomUUID().toString()).put("period", "2026-10"));
    refused(400, "validation-failed", "status", "listInvoices", "GET", "/invoices?status=paid", null);
    refused(404, "not-found", null, "reRateInvoice", "POST", "/invoices/" + UUID.randomUUID() + "/re-rate", null);
    refused(404, "not-found", null, "finalizeBillRun", "POST", "/bill-runs/" + UUID.randomUUID() + "/finalize", null);
  }

  @Test
  @DisplayName("malformed JSON answers 400 malformed-json")
  void malformedJson() {
    Response r = unchanged(() -> http.call("createSite", "POST", "/sites", admin, "{\"name\": \"Broken\", ",
      "application/json", Map.of()));
    assertProblem(r, 400, "malformed-json", null);
    assertProblem(unchanged(() -> http.call("updateUnit", "PATCH", "/units/" + sites.a.get("unit1"), admin,
      "{'name': 'single quotes'}", "application/json", Map.of())), 400, "malformed-json", null);
  }

  @Test
  @DisplayName("a value of the wrong type answers 400 naming the field as a JSON pointer")
  void wrongTypes() {
    refused(400, "validation-failed", "/areaM2", "createUnit", "POST", siteA + "/units", unit("Typed").put("areaM2", "large"));
    refused(400, "validation-failed", "/level", "createFloor", "POST", "/buildings/" + sites.a.get("building") + "/floors",
      floor(5).put("level", "five"));
    refused(400, "validation-failed", "/criticalLoad", "updateMeter", "PATCH", "/meters/" + sites.a.get("meter1"),
      new JsonObject().put("criticalLoad", "yes"));
    refused(400, "validation-failed", "/footprint/1/0", "createBuilding", "POST", siteA + "/buildings",
      new JsonObject().put("name", "Typed").put("footprint", new JsonArray("[[0,0],[\"ten\",0],[10,10]]")));
  }

  @Test
  @DisplayName("an unknown enum value answers 400 naming the field")
  void unknownEnumValues() {
    refused(400, "validation-failed", "/use", "createUnit", "POST", siteA + "/units", unit("Enum").put("use", "spaceship"));
    refused(400, "validation-failed", "/kind", "createMeter", "POST", siteA + "/meters", meter("ENUM-1").put("kind", "plasma"));
    refused(400, "validation-failed", "/billingMode", "createTenant", "POST", siteA + "/tenants",
      new JsonObject().put("legalName", "Enum Ltd").put("billingMode", "barter"));
    refused(400, "validation-failed", "use", "listUnits", "GET", siteA + "/units?use=spaceship", null);
  }

  @Test
  @DisplayName("an overlong string answers 400 naming the field")
  void overlongStrings() {
    refused(400, "validation-failed", "/name", "createBuilding", "POST", siteA + "/buildings",
      new JsonObject().put("name", "n".repeat(201)));
    refused(400, "validation-failed", "/serial", "createMeter", "POST", siteA + "/meters", meter("S".repeat(65)));
    refused(400, "validation-failed", "/legalName", "updateTenant", "PATCH", "/tenants/" + sites.a.get("tenant1"),
      new JsonObject().put("legalName", "l".repeat(201)));
  }

  @Test
  @DisplayName("a property the contract does not define answers 400")
  void unknownProperties() {
    refused(400, "validation-failed", "/colour", "createSite", "POST", "/sites", new JsonObject().put("name", "Extra")
      .put("timeZone", "Europe/Berlin").put("currency", "EUR").put("colour", "red"));
    refused(400, "validation-failed", "/owner", "updateUnit", "PATCH", "/units/" + sites.a.get("unit1"),
      new JsonObject().put("name", "Extra").put("owner", "me"));
    JsonObject doc = TwoSites.document("Extra import", "Europe/Berlin", "e");
    doc.getJsonArray("buildings").getJsonObject(0).put("bogus", 1);
    refused(400, "validation-failed", "/buildings/0/bogus", "importSite", "POST", "/sites/import", doc);
  }

  @Test
  @DisplayName("a body over http.bodyLimitBytes answers 413 payload-too-large")
  void hugeBody() {
    try (TestBackend small = TestBackend.start(new JsonObject().put("http", new JsonObject().put("bodyLimitBytes", 2048)))) {
      ContractHttp smallHttp = ContractHttp.of(small);
      String token = small.login(TestBackend.ADMIN);
      JsonObject doc = TwoSites.document("Huge", "Europe/Berlin", "h");
      doc.getJsonObject("site").put("address", new JsonObject().put("line1", "x".repeat(190)));
      while (doc.encode().length() < 10_240) {
        doc.getJsonArray("tenants").add(doc.getJsonArray("tenants").getJsonObject(0).copy().put("key", "k" + doc.encode().length()));
      }
      Response r = smallHttp.call("importSite", "POST", "/sites/import", token, doc);
      assertProblem(r, 413, "payload-too-large", null);
      assertEquals(0, small.count("site"), "the huge import wrote a site");
      Response fits = smallHttp.call("createSite", "POST", "/sites", token, new JsonObject().put("name", "Small")
        .put("timeZone", "Europe/Berlin").put("currency", "EUR"));
      assertEquals(201, fits.status(), "a body under the limit is accepted: " + fits.text());
    }
  }

  @Test
  @DisplayName("zero or negative areas and heights answer 400 naming the field")
  void nonPositiveAreasAndHeights() {
    refused(400, "validation-failed", "/areaM2", "createUnit", "POST", siteA + "/units", unit("Negative").put("areaM2", -5));
    refused(400, "validation-failed", "/areaM2", "createUnit", "POST", siteA + "/units", unit("Zero").put("areaM2", 0));
    refused(400, "validation-failed", "/areaM2", "updateUnit", "PATCH", "/units/" + sites.a.get("unit1"),
      new JsonObject().put("areaM2", 0));
    refused(400, "validation-failed", "/heightM", "createFloor", "POST", "/buildings/" + sites.a.get("building") + "/floors",
      floor(6).put("heightM", -3));
    refused(400, "validation-failed", "/heightM", "updateFloor", "PATCH", "/floors/" + floorA, new JsonObject().put("heightM", 0));
  }

  @Test
  @DisplayName("a self-intersecting or degenerate polygon answers 422 invalid-geometry; one of 2 points answers 400")
  void badPolygons() {
    JsonArray bowTie = new JsonArray("[[0,0],[10,10],[10,0],[0,10]]");
    refused(422, "invalid-geometry", "/footprint", "createBuilding", "POST", siteA + "/buildings",
      new JsonObject().put("name", "Bow tie").put("footprint", bowTie));
    refused(422, "invalid-geometry", "/footprint", "updateUnit", "PATCH", "/units/" + sites.a.get("unit1"),
      new JsonObject().put("footprint", bowTie));
    refused(422, "invalid-geometry", "/footprint", "updateFloor", "PATCH", "/floors/" + floorA,
      new JsonObject().put("footprint", new JsonArray("[[0,0],[5,0],[10,0]]")));
    refused(400, "validation-failed", "/footprint", "createUnit", "POST", siteA + "/units",
      unit("Line").put("footprint", new JsonArray("[[0,0],[10,0]]")));
  }

  @Test
  @DisplayName("an occupancy overlapping another of the same unit answers 422 occupancy-overlap, all or none")
  void overlappingOccupancies() {
    String tenant2 = "/tenants/" + sites.a.get("tenant2") + "/occupancies";
    String unit1 = sites.a.get("unit1").toString();
    // unit1 is occupied by tenant1 from 2025-01-01, open-ended.
    refused(422, "occupancy-overlap", "/unitIds/0", "createOccupancies", "POST", tenant2, occupancy("2030-01-01", null, unit1));
    refused(422, "occupancy-overlap", "/unitIds/0", "createOccupancies", "POST", tenant2, occupancy("2024-06-01", "2025-01-01", unit1));
    refused(422, "occupancy-overlap", "/unitIds/1", "createOccupancies", "POST", tenant2,
      occupancy("2031-01-01", null, sites.a.get("common").toString(), unit1));
    Response before = call("createOccupancies", "POST", tenant2, occupancy("2024-01-01", "2024-12-31", unit1));
    assertEquals(201, before.status(), "the day before the open-ended occupancy is free: " + before.text());
  }

  @Test
  @DisplayName("a PATCH that would make two occupancies overlap, or end before it starts, answers 422")
  void overlapByPatch() {
    Response unit = call("createUnit", "POST", siteA + "/units", unit("Overlap lab"));
    assertEquals(201, unit.status(), unit.text());
    String unitId = unit.json().getString("id");
    String tenant2 = "/tenants/" + sites.a.get("tenant2") + "/occupancies";
    String first = firstId(call("createOccupancies", "POST", tenant2, occupancy("2020-01-01", "2020-12-31", unitId)));
    String second = firstId(call("createOccupancies", "POST", tenant2, occupancy("2021-01-01", "2021-12-31", unitId)));
    refused(422, "occupancy-overlap", "/fromDate", "updateOccupancy", "PATCH", "/occupancies/" + second,
      new JsonObject().put("fromDate", "2020-12-31"));
    refused(422, "occupancy-overlap", "/fromDate", "updateOccupancy", "PATCH", "/occupancies/" + first,
      new JsonObject().putNull("toDate"));
    refused(422, "invalid-period", "/toDate", "updateOccupancy", "PATCH", "/occupancies/" + first,
      new JsonObject().put("toDate", "2019-12-31"));
    refused(422, "invalid-period", "/toDate", "updateOccupancy", "PATCH", "/occupancies/" + second,
      new JsonObject().put("fromDate", "2022-01-01"));
    refused(422, "invalid-period", "/toDate", "createOccupancies", "POST", tenant2,
      occupancy("2030-05-01", "2030-04-30", sites.a.get("common").toString()));
  }

  @Test
  @DisplayName("a meter tree cycle answers 422 meter-cycle; a parent on another site answers 422 invalid-reference")
  void meterTree() {
    String p = created("createMeter", siteA + "/meters", meter("TREE-P"));
    String c = created("createMeter", siteA + "/meters", meter("TREE-C").put("parentMeterId", p));
    String d = created("createMeter", siteA + "/meters", meter("TREE-D").put("parentMeterId", c));
    refused(422, "meter-cycle", "/parentMeterId", "updateMeter", "PATCH", "/meters/" + p, new JsonObject().put("parentMeterId", c));
    refused(422, "meter-cycle", "/parentMeterId", "updateMeter", "PATCH", "/meters/" + p, new JsonObject().put("parentMeterId", d));
    refused(422, "meter-cycle", "/parentMeterId", "updateMeter", "PATCH", "/meters/" + c, new JsonObject().put("parentMeterId", c));
    String otherSite = sites.b.get("mainMeter").toString();
    refused(422, "invalid-reference", "/parentMeterId", "createMeter", "POST", siteA + "/meters",
      meter("TREE-X").put("parentMeterId", otherSite));
    refused(422, "invalid-reference", "/parentMeterId", "updateMeter", "PATCH", "/meters/" + d,
      new JsonObject().put("parentMeterId", otherSite));
  }

  @Test
  @DisplayName("a unit, floor or building of another site as a reference answers 422 invalid-reference")
  void crossSiteReferences() {
    refused(422, "invalid-reference", "/floorId", "createUnit", "POST", siteA + "/units",
      unit("Elsewhere").put("floorId", sites.b.get("floor").toString()));
    refused(422, "invalid-reference", "/unitId", "createMeter", "POST", siteA + "/meters",
      meter("CROSS-1").put("unitId", sites.b.get("unit1").toString()));
    refused(422, "invalid-reference", "/unitId", "updateMeter", "PATCH", "/meters/" + sites.a.get("meter1"),
      new JsonObject().put("unitId", sites.b.get("unit1").toString()));
    refused(422, "invalid-reference", "/buildingId", "updateMeter", "PATCH", "/meters/" + sites.a.get("meter1"),
      new JsonObject().put("buildingId", sites.b.get("building").toString()));
    refused(422, "invalid-reference", "/unitIds/0", "createOccupancies", "POST",
      "/tenants/" + sites.a.get("tenant2") + "/occupancies", occupancy("2032-01-01", null, sites.b.get("unit2").toString()));
  }

  @Test
  @DisplayName("a serial used twice on one site answers 409, and is free on another site")
  void duplicateSerial() {
    refused(409, "duplicate", null, "createMeter", "POST", siteA + "/meters", meter("A-M1"));
    Map<String, String> before = snapshot();
    assertEquals(201, call("createMeter", "POST", "/sites/" + sites.b.get("site") + "/meters", meter("A-M1")).status());
    assertNotEquals(before.get("meter"), snapshot().get("meter"), "the snapshot must see a successful write");
  }

  @Test
  @DisplayName("deleting a site, building, floor, unit, tenant or meter that still has dependents answers 409 has-dependents")
  void deletingWithDependents() {
    refused(409, "has-dependents", null, "deleteSite", "DELETE", siteA, null);
    refused(409, "has-dependents", null, "deleteBuilding", "DELETE", "/buildings/" + sites.a.get("building"), null);
    refused(409, "has-dependents", null, "deleteFloor", "DELETE", "/floors/" + floorA, null);
    refused(409, "has-dependents", null, "deleteUnit", "DELETE", "/units/" + sites.a.get("unit1"), null);
    refused(409, "has-dependents", null, "deleteTenant", "DELETE", "/tenants/" + sites.a.get("tenant1"), null);
    refused(409, "has-dependents", null, "deleteMeter", "DELETE", "/meters/" + sites.a.get("mainMeter"), null);
  }

  @Test
  @DisplayName("a cursor the API did not issue for this listing, or an unknown sort, answers 400")
  void invalidCursorAndSort() {
    refused(400, "invalid-cursor", "cursor", "listSites", "GET", "/sites?cursor=!!!", null);
    refused(400, "invalid-cursor", "cursor", "listSites", "GET", "/sites?cursor=" + b64("not json"), null);
    refused(400, "invalid-cursor", "cursor", "listSites", "GET", "/sites?cursor=" + b64("[\"Site A\",\"not-a-uuid\"]"), null);
    refused(400, "validation-failed", "sort", "listSites", "GET", "/sites?sort=colour", null);
    refused(400, "validation-failed", "sort", "listUnits", "GET", siteA + "/units?sort=headcount", null);
  }

  @Test
  @DisplayName("a cursor reused with another sort order answers 400 invalid-cursor")
  void cursorReusedWithAnotherSort() {
    String sitesByName = call("listSites", "GET", "/sites?limit=1&sort=name", null).json().getString("nextCursor");
    String unitsByName = call("listUnits", "GET", siteA + "/units?limit=1&sort=name", null).json().getString("nextCursor");
    assertNotNull(sitesByName, "one site per page: there is a next page");
    assertNotNull(unitsByName, "one unit per page: there is a next page");
    // A client that keeps the cursor but changes the sort: the cursor's key (a name) is not a timestamp or a number.
    Response sites = unchanged(() -> http.call(null, "GET", "/sites?limit=1&sort=createdAt&cursor=" + sitesByName, admin,
      null, "application/json", Map.of()));
    Response units = unchanged(() -> http.call(null, "GET", siteA + "/units?limit=1&sort=areaM2&cursor=" + unitsByName, admin,
      null, "application/json", Map.of()));
    // A cursor names the sort it was made for; under another sort it is refused, never cast to the wrong type.
    assertEquals(List.of("400 " + PROBLEM + "invalid-cursor", "400 " + PROBLEM + "invalid-cursor"),
      List.of(sites.status() + " " + sites.json().getString("type"), units.status() + " " + units.json().getString("type")),
      () -> "listSites: " + sites.text() + "\nlistUnits: " + units.text());
    http.check("listSites", sites);
    http.check("listUnits", units);
  }

  @Test
  @DisplayName("an unknown time zone or currency answers 422; a currency not of 3 capitals answers 400")
  void badTimeZoneAndCurrency() {
    JsonObject site = new JsonObject().put("name", "Zoned").put("timeZone", "Europe/Berlin").put("currency", "EUR");
    refused(422, "invalid-time-zone", "/timeZone", "createSite", "POST", "/sites", site.copy().put("timeZone", "Mars/Olympus_Mons"));
    refused(422, "invalid-currency", "/currency", "createSite", "POST", "/sites", site.copy().put("currency", "ZZZ"));
    refused(400, "validation-failed", "/currency", "createSite", "POST", "/sites", site.copy().put("currency", "eur"));
    refused(422, "invalid-time-zone", "/timeZone", "updateSite", "PATCH", siteA, new JsonObject().put("timeZone", "Not/A_Zone"));
    refused(422, "invalid-currency", "/currency", "updateSite", "PATCH", siteA, new JsonObject().put("currency", "ZZZ"));
  }

  @Test
  @DisplayName("a site import with a broken reference, key, cycle or overlap answers 422 with the pointer and writes nothing")
  void badImports() {
    badImport(422, "duplicate-key", "/buildings/0/floors/0/units/1/key", d -> unitAt(d, 1).put("key", "x-U1"));
    badImport(422, "duplicate-key", "/buildings/0/floors/0/key", d -> floorAt(d).put("key", "x-B"));
    badImport(422, "invalid-reference", "/tenants/0/occupancies/0/unitKey", d -> occupancyAt(d, 0, 0).put("unitKey", "x-nowhere"));
    badImport(422, "invalid-reference", "/tenants/0/occupancies/0/unitKey", d -> occupancyAt(d, 0, 0).put("unitKey", "x-L0"));
    badImport(422, "invalid-reference", "/meters/1/parentSerial", d -> meterAt(d, 1).put("parentSerial", "NOPE"));
    badImport(422, "invalid-reference", "/meters/1/locationKey", d -> meterAt(d, 1).put("locationKey", "x-nowhere"));
    badImport(422, "meter-cycle", "/meters/0/parentSerial", d -> meterAt(d, 0).put("parentSerial", "X-M1"));
    badImport(422, "meter-cycle", "/meters/0/parentSerial", d -> meterAt(d, 0).put("parentSerial", "X-MAIN"));
    badImport(422, "duplicate", "/meters/2/serial", d -> meterAt(d, 2).put("serial", "X-M1"));
    badImport(422, "occupancy-overlap", "/tenants/1/occupancies/1", d -> d.getJsonArray("tenants").getJsonObject(1)
      .getJsonArray("occupancies").add(new JsonObject().put("unitKey", "x-U1").put("fromDate", "2025-06-01").put("toDate", "2025-12-31")));
    badImport(422, "invalid-period", "/tenants/0/occupancies/0/toDate", d -> occupancyAt(d, 0, 0).put("toDate", "2024-12-31"));
    badImport(422, "incomplete-binding", "/meters/0/binding/host", d -> meterAt(d, 0)
      .put("binding", new JsonObject().put("protocol", "modbus").put("port", 502).put("unitId", 1)));
    badImport(422, "invalid-geometry", "/buildings/0/floors/0/units/2/footprint", d -> unitAt(d, 2)
      .put("footprint", new JsonArray("[[0,0],[10,10],[10,0],[0,10]]")));
    badImport(422, "invalid-time-zone", "/site/timeZone", d -> d.getJsonObject("site").put("timeZone", "Atlantis/Capital"));
    // Found only by the database, after the site row was written: the transaction must roll the site back.
    badImport(409, "duplicate", null, d -> d.getJsonArray("buildings").add(new JsonObject().put("key", "x-B2").put("name", "Main building")));
  }

  @Test
  @DisplayName("a modbus binding without host answers 422 incomplete-binding")
  void incompleteBinding() {
    refused(422, "incomplete-binding", "/binding/host", "createMeter", "POST", siteA + "/meters",
      meter("MODBUS-1").put("binding", new JsonObject().put("protocol", "modbus").put("port", 502).put("unitId", 1)));
    refused(422, "incomplete-binding", "/binding/nodeId", "updateMeter", "PATCH", "/meters/" + sites.a.get("meter1"),
      new JsonObject().put("binding", new JsonObject().put("protocol", "opcua").put("endpointUrl", "opc.tcp://plc:4840")));
  }

  @Test
  @DisplayName("a body sent as text/plain answers a 4xx problem, not 500")
  void wrongContentType() {
    String json = new JsonObject().put("name", "Plain").put("timeZone", "Europe/Berlin").put("currency", "EUR").encode();
    Response r = unchanged(() -> http.call("createSite", "POST", "/sites", admin, json, "text/plain", Map.of()));
    assertProblem(r, 400, "validation-failed", "body");
    assertProblem(unchanged(() -> http.call("createSite", "POST", "/sites", admin, "<site/>", "application/xml", Map.of())),
      400, "validation-failed", "body");
  }

  @Test
  @DisplayName("a path id that is not a UUID answers 400 naming the parameter")
  void pathIdNotUuid() {
    refused(400, "validation-failed", "siteId", "getSite", "GET", "/sites/not-a-uuid", null);
    refused(400, "validation-failed", "unitId", "updateUnit", "PATCH", "/units/42", new JsonObject().put("name", "X"));
  }

  @Test
  @DisplayName("a relay command without a reason or with an unknown action answers 400; one for a meter without a relay "
    + "answers 422 no-relay, and cutting off a critical load without override 422 critical-load")
  void badRelayCommands() {
    String commands = "/meters/" + sites.a.get("meter1") + "/commands";
    JsonObject open = new JsonObject().put("action", "open").put("reason", "Unpaid");
    refused(400, "validation-failed", "/", "createMeterCommand", "POST", commands, new JsonObject().put("action", "open"));
    refused(400, "validation-failed", "/reason", "createMeterCommand", "POST", commands, open.copy().put("reason", "  "));
    refused(400, "validation-failed", "/reason", "createMeterCommand", "POST", commands,
      open.copy().put("reason", "r".repeat(501)));
    refused(400, "validation-failed", "/action", "createMeterCommand", "POST", commands, open.copy().put("action", "toggle"));
    refused(400, "validation-failed", "/force", "createMeterCommand", "POST", commands, open.copy().put("force", true));
    refused(400, "validation-failed", "/overrideCriticalLoad", "createMeterCommand", "POST", commands,
      open.copy().put("overrideCriticalLoad", "yes"));
    refused(400, "validation-failed", "commandId", "getCommand", "GET", "/commands/42", null);

    String manual = created("createMeter", siteA + "/meters", meter("RELAY-MANUAL"));
    refused(422, "no-relay", null, "createMeterCommand", "POST", "/meters/" + manual + "/commands", open);
    String noCoil = created("createMeter", siteA + "/meters", meter("RELAY-NO-MAP").put("binding", new JsonObject()
      .put("protocol", "modbus").put("host", "127.0.0.1").put("port", 502).put("unitId", 9)));
    refused(422, "no-relay", null, "createMeterCommand", "POST", "/meters/" + noCoil + "/commands", open);
    String critical = created("createMeter", siteA + "/meters", meter("RELAY-CRITICAL").put("criticalLoad", true)
      .put("binding", new JsonObject().put("protocol", "mqtt").put("gateway", "gw-1")));
    refused(422, "critical-load", "/overrideCriticalLoad", "createMeterCommand", "POST", "/meters/" + critical
      + "/commands", open);
    refused(422, "critical-load", "/overrideCriticalLoad", "createMeterCommand", "POST", "/meters/" + critical
      + "/commands", open.copy().put("overrideCriticalLoad", false));
  }

  @Test
  @DisplayName("top-ups, adjustments, statements, the trial balance and webhooks refuse bad input precisely and write nothing")
  void ledgerInput() {
    String wallet = call("listTenantAccounts", "GET", "/tenants/" + sites.a.get("tenant1") + "/accounts", null)
      .json().getJsonArray("items").getJsonObject(0).getString("id");
    String topUps = "/accounts/" + wallet + "/top-ups";
    String adjustments = "/accounts/" + wallet + "/adjustments";
    JsonObject cash = new JsonObject().put("amountMinor", 1000).put("provider", "cash");
    refusedWith(400, "validation-failed", "Idempotency-Key", "createTopUp", topUps, cash, Map.of());
    refusedWith(400, "validation-failed", "Idempotency-Key", "createTopUp", topUps, cash, Map.of("Idempotency-Key", ""));
    refusedWith(400, "validation-failed", "/amountMinor", "createTopUp", topUps, cash.copy().put("amountMinor", 0), key());
    refusedWith(400, "validation-failed", "/amountMinor", "createTopUp", topUps, cash.copy().put("amountMinor", "ten"), key());
    refusedWith(400, "validation-failed", "/amountMinor", "createTopUp", topUps, cash.copy().put("amountMinor", 100_000_001), key());
    refusedWith(400, "validation-failed", "/provider", "createTopUp", topUps, cash.copy().put("provider", "paypal"), key());
    refusedWith(400, "validation-failed", "/tip", "createTopUp", topUps, cash.copy().put("tip", 5), key());
    refusedWith(422, "provider-unavailable", "/provider", "createTopUp", topUps, cash.copy().put("provider", "sandbox"), key());
    refusedWith(422, "provider-unavailable", "/provider", "createTopUp", topUps, cash.copy().put("provider", "stripe"), key());
    JsonObject adjustment = new JsonObject().put("amountMinor", 100).put("reason", "goodwill");
    refusedWith(400, "validation-failed", "Idempotency-Key", "createAdjustment", adjustments, adjustment, Map.of());
    refusedWith(400, "validation-failed", "/reason", "createAdjustment", adjustments, adjustment.copy().put("reason", ""), key());
    refusedWith(400, "validation-failed", "/amountMinor", "createAdjustment", adjustments,
      adjustment.copy().put("amountMinor", 1.5), key());
    refusedWith(422, "invalid-adjustment", "/reason", "createAdjustment", adjustments, adjustment.copy().put("reason", " \t "), key());
    refusedWith(422, "invalid-adjustment", "/amountMinor", "createAdjustment", adjustments,
      adjustment.copy().put("amountMinor", 0), key());
    refused(400, "invalid-cursor", "cursor", "listAccountTransactions", "GET", "/accounts/" + wallet + "/transactions?cursor="
      + b64("seq:many"), null);
    refused(400, "validation-failed", "accountId", "getAccount", "GET", "/accounts/42", null);
    refused(400, "validation-failed", "siteId", "getTrialBalance", "GET", "/finance/trial-balance?siteId=everywhere", null);
    Response notJson = unchanged(() -> http.call("receiveStripeWebhook", "POST", "/payments/webhooks/stripe", null,
      "{\"id\": ", "application/json", Map.of("Stripe-Signature", "t=1,v1=00")));
    assertProblem(notJson, 400, "malformed-json", null);
    Response unsigned = unchanged(() -> http.call("receiveStripeWebhook", "POST", "/payments/webhooks/stripe", null,
      "{\"id\": \"evt_1\", \"type\": \"checkout.session.completed\"}", "application/json", Map.of()));
    assertProblem(unsigned, 401, "unauthorized", null);
  }

  @Test
  @DisplayName("payments, refunds, reversals, statements and finance views refuse bad input precisely and write nothing")
  void postpaidInput() {
    String payments = "/tenants/" + sites.a.get("tenant2") + "/payments";
    JsonObject pay = new JsonObject().put("amountMinor", 1000).put("method", "cash");
    // A first, valid payment opens the ledger accounts payments use, so refusals below must leave every table as is.
    assertEquals(201, http.call("createTenantPayment", "POST", payments, admin, pay.encode(), "application/json", key())
      .status());
    refusedWith(400, "validation-failed", "Idempotency-Key", "createTenantPayment", payments, pay, Map.of());
    refusedWith(400, "validation-failed", "/amountMinor", "createTenantPayment", payments, pay.copy().put("amountMinor", 0), key());
    refusedWith(400, "validation-failed", "/method", "createTenantPayment", payments, pay.copy().put("method", "cheque"), key());
    refusedWith(400, "validation-failed", "/receivedOn", "createTenantPayment", payments,
      pay.copy().put("receivedOn", "yesterday"), key());
    refusedWith(400, "validation-failed", "/tip", "createTenantPayment", payments, pay.copy().put("tip", 1), key());
    refusedWith(422, "invalid-allocation", "/invoiceIds", "createTenantPayment", payments,
      pay.copy().put("invoiceIds", new JsonArray().add(UUID.randomUUID().toString())), key());
    String refunds = "/payments/" + UUID.randomUUID() + "/refunds";
    refusedWith(404, "not-found", null, "createPaymentRefund", refunds,
      new JsonObject().put("amountMinor", 1).put("reason", "none"), key());
    refused(400, "validation-failed", "paymentId", "getPayment", "GET", "/payments/42", null);
    refused(400, "validation-failed", "from", "getTenantStatement", "GET", "/tenants/" + sites.a.get("tenant2")
      + "/statement?from=May", null);
    refused(422, "invalid-period", "to", "getTenantStatement", "GET", "/tenants/" + sites.a.get("tenant2")
      + "/statement?from=2026-05-01&to=2026-04-01", null);
    refused(400, "validation-failed", "siteId", "getFinanceOverview", "GET", "/finance/overview", null);
    refused(400, "validation-failed", "accountKind", "listFinanceTransactions", "GET", "/finance/transactions?siteId="
      + sites.a.get("site") + "&accountKind=piggy_bank", null);
    refused(400, "invalid-cursor", "cursor", "listFinanceTransactions", "GET", "/finance/transactions?siteId="
      + sites.a.get("site") + "&cursor=" + b64("tx:yesterday"), null);
  }

  private static Map<String, String> key() {
    return Map.of("Idempotency-Key", UUID.randomUUID().toString());
  }

  /** A POST as admin with the given headers: asserts the problem and that the database is unchanged. */
  private static void refusedWith(int status, String slug, String field, String operationId, String path, JsonObject body,
                                  Map<String, String> headers) {
    Response r = unchanged(() -> http.call(operationId, "POST", path, admin, body.encode(), "application/json", headers));
    assertProblem(r, status, slug, field);
  }

  @Test
  @DisplayName("a bad allocation rule answers 400/422 naming the field; a version dated at or before the latest 409")
  void badAllocationRules() {
    String path = siteA + "/allocation-rules";
    String meter = sites.a.get("mainMeter").toString();
    JsonObject fixed = new JsonObject().put("meterId", meter).put("kind", "fixed").put("effectiveFrom", "2026-01-01");
    refused(400, "validation-failed", "/kind", "createAllocationRule", "POST", path, fixed.copy().put("kind", "guess"));
    refused(400, "validation-failed", "/params/shares/0/percent", "createAllocationRule", "POST", path, fixed.copy()
      .put("params", new JsonObject().put("shares", new JsonArray().add(new JsonObject()
        .put("unitId", sites.a.get("unit1").toString()).put("percent", "ninety")))));
    refused(422, "invalid-shares", "/params/shares", "createAllocationRule", "POST", path, fixed.copy()
      .put("params", new JsonObject().put("shares", new JsonArray()
        .add(new JsonObject().put("unitId", sites.a.get("unit1").toString()).put("percent", "60"))
        .add(new JsonObject().put("unitId", sites.a.get("unit2").toString()).put("percent", "30.5")))));
    refused(422, "invalid-reference", "/params", "createAllocationRule", "POST", path, fixed.copy().put("kind", "area")
      .put("params", new JsonObject().put("units", new JsonArray().add(sites.b.get("unit1").toString()))));
    refused(422, "invalid-reference", "/meterId", "createAllocationRule", "POST", path, fixed.copy().put("kind", "area")
      .put("meterId", sites.b.get("meter1").toString()));
    refused(422, "invalid-period", "/to", "getSiteAllocatedUsage", "GET", siteA + "/allocated-usage?from=2026-02-01"
      + "&to=2026-02-01", null);
    refused(422, "invalid-period", "/to", "getConsumptionReport", "GET", "/reports/consumption?site="
      + sites.a.get("site") + "&from=2026-01-01&to=2028-01-01", null);
    refused(400, "validation-failed", "from", "getSiteAllocatedUsage", "GET", siteA + "/allocated-usage?from=yesterday"
      + "&to=2026-02-01", null);
    Response first = http.call("createAllocationRule", "POST", path, admin, fixed.copy().put("kind", "area")
      .put("effectiveFrom", "2026-02-01"));
    assertEquals(201, first.status(), first.text());
    refused(409, "past-rule-version", null, "createAllocationRule", "POST", path, fixed.copy().put("kind", "headcount")
      .put("effectiveFrom", "2026-01-15"));
    refused(409, "past-rule-version", null, "createAllocationRule", "POST", path, fixed.copy().put("kind", "headcount")
      .put("effectiveFrom", "2026-02-01"));
  }

  // --- helpers ---

  /** Calls as admin, asserts the problem and that the database is unchanged. */
  @Test
  @DisplayName("a bad tariff document answers 422 invalid-tariff with the JSON pointer of the field; bad references 422")
  void badTariffs() {
    String path = siteA + "/tariffs";
    JsonObject tou = new JsonObject("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR",
       "schedules": [{"id": "tou", "periods": ["peak", "offpeak"], "defaultPeriod": "offpeak",
         "windows": [{"period": "peak", "dayTypes": ["weekday"], "from": "08:00", "to": "20:00"}]}],
       "components": [{"id": "energy", "kind": "energy", "rates": {"peak": "0.30", "offpeak": "0.20"}}]}""");
    JsonObject badWindow = tou.copy();
    badWindow.getJsonArray("schedules").getJsonObject(0).getJsonArray("windows").getJsonObject(0).put("to", "8 pm");
    refused(422, "invalid-tariff", "/document/schedules/0/windows/0/to", "createTariff", "POST", path,
      tariffBody(badWindow));
    JsonObject unknownPeriod = tou.copy();
    unknownPeriod.getJsonArray("components").getJsonObject(0).getJsonObject("rates").put("shoulder", "0.25");
    refused(422, "invalid-tariff", "/document/components/0/rates/shoulder", "createTariff", "POST", path,
      tariffBody(unknownPeriod));
    JsonObject negativeTier = new JsonObject("""
      {"utility": "water", "unit": "m3", "currency": "EUR", "components": [{"id": "w", "kind": "energy",
        "tiers": [{"upTo": "-5", "rate": "1.90"}, {"rate": "2.60"}]}]}""");
    refused(422, "invalid-tariff", "/document/components/0/tiers/0/upTo", "createTariff", "POST", path,
      tariffBody(negativeTier));
    refused(400, "validation-failed", "/document/utility", "createTariff", "POST", path,
      tariffBody(tou.copy().put("utility", "steam")));
    refused(400, "validation-failed", "/effectiveFrom", "createTariff", "POST", path,
      tariffBody(tou).put("effectiveFrom", "2026-02-30"));
    refused(422, "invalid-reference", "/assignments/0/tariffId", "putTenantTariffs", "PUT",
      "/tenants/" + sites.a.get("tenant1") + "/tariffs", new JsonObject().put("assignments", new JsonArray()
        .add(new JsonObject().put("utility", "water").put("tariffId", UUID.randomUUID().toString())
          .put("effectiveFrom", "2026-01-01"))));
    refused(400, "validation-failed", "/holidays/0/date", "putSiteHolidays", "PUT", siteA + "/holidays",
      new JsonObject().put("holidays", new JsonArray().add(new JsonObject().put("date", "Christmas").put("name", "X"))));
    Response tariff = http.call("createTariff", "POST", path, admin, tariffBody(tou));
    assertEquals(201, tariff.status(), tariff.text());
    String quote = "/tariffs/" + tariff.json().getString("id") + "/quote";
    refused(422, "invalid-period", "/to", "quoteTariff", "POST", quote, new JsonObject()
      .put("meterId", sites.a.get("meter1").toString()).put("from", "2026-11-01").put("to", "2026-10-01"));
    refused(400, "validation-failed", "/from", "quoteTariff", "POST", quote, new JsonObject()
      .put("meterId", sites.a.get("meter1").toString()).put("from", "November").put("to", "2026-10-01"));
    refused(400, "validation-failed", "format", "importTariff", "POST", "/tariffs/import?format=csv&siteId="
      + sites.a.get("site"), new JsonObject());
  }

  private static JsonObject tariffBody(JsonObject document) {
    return new JsonObject().put("name", "Bad " + UUID.randomUUID()).put("effectiveFrom", "2026-01-01")
      .put("document", document);
  }

  private static void refused(int status, String slug, String field, String operationId, String method, String path, Object body) {
    Response r = unchanged(() -> http.call(operationId, method, path, admin, body));
    assertProblem(r, status, slug, field);
  }

  private static void badImport(int status, String slug, String field, Consumer<JsonObject> breakIt) {
    JsonObject doc = TwoSites.document("Import " + UUID.randomUUID(), "Europe/Berlin", "x");
    breakIt.accept(doc);
    long sitesBefore = backend.count("site");
    refused(status, slug, field, "importSite", "POST", "/sites/import", doc);
    assertEquals(sitesBefore, backend.count("site"), "a refused import left a site behind");
  }

  private static Response call(String operationId, String method, String path, Object body) {
    return http.call(operationId, method, path, admin, body);
  }

  private static String created(String operationId, String path, JsonObject body) {
    Response r = call(operationId, "POST", path, body);
    assertEquals(201, r.status(), r.text());
    return r.json().getString("id");
  }

  private static String firstId(Response r) {
    assertEquals(201, r.status(), r.text());
    return ((JsonArray) r.body()).getJsonObject(0).getString("id");
  }

  private static Response unchanged(Supplier<Response> call) {
    Map<String, String> before = snapshot();
    Response r = call.get();
    assertEquals(before, snapshot(), () -> "a refused request changed the database; it answered " + r.status() + " " + r.text());
    return r;
  }

  private static Map<String, String> snapshot() {
    Map<String, String> out = new TreeMap<>();
    for (String table : TABLES) {
      out.put(table, backend.rows("SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) "
        + "AS h FROM " + table + " t").getJsonObject(0).getString("h"));
    }
    return out;
  }

  private static void assertProblem(Response r, int status, String slug, String field) {
    assertEquals(status, r.status(), () -> "answered " + r.status() + ": " + r.text());
    assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
    assertEquals(PROBLEM + slug, r.json().getString("type"), r::text);
    if (field != null) {
      JsonArray errors = r.json().getJsonArray("errors", new JsonArray());
      assertTrue(errors.stream().anyMatch(e -> field.equals(((JsonObject) e).getString("field"))),
        () -> "no error names " + field + ": " + r.text());
    }
  }

  private static JsonObject unit(String name) {
    return new JsonObject().put("floorId", floorA).put("name", name).put("areaM2", 20).put("use", "office")
      .put("footprint", TwoSites.rect(0, 10, 5, 14));
  }

  private static JsonObject floor(int level) {
    return new JsonObject().put("level", level).put("name", "Level " + level).put("elevationM", level * 3.5)
      .put("heightM", 3.5).put("footprint", TwoSites.rect(0, 0, 30, 10));
  }

  private static JsonObject meter(String serial) {
    return new JsonObject().put("serial", serial).put("kind", "electricity")
      .put("registers", new JsonArray().add(new JsonObject().put("name", "energy_active_import").put("unit", "kWh")))
      .put("binding", new JsonObject().put("protocol", "manual"));
  }

  private static JsonObject occupancy(String from, String to, String... unitIds) {
    JsonObject body = new JsonObject().put("unitIds", new JsonArray(List.of((Object[]) unitIds))).put("fromDate", from);
    return to == null ? body : body.put("toDate", to);
  }

  private static JsonObject floorAt(JsonObject doc) {
    return doc.getJsonArray("buildings").getJsonObject(0).getJsonArray("floors").getJsonObject(0);
  }

  private static JsonObject unitAt(JsonObject doc, int i) {
    return floorAt(doc).getJsonArray("units").getJsonObject(i);
  }

  private static JsonObject occupancyAt(JsonObject doc, int tenant, int i) {
    return doc.getJsonArray("tenants").getJsonObject(tenant).getJsonArray("occupancies").getJsonObject(i);
  }

  private static JsonObject meterAt(JsonObject doc, int i) {
    return doc.getJsonArray("meters").getJsonObject(i);
  }

  private static String b64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
