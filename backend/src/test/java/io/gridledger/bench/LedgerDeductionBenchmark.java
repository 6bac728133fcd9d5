package io.gridledger.bench;

import io.gridledger.ledger.AccountKind;
import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.Transfer;
import io.gridledger.ledger.TransferResult;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prepaid deductions through {@link LedgerService#postBatch}, committed durably (PostgreSQL with fsync and
 * synchronous_commit on), for 10,000 wallets under a skewed load: 1% of the wallets take half of the deductions.
 * Each deduction is its own transfer (wallet -> electricity revenue, 1..50 minor units, a random id as a meter
 * interval would give). Every 50th wallet opens nearly empty, so refusals are part of the load. Afterwards the trial
 * balance is checked over HTTP and every wallet is checked against its limit. Prints deductions/s and batch latency.
 *
 * <p>Run: {@code mvn -q -B -pl backend test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.gridledger.bench.LedgerDeductionBenchmark -Dexec.args="30 10000 2000 4"} (seconds measured,
 * wallets, deductions per batch, concurrent batches), with GRIDLEDGER_TEST_DB_URL naming the server.
 */
public final class LedgerDeductionBenchmark {

  private static final long SEED = 42;
  /** Opening balances: the hot wallets hold enough for a run, most others plenty, every 50th almost nothing. */
  private static final long HOT_TOP_UP_MINOR = 100_000;
  private static final long TOP_UP_MINOR = 20_000;
  private static final long NEARLY_EMPTY_MINOR = 100;
  private static final int WARM_UP_SECONDS = 5;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int wallets = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
    int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    try (TestBackend backend = TestBackend.start(new JsonObject()
      .put("db", new JsonObject().put("poolSize", concurrency + 2))
      .put("ledger", new JsonObject().put("maxBatchTransfers", Math.max(5_000, batchSize)))
      .put("log", new JsonObject().put("level", "WARN")))) {
      Setup setup = setUp(backend, wallets);
      System.out.printf("setup: %d wallets; the hottest 1%% opened with %d minor, every 50th other (none of them with a credit limit) with %d, the rest "
        + "with %d; every 10th wallet has a 5,000 credit limit; load average %s%n", wallets, HOT_TOP_UP_MINOR,
        NEARLY_EMPTY_MINOR, TOP_UP_MINOR, loadAverage());
      run(backend, setup, seconds, batchSize, concurrency);
    }
    System.exit(0);
  }

  private record Setup(UUID siteId, UUID[] wallets, UUID revenue, UUID cash) {
  }

  private static Setup setUp(TestBackend backend, int walletCount) {
    ContractHttp http = ContractHttp.of(backend);
    String admin = backend.login(TestBackend.ADMIN);
    JsonObject doc = new JsonObject().put("site", new JsonObject().put("name", "Ledger benchmark site")
      .put("timeZone", "Europe/Berlin").put("currency", "EUR")).put("buildings", new JsonArray());
    UUID site = UUID.fromString(http.call("importSite", "POST", "/sites/import", admin, doc).json()
      .getJsonObject("site").getString("id"));
    backend.rows("INSERT INTO tenant (id, site_id, legal_name, billing_mode) SELECT gen_random_uuid(), '" + site
      + "', 'Bench tenant ' || n, 'prepaid' FROM generate_series(1, " + walletCount + ") AS n");
    LedgerService ledger = backend.app().ledger();
    ledger.openAccountsForSite(site).await();
    UUID[] wallets = backend.rows("SELECT id FROM ledger_account WHERE site_id = '" + site + "' AND kind = 'tenant_wallet' "
      + "ORDER BY id").stream().map(r -> UUID.fromString(((JsonObject) r).getString("id"))).toArray(UUID[]::new);
    UUID cash = ledger.openSiteAccount(site, AccountKind.CASH_CLEARING, "").await().id();
    UUID revenue = ledger.openSiteAccount(site, AccountKind.REVENUE, "electricity").await().id();
    for (int i = 0; i < wallets.length; i += 10) {
      ledger.setWalletLimits(wallets[i], 5_000, 1_000).await();
    }
    List<Transfer> topUps = new ArrayList<>();
    int hot = Math.max(1, wallets.length / 100);
    for (int i = 0; i < wallets.length; i++) {
      long amount = i < hot ? HOT_TOP_UP_MINOR : i % 50 == 5 ? NEARLY_EMPTY_MINOR : TOP_UP_MINOR;
      topUps.add(Transfer.of(UUID.randomUUID(), site, "EUR", "top_up", cash, wallets[i], amount, "opening", "bench"));
    }
    ledger.postBatch(topUps).await();
    return new Setup(site, wallets, revenue, cash);
  }

  private static void run(TestBackend backend, Setup setup, int seconds, int batchSize, int concurrency)
    throws Exception {
    LedgerService ledger = backend.app().ledger();
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong posted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong postedMinor = new AtomicLong();
    AtomicLong postedTotal = new AtomicLong();
    AtomicLong postedMinorTotal = new AtomicLong();
    List<long[]> latencies = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(concurrency);
    int hot = Math.max(1, setup.wallets().length / 100);
    for (int worker = 0; worker < concurrency; worker++) {
      Random random = new Random(SEED + worker);
      long[] batchMs = new long[1_000_000];
      int[] n = {0};
      latencies.add(batchMs);
      Thread thread = new Thread(() -> {
        try {
          while (!stop.get()) {
            List<Transfer> batch = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) {
              // Skew: half of the deductions go to the hottest 1% of the wallets.
              UUID wallet = random.nextBoolean() ? setup.wallets()[random.nextInt(hot)]
                : setup.wallets()[hot + random.nextInt(setup.wallets().length - hot)];
              batch.add(Transfer.of(UUID.randomUUID(), setup.siteId(), "EUR", "deduction", wallet, setup.revenue(),
                1 + random.nextInt(50), null, "bench"));
            }
            long start = System.nanoTime();
            List<TransferResult> results = ledger.postBatch(batch).await();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            long ok = 0;
            long okMinor = 0;
            for (int i = 0; i < results.size(); i++) {
              if (results.get(i).status() == TransferResult.Status.POSTED) {
                ok++;
                okMinor += batch.get(i).legs().get(0).amountMinor();
              }
            }
            postedTotal.addAndGet(ok);
            postedMinorTotal.addAndGet(okMinor);
            if (measuring.get()) {
              posted.addAndGet(ok);
              postedMinor.addAndGet(okMinor);
              refused.addAndGet(results.size() - ok);
              if (n[0] < batchMs.length) {
                batchMs[n[0]++] = elapsedMs;
              }
            }
          }
        } finally {
          batchMs[batchMs.length - 1] = n[0];
          done.countDown();
        }
      }, "bench-" + worker);
      thread.start();
    }
    Thread.sleep(WARM_UP_SECONDS * 1000L);
    measuring.set(true);
    long startNanos = System.nanoTime();
    String loadAtStart = loadAverage();
    Thread.sleep(seconds * 1000L);
    measuring.set(false);
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    String loadAtEnd = loadAverage();
    stop.set(true);
    done.await();
    report(backend, setup, elapsed, posted.get(), refused.get(), latencies, batchSize, concurrency, loadAtStart, loadAtEnd,
      postedMinorTotal.get());
  }

  private static void report(TestBackend backend, Setup setup, double elapsed, long posted, long refused,
                             List<long[]> latencies, int batchSize, int concurrency, String loadAtStart, String loadAtEnd,
                             long postedMinorTotal) {
    List<Long> all = new ArrayList<>();
    for (long[] l : latencies) {
      int n = (int) l[l.length - 1];
      for (int i = 0; i < n; i++) {
        all.add(l[i]);
      }
    }
    long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf("measured %.1f s: %,d deductions posted (%,.0f/s durable), %,d refused (insufficient funds), "
        + "batches of %d x %d concurrent%n", elapsed, posted, posted / elapsed, refused, batchSize, concurrency);
    if (sorted.length > 0) {
      System.out.printf("batch commit latency p50 / p95 / p99 / max: %d / %d / %d / %d ms (%d batches)%n",
        pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted[sorted.length - 1], sorted.length);
    }
    System.out.printf("load average at start / end of the measurement: %s / %s%n", loadAtStart, loadAtEnd);
    ContractHttp http = ContractHttp.of(backend);
    JsonObject trial = http.call("getTrialBalance", "GET", "/finance/trial-balance?siteId=" + setup.siteId(),
      backend.login(TestBackend.ADMIN), null).json();
    long below = backend.rows("SELECT count(*) AS n FROM ledger_account WHERE site_id = '" + setup.siteId()
      + "' AND kind = 'tenant_wallet' AND balance_minor < -credit_limit_minor").getJsonObject(0).getLong("n");
    long revenue = backend.app().ledger().account(setup.revenue()).await().balanceMinor();
    System.out.printf("trial balance: balanced=%s accounts=%d transfers=%,d mismatches=%d unbalanced=%d%n",
      trial.getBoolean("balanced"), trial.getInteger("accountsChecked"), trial.getLong("transfersChecked"),
      trial.getJsonArray("mismatches").size(), trial.getJsonArray("unbalancedTransfers").size());
    System.out.printf("revenue balance %,d minor = sum of posted deductions %,d: %s; wallets below their limit: %d; "
        + "exhausted wallets: %d%n", revenue, postedMinorTotal, revenue == postedMinorTotal, below,
      backend.rows("SELECT count(*) AS n FROM ledger_account WHERE site_id = '" + setup.siteId() + "' AND kind = "
        + "'tenant_wallet' AND balance_minor + credit_limit_minor <= 0").getJsonObject(0).getLong("n"));
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static String loadAverage() {
    try {
      return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
    } catch (Exception e) {
      return "n/a";
    }
  }

}
