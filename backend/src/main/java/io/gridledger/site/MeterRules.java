package io.gridledger.site;

import io.gridledger.api.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Rules for meters that the contract cannot state: where a meter is (one of unit, floor, building or the site),
 * that its parent is on the same site and no meter is its own ancestor, and that its protocol binding is complete.
 */
final class MeterRules {

  /** A resolved location: the most specific level and every level above it. */
  record Location(String level, UUID buildingId, UUID floorId, UUID unitId) {
  }

  private MeterRules() {
  }

  static Future<Location> resolveLocation(SqlClient db, UUID siteId, JsonObject body) {
    int given = (body.getString("unitId") != null ? 1 : 0) + (body.getString("floorId") != null ? 1 : 0)
      + (body.getString("buildingId") != null ? 1 : 0);
    if (given > 1) {
      return Future.failedFuture(Problem.unprocessable("ambiguous-location", "/unitId",
        "Give only the most specific location: one of unitId, floorId or buildingId"));
    }
    if (body.getString("unitId") != null) {
      UUID unitId = UUID.fromString(body.getString("unitId"));
      return lookup(db, "SELECT f.building_id, u.floor_id FROM unit u JOIN floor f ON f.id = u.floor_id "
        + "WHERE u.id = $1 AND u.site_id = $2", unitId, siteId, "/unitId", "unit")
        .map(r -> new Location("unit", r.getUUID("building_id"), r.getUUID("floor_id"), unitId));
    }
    if (body.getString("floorId") != null) {
      UUID floorId = UUID.fromString(body.getString("floorId"));
      return lookup(db, "SELECT building_id FROM floor WHERE id = $1 AND site_id = $2", floorId, siteId,
        "/floorId", "floor").map(r -> new Location("floor", r.getUUID("building_id"), floorId, null));
    }
    if (body.getString("buildingId") != null) {
      UUID buildingId = UUID.fromString(body.getString("buildingId"));
      return lookup(db, "SELECT id FROM building WHERE id = $1 AND site_id = $2", buildingId, siteId,
        "/buildingId", "building").map(r -> new Location("building", buildingId, null, null));
    }
    return Future.succeededFuture(new Location("site", null, null, null));
  }

  /** The parent must be a meter of the same site and must not be {@code self} or below it. */
  static Future<Void> checkParent(SqlClient db, UUID siteId, UUID self, UUID parentId) {
    if (parentId == null) {
      return Future.succeededFuture();
    }
    if (parentId.equals(self)) {
      return Future.failedFuture(Problem.unprocessable("meter-cycle", "/parentMeterId", "A meter cannot be its own parent"));
    }
    return lookup(db, "SELECT id FROM meter WHERE id = $1 AND site_id = $2", parentId, siteId, "/parentMeterId",
      "meter").compose(parent -> self == null ? Future.succeededFuture() : db.preparedQuery(
        "WITH RECURSIVE up(id, parent_meter_id, depth) AS ("
          + " SELECT id, parent_meter_id, 1 FROM meter WHERE id = $1"
          + " UNION ALL SELECT m.id, m.parent_meter_id, up.depth + 1 FROM meter m JOIN up ON m.id = up.parent_meter_id"
          + " WHERE up.depth < 10000) SELECT 1 FROM up WHERE id = $2 LIMIT 1")
      .execute(Tuple.of(parentId, self))
      .compose(rows -> rows.size() > 0
        ? Future.failedFuture(Problem.unprocessable("meter-cycle", "/parentMeterId",
          "The new parent is this meter's own descendant: the meter tree would have a cycle"))
        : Future.succeededFuture()));
  }

  /** Register names are unique within a meter; a binding carries what its protocol needs to reach the meter. */
  static void checkRegistersAndBinding(JsonArray registers, JsonObject binding, String pointerPrefix) {
    if (registers != null) {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < registers.size(); i++) {
        if (!names.add(registers.getJsonObject(i).getString("name"))) {
          throw Problem.unprocessable("duplicate-register", pointerPrefix + "/registers/" + i + "/name",
            "Register '" + registers.getJsonObject(i).getString("name") + "' is listed twice");
        }
      }
    }
    if (binding == null) {
      return;
    }
    String protocol = binding.getString("protocol");
    String[] required = switch (protocol) {
      case "modbus" -> new String[] {"host", "port", "unitId"};
      case "opcua" -> new String[] {"endpointUrl", "nodeId"};
      case "mqtt" -> new String[] {"gateway"};
      case "virtual" -> new String[] {"terms"};
      case "computed" -> new String[] {"source"};
      default -> new String[0];
    };
    if ("computed".equals(protocol) && registers != null) {
      for (int i = 0; i < registers.size(); i++) {
        String name = registers.getJsonObject(i).getString("name");
        if (!name.equals("energy_heat") && !name.equals("energy_cooling")) {
          throw Problem.unprocessable("invalid-computed-meter", pointerPrefix + "/registers/" + i + "/name",
            "A computed meter has energy_heat or energy_cooling registers only");
        }
      }
    }
    if ("virtual".equals(protocol) && registers != null) {
      for (int i = 0; i < registers.size(); i++) {
        if (!io.gridledger.metering.RegisterVocabulary.isCumulative(registers.getJsonObject(i).getString("name"))) {
          throw Problem.unprocessable("invalid-virtual-meter", pointerPrefix + "/registers/" + i + "/name",
            "A virtual meter derives consumption: its registers must be cumulative (energy or volume)");
        }
      }
    }
    for (String key : required) {
      if (binding.getValue(key) == null) {
        throw Problem.unprocessable("incomplete-binding", pointerPrefix + "/binding/" + key,
          "A " + protocol + " binding needs " + key);
      }
    }
  }

  /**
   * A virtual meter's terms name meters of the same site that are not virtual themselves (so no derivation waits on
   * another derivation, and no cycle can form) and not the meter itself.
   */
  static Future<Void> checkVirtualTerms(SqlClient db, UUID siteId, String selfSerial, JsonObject binding) {
    if (binding == null || !("virtual".equals(binding.getString("protocol"))
      || "computed".equals(binding.getString("protocol")))) {
      return Future.succeededFuture();
    }
    JsonArray terms = "computed".equals(binding.getString("protocol"))
      ? new JsonArray().add(binding.getJsonObject("source")) : binding.getJsonArray("terms");
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < terms.size(); i++) {
      String serial = terms.getJsonObject(i).getString("meterSerial");
      String field = "computed".equals(binding.getString("protocol")) ? "/binding/source/meterSerial"
        : "/binding/terms/" + i + "/meterSerial";
      if (serial.equals(selfSerial)) {
        return Future.failedFuture(Problem.unprocessable("invalid-virtual-meter", field, "A virtual meter cannot use itself"));
      }
      chain = chain.compose(v -> db.preparedQuery("SELECT protocol FROM meter WHERE site_id = $1 AND serial = $2")
        .execute(Tuple.of(siteId, serial)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(Problem.unprocessable("invalid-reference", field, "No meter '" + serial + "' on this site"));
          }
          String protocol = rows.iterator().next().getString("protocol");
          if ("virtual".equals(protocol) || "computed".equals(protocol)) {
            return Future.failedFuture(Problem.unprocessable("invalid-virtual-meter", field,
              "Meter '" + serial + "' is derived itself; only real meters can be used"));
          }
          return Future.succeededFuture();
        }));
    }
    return chain;
  }

  private static Future<Row> lookup(SqlClient db, String sql, UUID id, UUID siteId, String field, String what) {
    return db.preparedQuery(sql).execute(Tuple.of(id, siteId)).compose(rows -> rows.size() == 0
      ? Future.failedFuture(Problem.unprocessable("invalid-reference", field, "No " + what + " with that id on this site"))
      : Future.succeededFuture(rows.iterator().next()));
  }
}
