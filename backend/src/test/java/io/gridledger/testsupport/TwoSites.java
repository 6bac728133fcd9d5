package io.gridledger.testsupport;

import io.gridledger.auth.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two small sites, imported through the API, each with a building, a floor, two tenant units and a common area,
 * two tenants (one per unit) and a main meter with two unit sub-meters. Logins: an operator of each site, a user for
 * each tenant, an integration user of site A.
 */
public final class TwoSites {

  /** The ids of one site's objects, by name: site, building, floor, unit1, unit2, common, tenant1, tenant2, ... */
  public record SiteIds(Map<String, UUID> ids) {
    public UUID get(String name) {
      UUID id = ids.get(name);
      if (id == null) {
        throw new IllegalArgumentException("no fixture object " + name);
      }
      return id;
    }
  }

  public final SiteIds a;
  public final SiteIds b;

  private TwoSites(SiteIds a, SiteIds b) {
    this.a = a;
    this.b = b;
  }

  public static TwoSites create(TestBackend backend) {
    ContractHttp http = ContractHttp.of(backend);
    String admin = backend.login(TestBackend.ADMIN);
    SiteIds a = importSite(backend, http, admin, "Site A", "Europe/Berlin", "a");
    SiteIds b = importSite(backend, http, admin, "Site B", "America/Los_Angeles", "b");
    backend.createUser("operator-a", Role.OPERATOR, new UUID[] {a.get("site")}, null);
    backend.createUser("operator-b", Role.OPERATOR, new UUID[] {b.get("site")}, null);
    backend.createUser("integration-a", Role.INTEGRATION, new UUID[] {a.get("site")}, null);
    backend.createUser("tenant-a1", Role.TENANT, new UUID[0], a.get("tenant1"));
    backend.createUser("tenant-a2", Role.TENANT, new UUID[0], a.get("tenant2"));
    backend.createUser("tenant-b1", Role.TENANT, new UUID[0], b.get("tenant1"));
    return new TwoSites(a, b);
  }

  public static JsonObject document(String name, String zone, String prefix) {
    JsonArray floorFootprint = rect(0, 0, 30, 10);
    JsonObject floor = new JsonObject().put("key", prefix + "-L0").put("level", 0).put("name", "Ground")
      .put("elevationM", 0).put("heightM", 3.5).put("footprint", floorFootprint)
      .put("units", new JsonArray()
        .add(unit(prefix + "-U1", "Unit 1", "office", rect(0, 0, 10, 10)))
        .add(unit(prefix + "-U2", "Unit 2", "retail", rect(10, 0, 20, 10)))
        .add(unit(prefix + "-C", "Lobby", "common", rect(20, 0, 30, 10))));
    JsonObject building = new JsonObject().put("key", prefix + "-B").put("name", "Main building")
      .put("footprint", floorFootprint).put("floors", new JsonArray().add(floor));
    JsonArray tenants = new JsonArray()
      .add(tenant(prefix + "-t1", name + " Tenant One Ltd", "prepaid", prefix + "-U1"))
      .add(tenant(prefix + "-t2", name + " Tenant Two Ltd", "postpaid", prefix + "-U2"));
    JsonArray meters = new JsonArray()
      .add(meter(prefix.toUpperCase() + "-MAIN", null, null))
      .add(meter(prefix.toUpperCase() + "-M1", prefix + "-U1", prefix.toUpperCase() + "-MAIN"))
      .add(meter(prefix.toUpperCase() + "-M2", prefix + "-U2", prefix.toUpperCase() + "-MAIN"));
    return new JsonObject()
      .put("site", new JsonObject().put("name", name).put("timeZone", zone).put("currency", "EUR"))
      .put("buildings", new JsonArray().add(building)).put("tenants", tenants).put("meters", meters);
  }

  private static SiteIds importSite(TestBackend backend, ContractHttp http, String admin, String name, String zone,
                                    String prefix) {
    ContractHttp.Response imported = http.call("importSite", "POST", "/sites/import", admin, document(name, zone, prefix));
    assertEquals(201, imported.status(), imported::text);
    Map<String, UUID> ids = new HashMap<>();
    UUID siteId = UUID.fromString(imported.json().getJsonObject("site").getString("id"));
    ids.put("site", siteId);
    for (Object row : backend.rows("SELECT id, name FROM building WHERE site_id = '" + siteId + "'")) {
      ids.put("building", UUID.fromString(((JsonObject) row).getString("id")));
    }
    for (Object row : backend.rows("SELECT id FROM floor WHERE site_id = '" + siteId + "'")) {
      ids.put("floor", UUID.fromString(((JsonObject) row).getString("id")));
    }
    Map<String, String> unitNames = Map.of("Unit 1", "unit1", "Unit 2", "unit2", "Lobby", "common");
    for (Object row : backend.rows("SELECT id, name FROM unit WHERE site_id = '" + siteId + "'")) {
      ids.put(unitNames.get(((JsonObject) row).getString("name")), UUID.fromString(((JsonObject) row).getString("id")));
    }
    for (Object row : backend.rows("SELECT id, legal_name FROM tenant WHERE site_id = '" + siteId + "'")) {
      String legal = ((JsonObject) row).getString("legal_name");
      ids.put(legal.contains("One") ? "tenant1" : "tenant2", UUID.fromString(((JsonObject) row).getString("id")));
    }
    for (Object row : backend.rows("SELECT o.id, t.legal_name FROM occupancy o JOIN tenant t ON t.id = o.tenant_id "
      + "WHERE o.site_id = '" + siteId + "'")) {
      String legal = ((JsonObject) row).getString("legal_name");
      ids.put(legal.contains("One") ? "occupancy1" : "occupancy2", UUID.fromString(((JsonObject) row).getString("id")));
    }
    for (Object row : backend.rows("SELECT id, serial FROM meter WHERE site_id = '" + siteId + "'")) {
      String serial = ((JsonObject) row).getString("serial");
      ids.put(serial.endsWith("MAIN") ? "mainMeter" : serial.endsWith("M1") ? "meter1" : "meter2",
        UUID.fromString(((JsonObject) row).getString("id")));
    }
    return new SiteIds(ids);
  }

  /**
   * Produces a quarantine alarm on a meter the way the field would: a register that runs backwards. Returns the
   * alarm's id once metering has raised it (bounded wait: intervals are derived after the readings are stored).
   */
  public static UUID raiseQuarantineAlarm(ContractHttp http, String adminToken, String serial, UUID meterId) {
    JsonArray readings = new JsonArray();
    double[] values = {500, 501, 250, 502};
    for (int i = 0; i < values.length; i++) {
      readings.add(new JsonObject().put("meter", serial).put("register", "energy_active_import")
        .put("ts", "2026-10-01T0" + i + ":00:00Z").put("value", values[i]).put("unit", "kWh"));
    }
    ContractHttp.Response r = http.call("ingestReadings", "POST", "/readings", adminToken,
      new JsonObject().put("readings", readings));
    assertEquals(202, r.status(), r::text);
    for (int attempt = 0; attempt < 100; attempt++) {
      JsonArray alarms = http.call("listAlarms", "GET", "/alarms?kind=quarantine&meterId=" + meterId, adminToken, null)
        .json().getJsonArray("items");
      if (!alarms.isEmpty()) {
        return UUID.fromString(alarms.getJsonObject(0).getString("id"));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("no quarantine alarm was raised on " + serial);
  }

  public static JsonArray rect(double x0, double y0, double x1, double y1) {
    return new JsonArray().add(new JsonArray().add(x0).add(y0)).add(new JsonArray().add(x1).add(y0))
      .add(new JsonArray().add(x1).add(y1)).add(new JsonArray().add(x0).add(y1));
  }

  private static JsonObject unit(String key, String name, String use, JsonArray footprint) {
    return new JsonObject().put("key", key).put("name", name).put("use", use).put("areaM2", 100)
      .put("footprint", footprint);
  }

  private static JsonObject tenant(String key, String legalName, String mode, String unitKey) {
    return new JsonObject().put("key", key).put("legalName", legalName).put("billingMode", mode)
      .put("contact", new JsonObject().put("email", key + "@example.com"))
      .put("occupancies", new JsonArray().add(new JsonObject().put("unitKey", unitKey).put("fromDate", "2025-01-01")));
  }

  private static JsonObject meter(String serial, String locationKey, String parentSerial) {
    JsonObject meter = new JsonObject().put("serial", serial).put("kind", "electricity").put("model", "Eastron SDM630")
      .put("registers", new JsonArray().add(new JsonObject().put("name", "energy_active_import").put("unit", "kWh")))
      .put("binding", new JsonObject().put("protocol", "mqtt").put("gateway", "gw-1"));
    if (locationKey != null) {
      meter.put("locationKey", locationKey);
    }
    if (parentSerial != null) {
      meter.put("parentSerial", parentSerial);
    }
    return meter;
  }
}
