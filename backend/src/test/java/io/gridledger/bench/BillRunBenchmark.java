package io.gridledger.bench;

import io.gridledger.allocation.AllocatedUsage;
import io.gridledger.allocation.TenantUsage;
import io.gridledger.allocation.UsageSource;
import io.gridledger.billing.BillingPeriod;
import io.gridledger.billing.TenantRater;
import io.gridledger.postpaid.IssuedDocument;
import io.gridledger.postpaid.Receivables;
import io.gridledger.tariff.IntervalUsage;
import io.gridledger.tariff.TariffDocument;
import io.gridledger.tariff.TariffStore;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bill run of N tenants (default 10,000) x one month of 15-minute data (January 2026 in Europe/Berlin: 2,976
 * intervals each, 29.76 million for 10,000) against {@link TariffEngineBenchmark#TARIFF}: 3 TOU periods, a flat
 * demand charge with ratchet, a TOU demand charge, a levy and VAT.
 *
 * <p>What it measures, in order, on a fresh database (real PostgreSQL, the backend in-process):
 * <ol>
 *   <li>rating only: {@link TenantRater} over every tenant on T threads (the CPU part of a run; no database);</li>
 *   <li>the first run through {@code BillingService.startRun}: from the request to status {@code completed}, with the
 *   usage served by an in-memory {@link AllocatedUsage} that holds the raw 15-minute intervals (so allocation's own
 *   cost is not in the figure), including reading tariffs, rating, and writing N draft invoices with their lines;</li>
 *   <li>the same run again: the period is unchanged, so it must create and change nothing (checked, and printed).</li>
 * </ol>
 * Run: build the test classpath, then
 * {@code java -cp backend/target/classes:backend/target/test-classes:$(cat cp.txt) io.gridledger.bench.BillRunBenchmark 10000 2}
 * with {@code GRIDLEDGER_TEST_DB_URL} set (docs/benchmarks.md).
 */
public final class BillRunBenchmark {

  private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
  private static final LocalDate JAN = LocalDate.of(2026, 1, 1);
  private static final LocalDate FEB = LocalDate.of(2026, 2, 1);

  public static void main(String[] args) throws Exception {
    int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    System.out.printf("load average before: %s%n", loadAverage());
    MemoryUsage usage = new MemoryUsage();
    NoPostings postings = new NoPostings();
    try (TestBackend backend = TestBackend.start(new JsonObject()
        .put("db", new JsonObject().put("poolSize", 4))
        .put("billing", new JsonObject().put("ratingThreads", threads)),
      app -> app.billingCollaborators(usage, postings, Clock.systemUTC()))) {
      Pool pool = backend.pool();
      UUID siteId = seed(pool, tenants);
      long t0 = System.nanoTime();
      usage.build(pool, siteId);
      System.out.printf("tenants=%d intervals=%d (%.1f M) usage built in %.1f s%n", tenants, usage.intervals(),
        usage.intervals() / 1e6, (System.nanoTime() - t0) / 1e9);

      double rateOnly = rateOnly(pool, siteId, usage, threads);
      System.out.printf("rating only (%d threads, no database): %.2f s, %.0f us/tenant wall%n", threads, rateOnly,
        rateOnly * 1e6 / tenants);

      RunFigures first = run(backend, siteId);
      System.out.printf("first run: %.2f s (request to completed), outcomes=%s, invoices=%d lines=%d total=%d minor%n",
        first.seconds, first.outcomes, backend.count("invoice"), backend.count("invoice_line"), totalMinor(pool));
      String before = digest(pool);
      RunFigures second = run(backend, siteId);
      String after = digest(pool);
      System.out.printf("repeated run: %.2f s, outcomes=%s, invoices=%d, database %s%n", second.seconds,
        second.outcomes, backend.count("invoice"), before.equals(after) ? "unchanged" : "CHANGED");
      if (!before.equals(after) || second.outcomes.getInteger("unchanged") != tenants) {
        throw new AssertionError("the repeated run changed something: " + second.outcomes);
      }
    }
    System.out.printf("load average after: %s%n", loadAverage());
  }

  /** A site, N postpaid tenants and the TOU tariff assigned to all, written in SQL (seeding is not measured). */
  private static UUID seed(Pool pool, int tenants) {
    UUID siteId = UUID.randomUUID();
    pool.preparedQuery("INSERT INTO site (id, name, time_zone, currency) VALUES ($1, 'Bench Park', $2, 'EUR')")
      .execute(Tuple.of(siteId, ZONE.getId())).await();
    pool.preparedQuery("INSERT INTO tenant (id, site_id, legal_name, billing_mode) SELECT gen_random_uuid(), $1, "
      + "'Tenant ' || lpad(g::text, 6, '0'), 'postpaid' FROM generate_series(1, $2) g").execute(Tuple.of(siteId, tenants))
      .await();
    UUID tariffId = TariffStore.create(pool, siteId, "Bench TOU", JAN,
      TariffDocument.parse(new JsonObject(TariffEngineBenchmark.TARIFF))).await();
    pool.preparedQuery("INSERT INTO tariff_assignment (site_id, tenant_id, utility, tariff_id, effective_from) "
      + "SELECT $1, id, 'electricity', $2, $3 FROM tenant WHERE site_id = $1").execute(Tuple.of(siteId, tariffId, JAN))
      .await();
    return siteId;
  }

  private static double rateOnly(Pool pool, UUID siteId, MemoryUsage usage, int threads) throws Exception {
    TariffStore store = new TariffStore(pool);
    Map<UUID, Map<String, List<TariffStore.TariffAssignment>>> assignments = new HashMap<>();
    Map<UUID, List<TariffStore.TariffVersionRef>> versions = new HashMap<>();
    for (TariffStore.TariffAssignment a : store.assignmentsFor(siteId, JAN, FEB).await()) {
      assignments.computeIfAbsent(a.tenantId(), k -> new HashMap<>()).computeIfAbsent(a.utility(), k -> new ArrayList<>())
        .add(a);
      versions.computeIfAbsent(a.tariffId(), id -> store.versionsFor(id, JAN, FEB).await());
    }
    TenantRater rater = new TenantRater(new TenantRater.Context(ZONE, "EUR", new BillingPeriod(JAN, FEB),
      java.util.Set.of(), assignments, versions));
    List<TenantUsage> all = usage.all;
    for (int i = 0; i < Math.min(500, all.size()); i++) {
      rater.rate(all.get(i).tenantId(), List.of(all.get(i)), Map.of());
    }
    ExecutorService exec = Executors.newFixedThreadPool(threads);
    AtomicLong checksum = new AtomicLong();
    long t0 = System.nanoTime();
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      done.add(exec.submit(() -> {
        for (int i = offset; i < all.size(); i += threads) {
          checksum.addAndGet(rater.rate(all.get(i).tenantId(), List.of(all.get(i)), Map.of()).totalMinor());
        }
      }));
    }
    for (var f : done) {
      f.get();
    }
    exec.shutdown();
    return (System.nanoTime() - t0) / 1e9;
  }

  record RunFigures(double seconds, JsonObject outcomes) {
  }

  static RunFigures run(TestBackend backend, UUID siteId) throws InterruptedException {
    long t0 = System.nanoTime();
    UUID runId = backend.app().billing().startRun(siteId, new BillingPeriod(JAN, FEB), "bench").await();
    while (true) {
      Row row = backend.pool().preparedQuery("SELECT status, outcomes FROM bill_run WHERE id = $1")
        .execute(Tuple.of(runId)).await().iterator().next();
      if (row.getString("status").equals("completed")) {
        return new RunFigures((System.nanoTime() - t0) / 1e9, row.getJsonObject("outcomes"));
      }
      if (row.getString("status").equals("failed")) {
        throw new AssertionError("run failed");
      }
      Thread.sleep(20);
    }
  }

  static long totalMinor(Pool pool) {
    return pool.query("SELECT coalesce(sum(total_minor), 0) AS t FROM invoice").execute().await().iterator().next()
      .getLong("t");
  }

  /** Every invoice and line, hashed: equal before and after the repeated run means it changed nothing. */
  static String digest(Pool pool) {
    return pool.query("SELECT md5(string_agg(i::text, '|' ORDER BY i.id)) || md5(coalesce((SELECT string_agg(l::text, '|' "
        + "ORDER BY l.invoice_id, l.position) FROM invoice_line l), '')) AS h FROM invoice i").execute().await()
      .iterator().next().getString("h");
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }

  /** Allocation served from memory: every tenant's raw 15-minute intervals for January, built once. */
  static final class MemoryUsage implements AllocatedUsage {
    List<TenantUsage> all = List.of();

    void build(Pool pool, UUID siteId) {
      long first = JAN.atStartOfDay(ZONE).toEpochSecond();
      int n = (int) ((FEB.atStartOfDay(ZONE).toEpochSecond() - first) / 900);
      long[] starts = new long[n];
      for (int i = 0; i < n; i++) {
        starts[i] = first + 900L * i;
      }
      List<TenantUsage> out = new ArrayList<>();
      int k = 0;
      for (Row row : pool.preparedQuery("SELECT id FROM tenant WHERE site_id = $1 ORDER BY legal_name")
        .execute(Tuple.of(siteId)).await()) {
        long[] qty = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
          qty[i] = 100 + (i * 7919L + k * 104_729L) % 900;
          total += qty[i];
        }
        UsageSource source = new UsageSource(UUID.randomUUID(), String.format("M-%06d", k), "energy_active_import",
          null, "direct", total, total, 1000.0, 1000.0 + total / 1000.0, false);
        out.add(new TenantUsage(row.getUUID("id"), "electricity", "kWh", JAN, FEB, new IntervalUsage(900, starts, qty),
          false, List.of(source)));
        k++;
      }
      all = out;
    }

    long intervals() {
      return all.stream().mapToLong(u -> u.usage().size()).sum();
    }

    @Override
    public Future<List<TenantUsage>> forSite(UUID siteId, LocalDate from, LocalDate to) {
      return Future.succeededFuture(all);
    }

    @Override
    public Future<List<TenantUsage>> forTenant(UUID tenantId, LocalDate from, LocalDate to) {
      return Future.succeededFuture(all.stream().filter(u -> u.tenantId().equals(tenantId)).toList());
    }
  }

  /** The run writes drafts only; nothing is issued, so nothing is posted. */
  static final class NoPostings implements Receivables {
    @Override
    public Future<Void> postIssued(SqlConnection tx, IssuedDocument document) {
      return Future.succeededFuture();
    }
  }
}
