package io.gridledger.bench;

import io.gridledger.allocation.AllocationService;
import io.gridledger.allocation.TenantUsage;
import io.gridledger.testsupport.TestBackend;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * AllocatedUsage.forSite for N tenants (default 10,000) over a month, as billing calls it. Each tenant has a unit
 * meter (direct) and a share of the site main meter's common remainder (main = 1.05 x the sum, spread by area over
 * all N units), so a day has 2N rows. Day 1 is allocated from real intervals (N x 96 + 96 of them; timed: the cost
 * of one recomputed day); days 2..31 are copies of day 1's rows (the stored result, as the refresh keeps it), then
 * the month is read three times. Prints wall times and the load average (the machine is shared).
 *
 * <p>Run: {@code GRIDLEDGER_TEST_DB_URL=postgresql://postgres@127.0.0.1:5432/postgres mvn -q -B -o -pl backend
 * test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.gridledger.bench.AllocationBenchmark
 * -Dexec.args="10000"}.
 */
public final class AllocationBenchmark {

  public static void main(String[] args) {
    int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    try (TestBackend backend = TestBackend.start()) {
      Pool pool = backend.pool();
      UUID site = UUID.randomUUID();
      long t = System.nanoTime();
      seed(pool, site, tenants);
      System.out.printf("seeded %d tenants, %d intervals in %.1f s%n", tenants, (tenants + 1) * 96L, secs(t));
      AllocationService service = new AllocationService(pool);
      LocalDate day1 = LocalDate.of(2026, 1, 1);
      t = System.nanoTime();
      List<TenantUsage> first = service.forSite(site, day1, day1.plusDays(1)).await();
      System.out.printf("allocate 1 day from intervals: %d tenant usages in %.2f s%n", first.size(), secs(t));
      if (args.length > 1 && args[1].equals("day")) {
        return;
      }
      exec(pool, "INSERT INTO allocated_usage SELECT a.site_id, a.day + d, a.tenant_id, a.unit_id, a.utility, a.meter_id, "
        + "a.register, a.rule_id, a.rule_kind, a.day_start + d * interval '1 day', a.quantities, a.total_milli, "
        + "a.metered_milli, a.estimated FROM allocated_usage a CROSS JOIN generate_series(1, 30) d "
        + "WHERE a.site_id = $1 AND a.day = '2026-01-01'", site);
      exec(pool, "INSERT INTO allocated_tenant_day SELECT a.site_id, a.day + d, a.tenant_id, a.utility, a.unit, "
        + "a.day_start + d * interval '1 day', a.value_bytes, a.quantities, a.total_milli, a.estimated "
        + "FROM allocated_tenant_day a "
        + "CROSS JOIN generate_series(1, 30) d WHERE a.site_id = $1 AND a.day = '2026-01-01'", site);
      exec(pool, "INSERT INTO allocated_source_day SELECT a.site_id, a.day + d, a.tenant_id, a.utility, a.meter_id, "
        + "a.register, a.rule_id, a.rule_kind, a.share_milli, a.metered_milli, a.estimated FROM allocated_source_day a "
        + "CROSS JOIN generate_series(1, 30) d WHERE a.site_id = $1 AND a.day = '2026-01-01'", site);
      exec(pool, "INSERT INTO allocation_day (site_id, day, inputs_hash, computed_at) SELECT a.site_id, a.day + d, "
        + "a.inputs_hash, now() FROM allocation_day a CROSS JOIN generate_series(1, 30) d "
        + "WHERE a.site_id = $1 AND a.day = '2026-01-01'", site);
      exec(pool, "ANALYZE", null);
      for (int run = 1; run <= 3; run++) {
        t = System.nanoTime();
        List<TenantUsage> month = service.forSite(site, day1, LocalDate.of(2026, 2, 1)).await();
        long intervals = month.stream().mapToLong(u -> u.usage().size()).sum();
        System.out.printf("forSite month run %d: %d tenant usages, %d intervals in %.2f s (load average %.2f)%n", run,
          month.size(), intervals, secs(t), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      }
    }
  }

  private static double secs(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static void exec(Pool pool, String sql, UUID site) {
    (site == null ? pool.query(sql).execute().mapEmpty() : pool.preparedQuery(sql).execute(Tuple.of(site)).mapEmpty())
      .await();
  }

  private static void seed(Pool pool, UUID site, int n) {
    exec(pool, "INSERT INTO site (id, name, time_zone, currency) VALUES ($1, 'Benchmark Tower', 'UTC', 'EUR')", site);
    exec(pool, "INSERT INTO building (id, site_id, name) VALUES (gen_random_uuid(), $1, 'Tower')", site);
    exec(pool, "INSERT INTO floor (id, site_id, building_id, level, name, elevation_m, height_m, footprint) "
      + "SELECT gen_random_uuid(), $1, b.id, l, 'L' || l, l * 3, 3, '{}' FROM building b, generate_series(0, 19) l "
      + "WHERE b.site_id = $1", site);
    exec(pool, "INSERT INTO unit (id, site_id, floor_id, name, area_m2, use, headcount, footprint) "
      + "SELECT gen_random_uuid(), $1, f.id, 'U' || g, 50 + g % 200, 'office', 1 + g % 20, '{}' "
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
    exec(pool, "INSERT INTO interval_consumption (meter_id, register, interval_start, interval_end, consumption, quality) "
      + "SELECT m.id, 'energy_active_import', t, t + interval '15 minutes', round((0.05 + random() * 0.4)::numeric, 3), "
      + "'actual' FROM meter m CROSS JOIN generate_series('2026-01-01T00:00:00Z'::timestamptz, "
      + "'2026-01-01T23:45:00Z', interval '15 minutes') t WHERE m.site_id = $1 AND m.location_level = 'unit'", site);
    exec(pool, "INSERT INTO interval_consumption (meter_id, register, interval_start, interval_end, consumption, quality) "
      + "SELECT p.id, 'energy_active_import', ic.interval_start, ic.interval_end, sum(ic.consumption) * 1.05, 'actual' "
      + "FROM meter p JOIN meter m ON m.parent_meter_id = p.id JOIN interval_consumption ic ON ic.meter_id = m.id "
      + "WHERE p.site_id = $1 GROUP BY p.id, ic.interval_start, ic.interval_end", site);
    exec(pool, "ANALYZE", null);
  }
}
