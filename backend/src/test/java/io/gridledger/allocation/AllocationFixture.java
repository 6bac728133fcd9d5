package io.gridledger.allocation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Builds allocation test sites straight in SQL (site, building, floors, units, tenants, occupancy, meters, rules,
 * intervals), so each test states exactly the numbers it works out by hand.
 */
final class AllocationFixture {

  final Pool pool;
  final UUID siteId = UUID.randomUUID();
  final UUID buildingId = UUID.randomUUID();
  final UUID floor1 = UUID.randomUUID();
  final UUID floor2 = UUID.randomUUID();
  final String zone;

  AllocationFixture(Pool pool, String name, String zone) {
    this.pool = pool;
    this.zone = zone;
    sql("INSERT INTO site (id, name, time_zone, currency) VALUES ($1, $2, $3, 'EUR')", siteId, name, zone);
    sql("INSERT INTO building (id, site_id, name) VALUES ($1, $2, 'B1')", buildingId, siteId);
    for (UUID floor : new UUID[] {floor1, floor2}) {
      sql("INSERT INTO floor (id, site_id, building_id, level, name, elevation_m, height_m, footprint) "
        + "VALUES ($1, $2, $3, $4, $5, 0, 3, '{}'::jsonb)", floor, siteId, buildingId, floor == floor1 ? 1 : 2,
        floor == floor1 ? "F1" : "F2");
    }
  }

  void sql(String sql, Object... args) {
    pool.preparedQuery(sql).execute(Tuple.wrap(args)).await();
  }

  /** The first column of the first row (null when there is none). */
  Object scalar(String sql, Object... args) {
    var rows = pool.preparedQuery(sql).execute(Tuple.wrap(args)).await();
    return rows.size() == 0 ? null : rows.iterator().next().getValue(0);
  }

  UUID unit(UUID floor, String name, String area, Integer headcount, String use) {
    UUID id = UUID.randomUUID();
    sql("INSERT INTO unit (id, site_id, floor_id, name, area_m2, use, headcount, footprint) "
      + "VALUES ($1, $2, $3, $4, $5::text::numeric, $6, $7, '{}'::jsonb)", id, siteId, floor, name, area, use, headcount);
    return id;
  }

  UUID tenant(String name) {
    UUID id = UUID.randomUUID();
    sql("INSERT INTO tenant (id, site_id, legal_name, billing_mode) VALUES ($1, $2, $3, 'postpaid')", id, siteId, name);
    return id;
  }

  void occupy(UUID tenant, UUID unit, String from, String to) {
    sql("INSERT INTO occupancy (id, site_id, tenant_id, unit_id, from_date, to_date) VALUES ($1, $2, $3, $4, $5, $6)",
      UUID.randomUUID(), siteId, tenant, unit, LocalDate.parse(from), to == null ? null : LocalDate.parse(to));
  }

  /** A meter; {@code level} site|floor|unit (floor meters on floor 1), one register. */
  UUID meter(String serial, String kind, String level, UUID unit, UUID parent, String register, String unitName) {
    UUID id = UUID.randomUUID();
    JsonArray registers = new JsonArray().add(new JsonObject().put("name", register).put("unit", unitName));
    sql("INSERT INTO meter (id, site_id, serial, kind, location_level, building_id, floor_id, unit_id, parent_meter_id, "
        + "registers, protocol, binding) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'manual', '{}'::jsonb)",
      id, siteId, serial, kind, level, "site".equals(level) ? null : buildingId,
      "floor".equals(level) ? floor1 : null, unit, parent, registers);
    return id;
  }

  UUID rule(UUID meter, String kind, String effectiveFrom, JsonObject params) {
    UUID id = UUID.randomUUID();
    sql("INSERT INTO allocation_rule (id, site_id, meter_id, kind, params, effective_from, created_by) "
      + "VALUES ($1, $2, $3, $4, $5, $6, 'test')", id, siteId, meter, kind, params, LocalDate.parse(effectiveFrom));
    return id;
  }

  /** One 15-minute interval starting at {@code start} (ISO, UTC), in the register's unit. */
  void interval(UUID meter, String register, String start, double consumption, boolean estimated) {
    OffsetDateTime s = OffsetDateTime.parse(start).withOffsetSameInstant(ZoneOffset.UTC);
    sql("INSERT INTO interval_consumption (meter_id, register, interval_start, interval_end, consumption, quality) "
        + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (meter_id, register, interval_start) DO UPDATE "
        + "SET consumption = EXCLUDED.consumption, quality = EXCLUDED.quality, computed_at = now()",
      meter, register, s, s.plusMinutes(15), consumption, estimated ? "estimated" : "actual");
  }

  static JsonObject units(UUID... units) {
    JsonArray a = new JsonArray();
    for (UUID u : units) {
      a.add(u.toString());
    }
    return new JsonObject().put("units", a);
  }
}
