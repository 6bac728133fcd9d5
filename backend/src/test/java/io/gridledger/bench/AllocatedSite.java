package io.gridledger.bench;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The site the allocation benchmarks allocate: N tenants, each occupying a unit with its own meter (allocated
 * directly), and a site main meter (1.05 x the sum of the unit meters) whose common remainder is spread over all units
 * by area, so every tenant has two sources and a day stores 2N shares. 1 January 2026 gets raw 15-minute intervals
 * (an office-like profile: more between 08:00 and 18:59 site time); {@link #copyFirstDayOverJanuary} then stands in for
 * the maintainer having allocated the rest of the month (seeding 30 million raw intervals would take longer than
 * everything a benchmark measures).
 */
final class AllocatedSite {

  private AllocatedSite() {
  }

  static void exec(Pool pool, String sql, UUID site) {
    (site == null ? pool.query(sql).execute().mapEmpty() : pool.preparedQuery(sql).execute(Tuple.of(site)).mapEmpty())
      .await();
  }

  static void seed(Pool pool, UUID site, int n, ZoneId zone) {
    seed(pool, site, n, zone, 1);
  }

  /** The site with raw intervals for the first {@code days} days of January 2026. */
  static void seed(Pool pool, UUID site, int n, ZoneId zone, int days) {
    pool.preparedQuery("INSERT INTO site (id, name, time_zone, currency) VALUES ($1, 'Benchmark Tower', $2, 'EUR')")
      .execute(Tuple.of(site, zone.getId())).await();
    exec(pool, "INSERT INTO building (id, site_id, name) VALUES (gen_random_uuid(), $1, 'Tower')", site);
    exec(pool, "INSERT INTO floor (id, site_id, building_id, level, name, elevation_m, height_m, footprint) "
      + "SELECT gen_random_uuid(), $1, b.id, l, 'L' || l, l * 3, 3, '{}' FROM building b, generate_series(0, 19) l "
      + "WHERE b.site_id = $1", site);
    exec(pool, "INSERT INTO unit (id, site_id, floor_id, name, area_m2, use, headcount, footprint) "
      + "SELECT gen_random_uuid(), $1, f.id, 'U' || lpad(g::text, 6, '0'), 50 + g % 200, 'office', 1 + g % 20, '{}' "
      + "FROM generate_series(1, " + n + ") g JOIN floor f ON f.site_id = $1 AND f.level = g % 20", site);
    exec(pool, "INSERT INTO tenant (id, site_id, legal_name, billing_mode) SELECT gen_random_uuid(), $1, "
      + "'Tenant ' || name, 'postpaid' FROM unit WHERE site_id = $1", site);
    exec(pool, "INSERT INTO occupancy (id, site_id, tenant_id, unit_id, from_date) SELECT gen_random_uuid(), $1, t.id, "
      + "u.id, '2025-01-01' FROM unit u JOIN tenant t ON t.legal_name = 'Tenant ' || u.name AND t.site_id = $1 "
      + "WHERE u.site_id = $1", site);
    exec(pool, "INSERT INTO meter (id, site_id, serial, kind, location_level, registers, protocol, binding) VALUES "
      + "(gen_random_uuid(), $1, 'MAIN', 'electricity', 'site', "
      + "'[{\"name\": \"energy_active_import\", \"unit\": \"kWh\"}]', 'manual', '{}')", site);
    exec(pool, "INSERT INTO meter (id, site_id, serial, kind, location_level, building_id, unit_id, parent_meter_id, "
      + "registers, protocol, binding) SELECT gen_random_uuid(), $1, 'E-' || u.name, 'electricity', 'unit', f.building_id, "
      + "u.id, (SELECT id FROM meter WHERE site_id = $1 AND serial = 'MAIN'), "
      + "'[{\"name\": \"energy_active_import\", \"unit\": \"kWh\"}]', 'manual', '{}' FROM unit u "
      + "JOIN floor f ON f.id = u.floor_id WHERE u.site_id = $1", site);
    exec(pool, "INSERT INTO allocation_rule (id, site_id, meter_id, kind, params, effective_from, created_by) "
      + "SELECT gen_random_uuid(), $1, id, 'common_remainder', '{\"spreadBy\": \"area\"}', '2025-01-01', 'bench' "
      + "FROM meter WHERE site_id = $1 AND serial = 'MAIN'", site);
    // Day by day, each day in time order (every meter's interval of one quarter hour, then the next), the way
    // metering writes them as readings arrive, so that a day's intervals sit together in the table as they would
    LocalDate day1 = LocalDate.of(2026, 1, 1);
    for (int d = 0; d < days; d++) {
      var from = day1.plusDays(d).atStartOfDay(zone).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
      var to = day1.plusDays(d + 1L).atStartOfDay(zone).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
      // the main meter's interval is 1.05 x the sum of the unit meters' (the returned rows of the first insert)
      pool.preparedQuery("WITH units AS (INSERT INTO interval_consumption (meter_id, register, interval_start, "
          + "interval_end, consumption, quality) SELECT m.id, 'energy_active_import', t, t + interval '15 minutes', "
          + "round((0.05 + random() * 0.4 + CASE WHEN extract(hour FROM t AT TIME ZONE $4) BETWEEN 8 AND 18 "
          + "THEN 0.5 ELSE 0 END)::numeric, 3), 'actual' FROM meter m CROSS JOIN generate_series($2::timestamptz, "
          + "$3::timestamptz - interval '15 minutes', interval '15 minutes') t "
          + "WHERE m.site_id = $1 AND m.location_level = 'unit' ORDER BY t, m.id "
          + "RETURNING interval_start, interval_end, consumption) "
          + "INSERT INTO interval_consumption (meter_id, register, interval_start, interval_end, consumption, quality) "
          + "SELECT (SELECT id FROM meter WHERE site_id = $1 AND serial = 'MAIN'), 'energy_active_import', "
          + "interval_start, interval_end, sum(consumption) * 1.05, 'actual' FROM units "
          + "GROUP BY interval_start, interval_end ORDER BY interval_start")
        .execute(Tuple.of(site, from, to, zone.getId())).await();
    }
    exec(pool, "ANALYZE", null);
  }

  /**
   * Days 2..31 of January as copies of day 1's stored result: shares, both rollups and the day stamps (no DST change
   * in January anywhere the benchmarks run, so + d days in UTC is + d local days).
   */
  static void copyFirstDayOverJanuary(Pool pool, UUID site) {
    exec(pool, "INSERT INTO allocated_usage SELECT a.site_id, a.day + d, a.tenant_id, a.unit_id, a.utility, a.meter_id, "
      + "a.register, a.rule_id, a.rule_kind, a.day_start + d * interval '1 day', a.quantities, a.total_milli, "
      + "a.metered_milli, a.estimated, a.value_bytes FROM allocated_usage a CROSS JOIN generate_series(1, 30) d "
      + "WHERE a.site_id = $1 AND a.day = '2026-01-01'", site);
    exec(pool, "INSERT INTO allocated_tenant_day SELECT a.site_id, a.day + d, a.tenant_id, a.utility, a.unit, "
      + "a.day_start + d * interval '1 day', a.value_bytes, a.quantities, a.total_milli, a.estimated "
      + "FROM allocated_tenant_day a CROSS JOIN generate_series(1, 30) d WHERE a.site_id = $1 AND a.day = '2026-01-01'",
      site);
    exec(pool, "INSERT INTO allocated_source_day SELECT a.site_id, a.day + d, a.tenant_id, a.utility, a.meter_id, "
      + "a.register, a.rule_id, a.rule_kind, a.share_milli, a.metered_milli, a.estimated FROM allocated_source_day a "
      + "CROSS JOIN generate_series(1, 30) d WHERE a.site_id = $1 AND a.day = '2026-01-01'", site);
    exec(pool, "INSERT INTO allocation_day (site_id, day, inputs_hash, computed_at) SELECT a.site_id, a.day + d, "
      + "a.inputs_hash, now() FROM allocation_day a CROSS JOIN generate_series(1, 30) d "
      + "WHERE a.site_id = $1 AND a.day = '2026-01-01'", site);
    exec(pool, "ANALYZE", null);
  }
}
