package io.gridledger.site;

import io.gridledger.api.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Creates a whole site from one document, all or nothing. Every cross-reference (unit keys, location keys, parent
 * serials) is resolved and every rule checked in memory first, so a bad document is refused with a JSON pointer to
 * the offending field before anything is written; the writes then run in one transaction.
 */
public final class SiteImporter {

  private final Pool pool;

  public SiteImporter(Pool pool) {
    this.pool = pool;
  }

  /** What a key in the document names. */
  private record Place(String level, UUID buildingId, UUID floorId, UUID unitId, String use) {
  }

  public Future<JsonObject> importSite(JsonObject doc) {
    ImportPlan plan;
    try {
      plan = new ImportPlan(doc);
    } catch (Problem problem) {
      return Future.failedFuture(problem);
    }
    return pool.withTransaction(plan::write);
  }

  /** The document turned into rows, with ids assigned and every reference resolved. */
  private static final class ImportPlan {
    final UUID siteId = UUID.randomUUID();
    final JsonObject site;
    final List<Tuple> buildings = new ArrayList<>();
    final List<Tuple> floors = new ArrayList<>();
    final List<Tuple> units = new ArrayList<>();
    final List<Tuple> tenants = new ArrayList<>();
    final List<Tuple> occupancies = new ArrayList<>();
    final List<Tuple> meters = new ArrayList<>();
    final Map<String, Place> places = new HashMap<>();

    ImportPlan(JsonObject doc) {
      site = doc.getJsonObject("site");
      SiteModelSupport.validTimeZone(site.getString("timeZone"), "/site/timeZone");
      SiteModelSupport.validCurrency(site.getString("currency"), "/site/currency");
      planBuildings(doc.getJsonArray("buildings", new JsonArray()));
      planTenants(doc.getJsonArray("tenants", new JsonArray()));
      new MeterPlan(this).plan(doc.getJsonArray("meters", new JsonArray()));
    }

    private void planBuildings(JsonArray list) {
      for (int b = 0; b < list.size(); b++) {
        JsonObject building = list.getJsonObject(b);
        String at = "/buildings/" + b;
        UUID buildingId = UUID.randomUUID();
        claimKey(building.getString("key"), at, new Place("building", buildingId, null, null, null));
        if (building.getJsonArray("footprint") != null) {
          Geometry.requireSimplePolygon(building.getJsonArray("footprint"), at + "/footprint");
        }
        buildings.add(Tuple.of(buildingId, siteId, building.getString("name"), building.getJsonArray("footprint")));
        JsonArray floorList = building.getJsonArray("floors", new JsonArray());
        for (int f = 0; f < floorList.size(); f++) {
          planFloor(floorList.getJsonObject(f), at + "/floors/" + f, buildingId);
        }
      }
    }

    private void planFloor(JsonObject floor, String at, UUID buildingId) {
      UUID floorId = UUID.randomUUID();
      claimKey(floor.getString("key"), at, new Place("floor", buildingId, floorId, null, null));
      Geometry.requireSimplePolygon(floor.getJsonArray("footprint"), at + "/footprint");
      floors.add(Tuple.from(List.of(floorId, siteId, buildingId, floor.getInteger("level"), floor.getString("name"),
        floor.getNumber("elevationM").doubleValue(), floor.getNumber("heightM").doubleValue(),
        floor.getJsonArray("footprint"))));
      JsonArray unitList = floor.getJsonArray("units", new JsonArray());
      for (int u = 0; u < unitList.size(); u++) {
        JsonObject unit = unitList.getJsonObject(u);
        String unitAt = at + "/units/" + u;
        UUID unitId = UUID.randomUUID();
        claimKey(unit.getString("key"), unitAt, new Place("unit", buildingId, floorId, unitId, unit.getString("use")));
        Geometry.requireSimplePolygon(unit.getJsonArray("footprint"), unitAt + "/footprint");
        units.add(Tuple.of(unitId, siteId, floorId, unit.getString("name"), unit.getNumber("areaM2").doubleValue(),
          unit.getString("use"), unit.getInteger("headcount"), unit.getJsonArray("footprint")));
      }
    }

    private void planTenants(JsonArray list) {
      Map<UUID, List<LocalDate[]>> periodsByUnit = new HashMap<>();
      Map<String, Boolean> tenantKeys = new HashMap<>();
      for (int t = 0; t < list.size(); t++) {
        JsonObject tenant = list.getJsonObject(t);
        String at = "/tenants/" + t;
        if (tenantKeys.put(tenant.getString("key"), true) != null) {
          throw Problem.unprocessable("duplicate-key", at + "/key", "Key '" + tenant.getString("key") + "' is used twice");
        }
        UUID tenantId = UUID.randomUUID();
        tenants.add(Tuple.of(tenantId, siteId, tenant.getString("legalName"),
          tenant.getJsonObject("contact", new JsonObject()), tenant.getString("billingMode")));
        JsonArray occ = tenant.getJsonArray("occupancies", new JsonArray());
        for (int o = 0; o < occ.size(); o++) {
          JsonObject occupancy = occ.getJsonObject(o);
          String occAt = at + "/occupancies/" + o;
          Place place = places.get(occupancy.getString("unitKey"));
          if (place == null || !place.level().equals("unit")) {
            throw Problem.unprocessable("invalid-reference", occAt + "/unitKey", "No unit with key '"
              + occupancy.getString("unitKey") + "' in the document");
          }
          LocalDate from = LocalDate.parse(occupancy.getString("fromDate"));
          LocalDate to = occupancy.getString("toDate") == null ? null : LocalDate.parse(occupancy.getString("toDate"));
          if (to != null && to.isBefore(from)) {
            throw Problem.unprocessable("invalid-period", occAt + "/toDate", "toDate is before fromDate");
          }
          for (LocalDate[] other : periodsByUnit.computeIfAbsent(place.unitId(), k -> new ArrayList<>())) {
            if (!from.isAfter(other[1] == null ? LocalDate.MAX : other[1])
              && !(to == null ? LocalDate.MAX : to).isBefore(other[0])) {
              throw Problem.unprocessable("occupancy-overlap", occAt, "Unit '" + occupancy.getString("unitKey")
                + "' is occupied twice over overlapping dates");
            }
          }
          periodsByUnit.get(place.unitId()).add(new LocalDate[] {from, to});
          occupancies.add(Tuple.of(UUID.randomUUID(), siteId, tenantId, place.unitId(), from, to));
        }
      }
    }

    void claimKey(String key, String at, Place place) {
      if (places.putIfAbsent(key, place) != null) {
        throw Problem.unprocessable("duplicate-key", at + "/key", "Key '" + key + "' is used twice in the document");
      }
    }

    Future<JsonObject> write(SqlConnection conn) {
      return conn.preparedQuery("INSERT INTO site AS s (id, name, time_zone, currency, address) VALUES ($1, $2, $3, $4, $5) "
          + "RETURNING " + SiteDocs.SITE + " AS doc")
        .execute(Tuple.of(siteId, site.getString("name"), site.getString("timeZone"), site.getString("currency"),
          site.getJsonObject("address", new JsonObject())))
        .compose(created -> batch(conn, "INSERT INTO building (id, site_id, name, footprint) VALUES ($1, $2, $3, $4)", buildings)
          .compose(v -> batch(conn, "INSERT INTO floor (id, site_id, building_id, level, name, elevation_m, height_m, "
            + "footprint) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", floors))
          .compose(v -> batch(conn, "INSERT INTO unit (id, site_id, floor_id, name, area_m2, use, headcount, footprint) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", units))
          .compose(v -> batch(conn, "INSERT INTO tenant (id, site_id, legal_name, contact, billing_mode) "
            + "VALUES ($1, $2, $3, $4, $5)", tenants))
          .compose(v -> batch(conn, "INSERT INTO occupancy (id, site_id, tenant_id, unit_id, from_date, to_date) "
            + "VALUES ($1, $2, $3, $4, $5, $6)", occupancies))
          .compose(v -> batch(conn, MeterPlan.INSERT, meters))
          .map(v -> new JsonObject()
            .put("site", created.iterator().next().getJsonObject("doc"))
            .put("counts", new JsonObject().put("buildings", buildings.size()).put("floors", floors.size())
              .put("units", units.size()).put("tenants", tenants.size()).put("occupancies", occupancies.size())
              .put("meters", meters.size()))));
    }

    private static Future<Void> batch(SqlConnection conn, String sql, List<Tuple> rows) {
      return rows.isEmpty() ? Future.succeededFuture()
        : conn.preparedQuery(sql).executeBatch(rows).mapEmpty();
    }

    Place place(String key) {
      return places.get(key);
    }
  }

  /** Meters are inserted parents first, so each parent row exists when its children reference it. */
  private static final class MeterPlan {
    static final String INSERT = "INSERT INTO meter (id, site_id, serial, kind, model, location_level, building_id, "
      + "floor_id, unit_id, parent_meter_id, multiplier, registers, protocol, binding, critical_load) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

    private final ImportPlan plan;

    MeterPlan(ImportPlan plan) {
      this.plan = plan;
    }

    void plan(JsonArray list) {
      Map<String, Integer> indexBySerial = new HashMap<>();
      Map<String, UUID> idBySerial = new HashMap<>();
      for (int i = 0; i < list.size(); i++) {
        String serial = list.getJsonObject(i).getString("serial");
        if (indexBySerial.put(serial, i) != null) {
          throw Problem.unprocessable("duplicate", "/meters/" + i + "/serial", "Serial '" + serial + "' is used twice");
        }
        idBySerial.put(serial, UUID.randomUUID());
      }
      Map<String, Integer> state = new HashMap<>();
      for (int i = 0; i < list.size(); i++) {
        visit(list, i, indexBySerial, idBySerial, state);
      }
    }

    /** The document's own version of MeterRules.checkVirtualTerms: terms name real meters of the document. */
    private static void checkVirtualTerms(JsonArray list, JsonObject meter, String at, Map<String, Integer> indexBySerial) {
      JsonObject binding = meter.getJsonObject("binding");
      boolean computed = "computed".equals(binding.getString("protocol"));
      if (!"virtual".equals(binding.getString("protocol")) && !computed) {
        return;
      }
      JsonArray terms = computed ? new JsonArray().add(binding.getJsonObject("source")) : binding.getJsonArray("terms");
      for (int t = 0; t < terms.size(); t++) {
        String serial = terms.getJsonObject(t).getString("meterSerial");
        Integer index = indexBySerial.get(serial);
        String field = at + (computed ? "/binding/source/meterSerial" : "/binding/terms/" + t + "/meterSerial");
        if (index == null || serial.equals(meter.getString("serial"))) {
          throw Problem.unprocessable("invalid-reference", field, "No other meter '" + serial + "' in the document");
        }
        String protocol = list.getJsonObject(index).getJsonObject("binding").getString("protocol");
        if ("virtual".equals(protocol) || "computed".equals(protocol)) {
          throw Problem.unprocessable("invalid-virtual-meter", field, "Meter '" + serial + "' is derived itself");
        }
      }
    }

    /** Depth-first over parents: 1 = on the current path (a second visit is a cycle), 2 = planned. */
    private void visit(JsonArray list, int i, Map<String, Integer> indexBySerial, Map<String, UUID> idBySerial,
                       Map<String, Integer> state) {
      JsonObject meter = list.getJsonObject(i);
      String serial = meter.getString("serial");
      String at = "/meters/" + i;
      Integer s = state.get(serial);
      if (s != null && s == 2) {
        return;
      }
      if (s != null) {
        throw Problem.unprocessable("meter-cycle", at + "/parentSerial", "Meter '" + serial + "' is its own ancestor");
      }
      state.put(serial, 1);
      String parentSerial = meter.getString("parentSerial");
      if (parentSerial != null) {
        Integer parentIndex = indexBySerial.get(parentSerial);
        if (parentIndex == null) {
          throw Problem.unprocessable("invalid-reference", at + "/parentSerial", "No meter '" + parentSerial + "' in the document");
        }
        visit(list, parentIndex, indexBySerial, idBySerial, state);
      }
      MeterRules.checkRegistersAndBinding(meter.getJsonArray("registers"), meter.getJsonObject("binding"), at);
      checkVirtualTerms(list, meter, at, indexBySerial);
      Place place = new Place("site", null, null, null, null);
      if (meter.getString("locationKey") != null) {
        place = plan.place(meter.getString("locationKey"));
        if (place == null) {
          throw Problem.unprocessable("invalid-reference", at + "/locationKey", "No building, floor or unit with key '"
            + meter.getString("locationKey") + "' in the document");
        }
      }
      plan.meters.add(Tuple.from(java.util.Arrays.asList(idBySerial.get(serial), plan.siteId, serial,
        meter.getString("kind"), meter.getString("model"), place.level(), place.buildingId(), place.floorId(),
        place.unitId(), parentSerial == null ? null : idBySerial.get(parentSerial),
        meter.getNumber("multiplier", 1).doubleValue(), meter.getJsonArray("registers"),
        meter.getJsonObject("binding").getString("protocol"), meter.getJsonObject("binding"),
        meter.getBoolean("criticalLoad", false))));
      state.put(serial, 2);
    }
  }
}
