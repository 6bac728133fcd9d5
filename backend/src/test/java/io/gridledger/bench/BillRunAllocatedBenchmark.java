package io.gridledger.bench;

import io.gridledger.allocation.TenantUsage;
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
 * With a third argument {@code raw}, all of January is seeded as raw meter intervals instead and vacuumed, and the
 * month is billed with nothing allocated: in a fresh JVM, then again (allocation and drafts discarded) in the warmed
 * JVM, then from the rollups those runs wrote day by day.
 *
 * <p>Run: build the test classpath, then
 * {@code java -cp backend/target/classes:backend/target/test-classes:$(cat cp.txt) io.gridledger.bench.BillRunAllocatedBenchmark 10000 2 [raw]}
 * with {@code GRIDLEDGER_TEST_DB_URL} set (docs/benchmarks.md).
 */
public final class BillRunAllocatedBenchmark {

  private static final LocalDate JAN = LocalDate.of(2026, 1, 1);
  private static final LocalDate FEB = LocalDate.of(2026, 2, 1);

  public static void main(String[] args) throws Exception {
    int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    boolean raw = args.length > 2 && args[2].equals("raw");
    System.out.printf("load average before: %s%n", BillRunBenchmark.loadAverage());
    try (TestBackend backend = TestBackend.start(new JsonObject()
      .put("db", new JsonObject().put("poolSize", 4))
      .put("billing", new JsonObject().put("ratingThreads", threads))
      .put("allocation", new JsonObject().put("maintainIntervalSeconds", 0)))) {
      Pool pool = backend.pool();
      UUID site = UUID.randomUUID();
      long t = System.nanoTime();
      seed(pool, site, tenants, raw ? 31 : 1);
      System.out.printf("seeded %d tenants, %d raw intervals for %s in %.1f s%n", tenants,
        (tenants + 1) * 96L * (raw ? 31 : 1), raw ? "all of January" : "1 Jan", secs(t));
      if (raw) {
        // A month of intervals arrives over a month, and autovacuum processes the table several times on the way
        // (PostgreSQL vacuums after inserts too). One bulk insert leaves that to the first reader: every page's hint
        // bits get set, and the page written again, inside the timed run.
        vacuum(pool, "seeded month vacuumed and analyzed");
        runTwice(backend, pool, site, tenants, "first run from raw intervals, nothing allocated, fresh JVM");
        // The same again in a JVM that has run it once (as a server that has been up does): drafts and stored
        // allocation discarded, tables vacuumed.
        discardRuns(pool, site);
        discardAllocation(pool, site);
        vacuum(pool, "drafts and allocation discarded");
        runTwice(backend, pool, site, tenants, "again from raw intervals, nothing allocated, JVM warm");
        // The same month again from the rollups that run left behind, written day by day as the maintainer writes
        // them: its drafts are discarded, and the tables vacuumed and analyzed as autovacuum would have by then.
        discardRuns(pool, site);
        vacuum(pool, "drafts discarded");
        runTwice(backend, pool, site, tenants, "first run from the rollups maintained day by day");
        return;
      }

      t = System.nanoTime();
      List<TenantUsage> day = backend.app().allocation().forSite(site, JAN, JAN.plusDays(1)).await();
      System.out.printf("allocate 1 day from raw intervals: %d tenant usages in %.2f s%n", day.size(), secs(t));
      AllocatedSite.copyFirstDayOverJanuary(pool, site);

      t = System.nanoTime();
      List<TenantUsage> month = backend.app().allocation().forSite(site, JAN, FEB).await();
      long intervals = month.stream().mapToLong(u -> u.usage().size()).sum();
      System.out.printf("forSite month from maintained rollups: %d tenant usages, %d intervals in %.2f s%n",
        month.size(), intervals, secs(t));
      month = null;
      // The copied month's rows were all written just now; a month of maintained rollups would long since have been
      // vacuumed and checkpointed, so that is done before timing (as the raw mode does).
      vacuum(pool, "copied month vacuumed and analyzed");

      runTwice(backend, pool, site, tenants, "first run from maintained rollups");
    } finally {
      System.out.printf("load average after: %s%n", BillRunBenchmark.loadAverage());
    }
  }

  /** VACUUM ANALYZE, then a checkpoint, so that the next timed run does not write back the pages changed before. */
  private static void vacuum(Pool pool, String what) {
    long t = System.nanoTime();
    AllocatedSite.exec(pool, "VACUUM ANALYZE", null);
    AllocatedSite.exec(pool, "CHECKPOINT", null);
    System.out.printf("%s, VACUUM ANALYZE and CHECKPOINT in %.1f s%n", what, secs(t));
  }

  /** Everything allocation stored for the site: the next run finds every day missing. */
  private static void discardAllocation(Pool pool, UUID site) {
    for (String table : List.of("allocated_usage", "allocated_tenant_day", "allocated_source_day", "allocation_day")) {
      AllocatedSite.exec(pool, "DELETE FROM " + table + " WHERE site_id = $1", site);
    }
  }

  private static void discardRuns(Pool pool, UUID site) {
    AllocatedSite.exec(pool, "DELETE FROM invoice_line WHERE invoice_id IN (SELECT id FROM invoice WHERE site_id = $1)",
      site);
    AllocatedSite.exec(pool, "DELETE FROM invoice WHERE site_id = $1", site);
    AllocatedSite.exec(pool, "DELETE FROM bill_run WHERE site_id = $1", site);
  }

  /** The first run, then the same period again, which must change nothing (checked by digest). */
  private static void runTwice(TestBackend backend, Pool pool, UUID site, int tenants, String first)
    throws InterruptedException {
    BillRunBenchmark.RunFigures run = BillRunBenchmark.run(backend, site);
    System.out.printf("%s: %.2f s (request to completed), outcomes=%s, invoices=%d lines=%d total=%d minor%n", first,
      run.seconds(), run.outcomes(), backend.count("invoice"), backend.count("invoice_line"),
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

  private static double secs(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** The allocated site, plus the TOU tariff assigned to every tenant. */
  private static void seed(Pool pool, UUID site, int n, int rawDays) {
    AllocatedSite.seed(pool, site, n, java.time.ZoneId.of("Europe/Berlin"), rawDays);
    UUID tariffId = TariffStore.create(pool, site, "Bench TOU", JAN,
      TariffDocument.parse(new JsonObject(TariffEngineBenchmark.TARIFF))).await();
    pool.preparedQuery("INSERT INTO tariff_assignment (site_id, tenant_id, utility, tariff_id, effective_from) "
      + "SELECT $1, id, 'electricity', $2, $3 FROM tenant WHERE site_id = $1").execute(Tuple.of(site, tariffId, JAN))
      .await();
  }
}
