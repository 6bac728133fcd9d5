package io.gridledger.bench;

import io.gridledger.allocation.TenantUsage;
import io.gridledger.billing.BillingPeriod;
import io.gridledger.tariff.TariffDocument;
import io.gridledger.tariff.TariffStore;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * A bill run end to end through the real allocation: N tenants (default 10,000) x January 2026 in Europe/Berlin
 * (2,976 15-minute intervals each, 29.76 million), the {@link TariffEngineBenchmark#TARIFF} TOU tariff with demand
 * charges, a levy and VAT, and nothing served from memory.
 *
 * <p>Each tenant occupies a unit with its own meter (direct), and the site main meter (1.05 x the sum of the unit
 * meters) is spread over all units by area (common remainder), so every tenant has two sources. What it measures:
 * <ol>
 *   <li>one day allocated from its raw intervals (N x 96 + 96 interval rows): the work the background maintainer
 *   does per changed day (AllocationRefresh, through {@code forSite} of that day);</li>
 *   <li>days 2..31 are then copies of day 1's stored result (allocated_usage and both rollups), as the maintainer
 *   would have left them: seeding 30 million raw intervals would take longer than the rest together;</li>
 *   <li>{@code forSite} for the month alone (reading the maintained rollups);</li>
 *   <li>the first bill run (request to completed: allocation read, rating, N drafts written) and the repeated run,
 *   which must change nothing (checked by digest).</li>
 * </ol>
 * Run: build the test classpath, then
 * {@code java -cp backend/target/classes:backend/target/test-classes:$(cat cp.txt) io.gridledger.bench.BillRunAllocatedBenchmark 10000 2}
 * with {@code GRIDLEDGER_TEST_DB_URL} set (docs/benchmarks.md).
 */
public final class BillRunAllocatedBenchmark {

  private static final LocalDate JAN = LocalDate.of(2026, 1, 1);
  private static final LocalDate FEB = LocalDate.of(2026, 2, 1);

  public static void main(String[] args) throws Exception {
    int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    System.out.printf("load average before: %s%n", BillRunBenchmark.loadAverage());
    try (TestBackend backend = TestBackend.start(new JsonObject()
      .put("db", new JsonObject().put("poolSize", 4))
      .put("billing", new JsonObject().put("ratingThreads", threads))
      .put("allocation", new JsonObject().put("maintainIntervalSeconds", 0)))) {
      Pool pool = backend.pool();
      UUID site = UUID.randomUUID();
      long t = System.nanoTime();
      seed(pool, site, tenants);
      System.out.printf("seeded %d tenants, %d raw intervals for 1 Jan in %.1f s%n", tenants, (tenants + 1) * 96L,
        secs(t));

      t = System.nanoTime();
      List<TenantUsage> day = backend.app().allocation().forSite(site, JAN, JAN.plusDays(1)).await();
      System.out.printf("allocate 1 day from raw intervals: %d tenant usages in %.2f s%n", day.size(), secs(t));
      copyDay(pool, site);

      t = System.nanoTime();
      List<TenantUsage> month = backend.app().allocation().forSite(site, JAN, FEB).await();
      long intervals = month.stream().mapToLong(u -> u.usage().size()).sum();
      System.out.printf("forSite month from maintained rollups: %d tenant usages, %d intervals in %.2f s%n",
        month.size(), intervals, secs(t));
      month = null;

      BillRunBenchmark.RunFigures first = BillRunBenchmark.run(backend, site);
      System.out.printf("first run: %.2f s (request to completed), outcomes=%s, invoices=%d lines=%d total=%d minor%n",
        first.seconds(), first.outcomes(), backend.count("invoice"), backend.count("invoice_line"),
        BillRunBenchmark.totalMinor(pool));
      String before = BillRunBenchmark.digest(pool);
      BillRunBenchmark.RunFigures second = BillRunBenchmark.run(backend, site);
      String after = BillRunBenchmark.digest(pool);
      System.out.printf("repeated run: %.2f s, outcomes=%s, invoices=%d, database %s%n", second.seconds(),
        second.outcomes(), backend.count("invoice"), before.equals(after) ? "unchanged" : "CHANGED");
      if (!before.equals(after) || second.outcomes().getInteger("unchanged") != tenants) {
        throw new AssertionError("the repeated run changed something: " + second.outcomes());
      }
    }
    System.out.printf("load average after: %s%n", BillRunBenchmark.loadAverage());
  }

  private static double secs(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static void exec(Pool pool, String sql, UUID site) {
    (site == null ? pool.query(sql).execute().mapEmpty() : pool.preparedQuery(sql).execute(Tuple.of(site)).mapEmpty())
      .await();
  }

  /** Days 2..31 of January as copies of day 1's stored result (no DST change in January: + d days in UTC). */
  private static void copyDay(Pool pool, UUID site) {
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
  }

  private static void seed(Pool pool, UUID site, int n) {
    exec(pool, "INSERT INTO site (id, name, time_zone, currency) VALUES ($1, 'Bench Park', 'Europe/Berlin', 'EUR')", site);
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
    // 1 January in Berlin is 31 Dec 23:00 to 1 Jan 23:00 UTC; an office-like profile with a per-meter offset
    exec(pool, "INSERT INTO interval_consumption (meter_id, register, interval_start, interval_end, consumption, quality) "
      + "SELECT m.id, 'energy_active_import', t, t + interval '15 minutes', round((0.05 + random() * 0.4 "
      + "+ CASE WHEN extract(hour FROM t AT TIME ZONE 'Europe/Berlin') BETWEEN 8 AND 18 THEN 0.5 ELSE 0 END)::numeric, 3), "
      + "'actual' FROM meter m CROSS JOIN generate_series('2025-12-31T23:00:00Z'::timestamptz, "
      + "'2026-01-01T22:45:00Z', interval '15 minutes') t WHERE m.site_id = $1 AND m.location_level = 'unit'", site);
    exec(pool, "INSERT INTO interval_consumption (meter_id, register, interval_start, interval_end, consumption, quality) "
      + "SELECT p.id, 'energy_active_import', ic.interval_start, ic.interval_end, sum(ic.consumption) * 1.05, 'actual' "
      + "FROM meter p JOIN meter m ON m.parent_meter_id = p.id JOIN interval_consumption ic ON ic.meter_id = m.id "
      + "WHERE p.site_id = $1 GROUP BY p.id, ic.interval_start, ic.interval_end", site);
    UUID tariffId = TariffStore.create(pool, site, "Bench TOU", JAN,
      TariffDocument.parse(new JsonObject(TariffEngineBenchmark.TARIFF))).await();
    pool.preparedQuery("INSERT INTO tariff_assignment (site_id, tenant_id, utility, tariff_id, effective_from) "
      + "SELECT $1, id, 'electricity', $2, $3 FROM tenant WHERE site_id = $1").execute(Tuple.of(site, tariffId, JAN))
      .await();
    exec(pool, "ANALYZE", null);
  }
}
