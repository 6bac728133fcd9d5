package io.gridledger.bench;

import io.gridledger.allocation.AllocationService;
import io.gridledger.allocation.TenantUsage;
import io.gridledger.testsupport.TestBackend;
import io.vertx.sqlclient.Pool;

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
      AllocatedSite.seed(pool, site, tenants, java.time.ZoneOffset.UTC);
      System.out.printf("seeded %d tenants, %d intervals in %.1f s%n", tenants, (tenants + 1) * 96L, secs(t));
      AllocationService service = new AllocationService(pool);
      LocalDate day1 = LocalDate.of(2026, 1, 1);
      t = System.nanoTime();
      List<TenantUsage> first = service.forSite(site, day1, day1.plusDays(1)).await();
      System.out.printf("allocate 1 day from intervals: %d tenant usages in %.2f s%n", first.size(), secs(t));
      if (args.length > 1 && args[1].equals("day")) {
        return;
      }
      AllocatedSite.copyFirstDayOverJanuary(pool, site);
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
}
