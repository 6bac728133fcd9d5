package io.gridledger.site;

import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the live push needs from the site model, asked through here rather than by reading its tables: where each
 * meter sits (unit, floor, building, site) with its register units, who occupies each unit today, and which objects a
 * caller may see, with the REST API's own owner predicates ({@link Scope}).
 */
public final class SiteTopology {

  /** A meter's place in the site; ids of levels above its own are filled in from its unit or floor. */
  public record MeterPlacement(UUID meterId, UUID siteId, UUID buildingId, UUID floorId, UUID unitId,
                               Map<String, String> registerUnits) {
  }

  /** Every meter's placement, and the tenants occupying each unit on today's site-local date. */
  public record Snapshot(Map<UUID, MeterPlacement> meters, Map<UUID, List<UUID>> occupantsByUnit) {
  }

  /** Object kinds a caller can be asked about, as the live topics name them. */
  public static final Set<String> KINDS = Set.of("site", "building", "floor", "unit", "meter", "tenant");

  private final Pool pool;

  public SiteTopology(Pool pool) {
    this.pool = pool;
  }

  public Future<Snapshot> load() {
    Future<Map<UUID, MeterPlacement>> meters = pool.query("SELECT m.id, m.site_id, m.unit_id, "
        + "coalesce(m.floor_id, u.floor_id) AS floor_id, coalesce(m.building_id, f.building_id) AS building_id, "
        + "m.registers FROM meter m LEFT JOIN unit u ON u.id = m.unit_id "
        + "LEFT JOIN floor f ON f.id = coalesce(m.floor_id, u.floor_id)").execute()
      .map(rows -> {
        Map<UUID, MeterPlacement> out = new HashMap<>(rows.size() * 2);
        for (Row row : rows) {
          Map<String, String> units = new HashMap<>();
          Object registers = row.getValue("registers");
          if (registers instanceof JsonArray array) {
            for (Object r : array) {
              JsonObject reg = (JsonObject) r;
              units.put(reg.getString("name"), reg.getString("unit"));
            }
          }
          UUID id = row.getUUID("id");
          out.put(id, new MeterPlacement(id, row.getUUID("site_id"), row.getUUID("building_id"), row.getUUID("floor_id"),
            row.getUUID("unit_id"), Map.copyOf(units)));
        }
        return out;
      });
    Future<Map<UUID, List<UUID>>> occupants = pool.query("SELECT o.unit_id, o.tenant_id FROM occupancy o "
        + "JOIN site s ON s.id = o.site_id WHERE o.from_date <= (now() AT TIME ZONE s.time_zone)::date "
        + "AND (o.to_date IS NULL OR o.to_date >= (now() AT TIME ZONE s.time_zone)::date)").execute()
      .map(rows -> {
        Map<UUID, List<UUID>> out = new HashMap<>();
        for (Row row : rows) {
          out.computeIfAbsent(row.getUUID("unit_id"), k -> new ArrayList<>(1)).add(row.getUUID("tenant_id"));
        }
        return out;
      });
    return Future.all(meters, occupants).map(v -> new Snapshot(meters.result(), occupants.result()));
  }

  /**
   * The ids among {@code ids} of {@code kind} that {@code principal} may see, by the same rules as the REST API (a
   * tenant: its own tenant, the units it occupies or occupied and their meters, the structure of its site), each
   * with its site's id.
   */
  public Future<Map<UUID, UUID>> visible(Principal principal, String kind, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    UUID[] array = ids.toArray(new UUID[0]);
    Sql sql = switch (kind) {
      case "site" -> scoped("SELECT s.id, s.id AS site_id FROM site s WHERE s.id = ANY(?::uuid[]) AND ", array,
        Scope.site(principal, "s.id"));
      case "building" -> scoped("SELECT b.id, b.site_id FROM building b WHERE b.id = ANY(?::uuid[]) AND ", array,
        Scope.site(principal, "b.site_id"));
      case "floor" -> scoped("SELECT f.id, f.site_id FROM floor f WHERE f.id = ANY(?::uuid[]) AND ", array,
        Scope.site(principal, "f.site_id"));
      case "unit" -> scoped("SELECT u.id, u.site_id FROM unit u WHERE u.id = ANY(?::uuid[]) AND ", array,
        Scope.unit(principal, "u.id"));
      case "meter" -> scoped("SELECT m.id, m.site_id FROM meter m WHERE m.id = ANY(?::uuid[]) AND ", array,
        Scope.meter(principal, "m"));
      case "tenant" -> scoped("SELECT t.id, t.site_id FROM tenant t WHERE t.id = ANY(?::uuid[]) AND ", array,
        Scope.tenant(principal, "t"));
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    };
    return pool.preparedQuery(sql.text()).execute(sql.tuple()).map(rows -> {
      Map<UUID, UUID> out = new HashMap<>();
      rows.forEach(row -> out.put(row.getUUID(0), row.getUUID(1)));
      return out;
    });
  }

  private static Sql scoped(String select, UUID[] ids, Scope scope) {
    return new Sql(select, (Object) ids).append(scope.sql(), scope.params());
  }
}
