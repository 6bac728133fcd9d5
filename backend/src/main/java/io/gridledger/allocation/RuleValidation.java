package io.gridledger.allocation;

import io.gridledger.api.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a new rule version must satisfy beyond the contract's shapes: its meter is a billable meter of the site, every
 * unit and meter it names is of the same site, fixed shares add up to exactly 100 %, and the kind has what it splits
 * by (a direct rule a unit, a sub-metered rule sub-meters). Answers 422 naming the offending field.
 */
final class RuleValidation {

  private RuleValidation() {
  }

  static Future<Void> check(Pool pool, UUID siteId, UUID meterId, String kind, JsonObject params) {
    List<UUID> units = new ArrayList<>(DayAllocator.ids(params.getJsonArray("units")));
    JsonArray shares = params.getJsonArray("shares", new JsonArray());
    for (int i = 0; i < shares.size(); i++) {
      units.add(UUID.fromString(shares.getJsonObject(i).getString("unitId")));
    }
    if (params.getString("unitId") != null) {
      units.add(UUID.fromString(params.getString("unitId")));
    }
    List<UUID> meters = new ArrayList<>(DayAllocator.ids(params.getJsonArray("meters")));
    meters.add(meterId);
    Future<Set<UUID>> knownUnits = pool.preparedQuery("SELECT id FROM unit WHERE site_id = $1 AND id = ANY($2)")
      .execute(Tuple.of(siteId, (Object) units.toArray(new UUID[0]))).map(rows -> {
        Set<UUID> out = new HashSet<>();
        rows.forEach(r -> out.add(r.getUUID(0)));
        return out;
      });
    Future<Map<UUID, Row>> knownMeters = pool.preparedQuery("SELECT id, kind, unit_id, "
        + "(SELECT count(*) FROM meter c WHERE c.parent_meter_id = m.id) AS children FROM meter m "
        + "WHERE site_id = $1 AND id = ANY($2)")
      .execute(Tuple.of(siteId, (Object) meters.toArray(new UUID[0]))).map(rows -> {
        Map<UUID, Row> out = new HashMap<>();
        rows.forEach(r -> out.put(r.getUUID("id"), r));
        return out;
      });
    return Future.all(knownUnits, knownMeters).map(all -> {
      Row meter = knownMeters.result().get(meterId);
      if (meter == null) {
        throw Problem.unprocessable("invalid-reference", "/meterId", "no meter with that id on the site");
      }
      if (!SiteModel.BILLED_REGISTER.containsKey(meter.getString("kind"))) {
        throw Problem.unprocessable("not-billable", "/meterId", "a " + meter.getString("kind")
          + " meter is not allocated to tenants (electricity, water, gas, heat and cooling are)");
      }
      for (UUID u : units) {
        if (!knownUnits.result().contains(u)) {
          throw Problem.unprocessable("invalid-reference", "/params", "unit " + u + " is not a unit of the site");
        }
      }
      for (UUID m : DayAllocator.ids(params.getJsonArray("meters"))) {
        Row sub = knownMeters.result().get(m);
        if (sub == null || sub.getUUID("unit_id") == null) {
          throw Problem.unprocessable("invalid-reference", "/params/meters", "meter " + m
            + " is not a unit meter of the site");
        }
      }
      boolean fixed = "fixed".equals(kind) || ("common_remainder".equals(kind) && "fixed".equals(params.getString("spreadBy")));
      if (fixed) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < shares.size(); i++) {
          sum = sum.add(new BigDecimal(shares.getJsonObject(i).getString("percent")));
        }
        if (shares.isEmpty() || sum.compareTo(BigDecimal.valueOf(100)) != 0) {
          throw Problem.unprocessable("invalid-shares", "/params/shares", "fixed shares must add up to 100 %, not "
            + sum.toPlainString());
        }
      }
      if ("direct".equals(kind) && params.getString("unitId") == null && meter.getUUID("unit_id") == null) {
        throw Problem.unprocessable("invalid-rule", "/params/unitId", "a direct rule for a meter not in a unit names "
          + "the unit");
      }
      if (("submetered".equals(kind) || "common_remainder".equals(kind)) && !params.containsKey("meters")
        && meter.getLong("children") == 0) {
        throw Problem.unprocessable("invalid-rule", "/params/meters", "the meter has no sub-meters to "
          + ("submetered".equals(kind) ? "weigh by" : "subtract"));
      }
      return null;
    });
  }
}
