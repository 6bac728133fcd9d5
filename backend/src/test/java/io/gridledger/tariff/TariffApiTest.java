package io.gridledger.tariff;

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

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("Tariffs over HTTP: versions, assignments, holidays, URDB import, and who may see what")
class TariffApiTest {

  static final String PROBLEM = "https://gridledger.io/problems/";

  static TestBackend backend;
  static ContractHttp http;
  static TwoSites sites;
  static String admin;
  static String operatorA;
  static String tenantA1;
  static String tenantA2;

  @BeforeAll
  static void start() {
    backend = TestBackend.start();
    http = ContractHttp.of(backend);
    sites = TwoSites.create(backend);
    admin = backend.login(TestBackend.ADMIN);
    operatorA = backend.login("operator-a");
    tenantA1 = backend.login("tenant-a1");
    tenantA2 = backend.login("tenant-a2");
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  static JsonObject flat(String rate) {
    return new JsonObject().put("utility", "electricity").put("unit", "kWh").put("currency", "EUR")
      .put("components", new JsonArray().add(new JsonObject().put("id", "energy").put("kind", "energy").put("rate", rate)));
  }

  static Response call(String op, String method, String path, String token, Object body) {
    return http.call(op, method, path, token, body);
  }

  static void assertProblem(Response r, int status, String slug, String field) {
    assertEquals(status, r.status(), r.text());
    assertEquals(PROBLEM + slug, r.json().getString("type"), r.text());
    if (field != null) {
      assertEquals(field, r.json().getJsonArray("errors").getJsonObject(0).getString("field"), r.text());
    }
  }

  static String createTariff(String token, String name, JsonObject document) {
    Response r = call("createTariff", "POST", "/sites/" + sites.a.get("site") + "/tariffs", token,
      new JsonObject().put("name", name).put("effectiveFrom", "2026-01-01").put("document", document));
    assertEquals(201, r.status(), r.text());
    return r.json().getString("id");
  }

  @Test
  @DisplayName("an operator creates and versions a tariff and assigns it; only the assigned tenant can read it")
  void lifecycleAndVisibility() {
    String id = createTariff(operatorA, "Office power " + UUID.randomUUID(), flat(0.2815 + ""));
    Response v2 = call("createTariffVersion", "POST", "/tariffs/" + id + "/versions", operatorA,
      new JsonObject().put("effectiveFrom", "2026-07-01").put("document", flat("0.2990")));
    assertEquals(201, v2.status(), v2.text());
    JsonArray versions = v2.json().getJsonArray("versions");
    assertEquals(List.of(1, 2), versions.stream().map(v -> ((JsonObject) v).getInteger("versionNumber")).toList());
    assertEquals("0.2815", versions.getJsonObject(0).getJsonObject("document").getJsonArray("components")
      .getJsonObject(0).getString("rate"), "rates are stored as exact decimal strings");
    assertProblem(call("createTariffVersion", "POST", "/tariffs/" + id + "/versions", operatorA,
      new JsonObject().put("effectiveFrom", "2026-07-01").put("document", flat("0.3"))), 409, "duplicate", null);

    assertProblem(call("getTariff", "GET", "/tariffs/" + id, tenantA1, null), 404, "not-found", null);
    UUID tenant1 = sites.a.get("tenant1");
    Response assigned = call("putTenantTariffs", "PUT", "/tenants/" + tenant1 + "/tariffs", operatorA, new JsonObject()
      .put("assignments", new JsonArray().add(new JsonObject().put("utility", "electricity").put("tariffId", id)
        .put("effectiveFrom", "2026-01-01"))));
    assertEquals(200, assigned.status(), assigned.text());
    assertEquals(200, call("getTariff", "GET", "/tariffs/" + id, tenantA1, null).status());
    assertProblem(call("getTariff", "GET", "/tariffs/" + id, tenantA2, null), 404, "not-found", null);
    assertEquals(List.of(id), ids(call("listTariffs", "GET", "/sites/" + sites.a.get("site") + "/tariffs", tenantA1, null)));
    assertEquals(List.of(), ids(call("listTariffs", "GET", "/sites/" + sites.a.get("site") + "/tariffs", tenantA2, null)));
    assertEquals(1, call("getTenantTariffs", "GET", "/tenants/" + tenant1 + "/tariffs", tenantA1, null).json()
      .getJsonArray("assignments").size());
    assertProblem(call("createTariffVersion", "POST", "/tariffs/" + id + "/versions", tenantA1,
      new JsonObject().put("effectiveFrom", "2027-01-01").put("document", flat("0.1"))), 403, "forbidden", null);
    assertProblem(call("deleteTariff", "DELETE", "/tariffs/" + id, operatorA, null), 409, "has-dependents", null);

    TariffStore store = new TariffStore(backend.pool());
    List<TariffStore.TariffAssignment> inJuly = store.assignmentsFor(sites.a.get("site"), LocalDate.of(2026, 7, 1),
      LocalDate.of(2026, 8, 1)).await();
    assertEquals(List.of(new TariffStore.TariffAssignment(tenant1, "electricity", UUID.fromString(id),
      LocalDate.of(2026, 1, 1))), inJuly);
    List<TariffStore.TariffVersionRef> midJune = store.versionsFor(UUID.fromString(id), LocalDate.of(2026, 6, 15),
      LocalDate.of(2026, 7, 15)).await();
    assertEquals(List.of(1, 2), midJune.stream().map(TariffStore.TariffVersionRef::versionNumber).toList());
    assertEquals(List.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 7, 1)),
      midJune.stream().map(TariffStore.TariffVersionRef::effectiveFrom).toList());
    assertEquals(1, store.versionsFor(UUID.fromString(id), LocalDate.of(2026, 8, 1), LocalDate.of(2026, 9, 1)).await().size());
  }

  @Test
  @DisplayName("an invalid document answers 422 invalid-tariff with the JSON pointer of the bad field, and writes nothing")
  void invalidDocuments() {
    long before = backend.count("tariff");
    JsonObject badRate = flat("cheap");
    assertProblem(call("createTariff", "POST", "/sites/" + sites.a.get("site") + "/tariffs", operatorA,
      new JsonObject().put("name", "Bad").put("effectiveFrom", "2026-01-01").put("document", badRate)),
      422, "invalid-tariff", "/document/components/0/rate");
    assertProblem(call("createTariff", "POST", "/sites/" + sites.a.get("site") + "/tariffs", operatorA,
      new JsonObject().put("name", "Dollars").put("effectiveFrom", "2026-01-01").put("document", flat("0.1")
        .put("currency", "USD"))), 422, "invalid-tariff", "/document/currency");
    assertEquals(before, backend.count("tariff"));
    String water = createTariff(operatorA, "Water " + UUID.randomUUID(), new JsonObject().put("utility", "water")
      .put("unit", "m3").put("currency", "EUR").put("components", new JsonArray().add(new JsonObject()
        .put("id", "w").put("kind", "energy").put("rate", "2.10"))));
    assertProblem(call("putTenantTariffs", "PUT", "/tenants/" + sites.a.get("tenant2") + "/tariffs", operatorA,
      new JsonObject().put("assignments", new JsonArray().add(new JsonObject().put("utility", "electricity")
        .put("tariffId", water).put("effectiveFrom", "2026-01-01")))), 422, "invalid-reference", "/assignments/0/utility");
    assertProblem(call("createTariffVersion", "POST", "/tariffs/" + water + "/versions", operatorA,
      new JsonObject().put("effectiveFrom", "2026-03-01").put("document", flat("0.2"))), 422, "invalid-tariff",
      "/document/utility");
  }

  @Test
  @DisplayName("the site's holiday calendar is replaced whole and read back by date")
  void holidays() {
    String path = "/sites/" + sites.a.get("site") + "/holidays";
    JsonObject calendar = new JsonObject().put("holidays", new JsonArray()
      .add(new JsonObject().put("date", "2026-12-25").put("name", "Christmas Day"))
      .add(new JsonObject().put("date", "2026-10-03").put("name", "Tag der Deutschen Einheit")));
    Response put = call("putSiteHolidays", "PUT", path, operatorA, calendar);
    assertEquals(200, put.status(), put.text());
    assertEquals(List.of("2026-10-03", "2026-12-25"), call("getSiteHolidays", "GET", path, tenantA1, null).json()
      .getJsonArray("holidays").stream().map(h -> ((JsonObject) h).getString("date")).toList());
    assertEquals(Set.of(LocalDate.of(2026, 10, 3)), new TariffStore(backend.pool()).holidays(sites.a.get("site"),
      LocalDate.of(2026, 10, 1), LocalDate.of(2026, 11, 1)).await());
    JsonObject twice = calendar.copy();
    twice.getJsonArray("holidays").add(new JsonObject().put("date", "2026-12-25").put("name", "Again"));
    assertProblem(call("putSiteHolidays", "PUT", path, operatorA, twice), 422, "duplicate-key", "/holidays/2/date");
    assertProblem(call("putSiteHolidays", "PUT", path, tenantA1, calendar), 403, "forbidden", null);
  }

  @Test
  @DisplayName("a real URDB record imports into a USD site, and its stored document rates July 2026 to 2696.37 USD")
  void importRealUrdbRecord() {
    Response site = call("createSite", "POST", "/sites", admin, new JsonObject().put("name", "Oakland depot")
      .put("timeZone", "America/Los_Angeles").put("currency", "USD"));
    assertEquals(201, site.status(), site.text());
    String record = UrdbImportTest.resource(UrdbImportTest.PGE_A10);
    Response imported = http.call("importTariff", "POST", "/tariffs/import?format=urdb&siteId="
      + site.json().getString("id"), admin, record, "application/json", Map.of());
    assertEquals(201, imported.status(), imported.text());
    assertEquals("2024-10-01", imported.json().getJsonArray("versions").getJsonObject(0).getString("effectiveFrom"));
    assertEquals("6758b27bd731a5d4d806802e", imported.json().getJsonObject("source").getString("label"));
    Response stored = call("getTariff", "GET", "/tariffs/" + imported.json().getString("id"), admin, null);
    TariffDocument document = TariffDocument.parse(stored.json().getJsonArray("versions").getJsonObject(0)
      .getJsonObject("document"));
    assertEquals(UrdbImportTest.JULY_TOTAL_CENTS, UrdbImportTest.rateJuly(document).totalMinor());

    Response euro = http.call("importTariff", "POST", "/tariffs/import?format=urdb&siteId=" + sites.a.get("site"),
      admin, record, "application/json", Map.of());
    assertProblem(euro, 422, "currency-mismatch", "siteId");
    Response annualMinimum = http.call("importTariff", "POST", "/tariffs/import?format=urdb&siteId="
      + site.json().getString("id") + "&name=Annual", admin, new JsonObject(record).put("mincharge", 500)
      .put("minchargeunits", "$/year").encode(), "application/json", Map.of());
    assertProblem(annualMinimum, 422, "unsupported-tariff", "/minchargeunits");
  }

  static List<String> ids(Response page) {
    assertEquals(200, page.status(), page.text());
    return page.json().getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id")).toList();
  }
}
