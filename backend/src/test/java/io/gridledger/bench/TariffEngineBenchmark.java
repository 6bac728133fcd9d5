package io.gridledger.bench;

import io.gridledger.tariff.IntervalUsage;
import io.gridledger.tariff.PeakDemand;
import io.gridledger.tariff.RatingInput;
import io.gridledger.tariff.RatingResult;
import io.gridledger.tariff.TariffDocument;
import io.gridledger.tariff.TariffEngine;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Rating cost: one month (2,976 intervals) of a tenant against a TOU tariff with two seasons, a flat and a peak
 * demand charge with a ratchet, a levy and VAT, rated N times (default 10,000, a bill run) on T threads. Prints
 * CPU microseconds per rating (thread CPU time: robust on a shared machine), wall time, and the bytes allocated per rating on the calling thread (single-threaded pass).
 *
 * <p>Run: {@code mvn -q -B -pl backend test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.gridledger.bench.TariffEngineBenchmark -Dexec.args="10000 2"}.
 */
public final class TariffEngineBenchmark {

  static final String TARIFF = """
    {"utility": "electricity", "unit": "kWh", "currency": "EUR",
     "schedules": [{"id": "tou", "periods": ["peak", "shoulder", "offpeak"], "defaultPeriod": "offpeak",
       "seasons": [{"id": "summer", "from": "04-01", "to": "09-30"}, {"id": "winter", "from": "10-01", "to": "03-31"}],
       "windows": [{"period": "peak", "dayTypes": ["weekday"], "from": "08:00", "to": "20:00"},
                   {"period": "shoulder", "dayTypes": ["weekend"], "seasons": ["winter"], "from": "10:00", "to": "18:00"}]}],
     "components": [{"id": "standing", "kind": "fixed", "amount": "14.90"},
       {"id": "energy", "kind": "energy", "rates": {"peak": "0.3120", "shoulder": "0.2630", "offpeak": "0.2240"}},
       {"id": "demand", "kind": "demand", "rate": "9.80", "ratchet": {"percent": "75", "months": 11}},
       {"id": "peak-demand", "kind": "demand", "rates": {"peak": "4.10"}},
       {"id": "levy", "kind": "tax", "perUnit": "0.0205", "appliesTo": ["energy"]},
       {"id": "vat", "kind": "tax", "percent": "19"}]}""";

  public static void main(String[] args) throws Exception {
    int ratings = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    TariffDocument tariff = TariffDocument.parse(new JsonObject(TARIFF));
    ZoneId zone = ZoneId.of("Europe/Berlin");
    LocalDate start = LocalDate.of(2026, 1, 1);
    long first = start.atStartOfDay(zone).toEpochSecond();
    int n = 2976;
    long[] starts = new long[n];
    long[] qty = new long[n];
    for (int i = 0; i < n; i++) {
      starts[i] = first + 900L * i;
      qty[i] = 200 + (i * 7919L) % 900;
    }
    List<PeakDemand> history = new ArrayList<>();
    for (int m = 1; m <= 11; m++) {
      history.add(new PeakDemand(YearMonth.of(2025, m + 1), null, BigDecimal.valueOf(3 + m)));
    }
    RatingInput input = new RatingInput(zone, start, start.plusMonths(1), start, start.plusMonths(1), Set.of(),
      new IntervalUsage(900, starts, qty), history, 0, 0, "EUR");
    for (int i = 0; i < 2000; i++) {
      TariffEngine.rate(tariff, input);
    }
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long bytesBefore = mx.getCurrentThreadAllocatedBytes();
    long cpuBefore = mx.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    RatingResult last = null;
    for (int i = 0; i < ratings; i++) {
      last = TariffEngine.rate(tariff, input);
    }
    long singleNs = System.nanoTime() - t0;
    long bytes = mx.getCurrentThreadAllocatedBytes() - bytesBefore;
    long cpuNs = mx.getCurrentThreadCpuTime() - cpuBefore;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long t1 = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        for (int i = 0; i < ratings / threads; i++) {
          TariffEngine.rate(tariff, input);
        }
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    long parallelNs = System.nanoTime() - t1;
    pool.shutdown();
    System.out.printf("ratings=%d intervals/rating=%d total=%d minor%n", ratings, n, last.totalMinor());
    System.out.printf("single thread: %.1f us CPU/rating (%.1f us wall), %d bytes allocated/rating%n",
      cpuNs / 1000.0 / ratings, singleNs / 1000.0 / ratings, bytes / ratings);
    System.out.printf("%d threads: %.1f us/rating wall (%d ratings in %.0f ms)%n", threads,
      parallelNs / 1000.0 / ratings, ratings, parallelNs / 1e6);
  }
}
