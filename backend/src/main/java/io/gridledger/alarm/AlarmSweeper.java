package io.gridledger.alarm;

import io.gridledger.alarm.SweepQueries.Counts;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Raises and clears the alarms that come from the absence or the shape of data rather than from one reading: meters
 * and gateways gone silent, water flowing all night, a day far off the meter's own baseline. Every minute one sweep
 * runs each detector ({@link OfflineDetector}, {@link LeakDetector}, {@link AbnormalConsumptionDetector}) as one or two set-based statements over the whole installation and raises (through
 * {@link AlarmService}, so one alarm stays open per meter and kind) what is newly true and clears, as "system", what
 * is no longer true. Sweeps are idempotent: an alarm already open for the same condition is left alone, so a
 * condition that lasts does not bump occurrences every minute; a leak on a new night or an abnormal new day does.
 *
 * <p>Daily verdicts (leak, abnormal consumption) are only given on complete data: missing intervals mean "no
 * verdict", never "resolved", so late data can still raise or clear the alarm on a later sweep.
 */
public final class AlarmSweeper extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AlarmSweeper.class);

  /** What one sweep did, per detector. */
  record SweepResult(Counts deviceOffline, Counts gatewayOffline, Counts leak, Counts abnormal) {
  }

  private final long periodMs;
  private final io.gridledger.cluster.RunOnce once;
  private final OfflineDetector offline;
  private final LeakDetector leak;
  private final AbnormalConsumptionDetector abnormal;
  private long timer = -1;
  private boolean running;

  /** {@code periodMs <= 0}: no timer, sweeps run only when {@link #sweep(Instant)} is called (tests). */
  public AlarmSweeper(Pool pool, long periodMs) {
    this(pool, new AlarmService(pool), periodMs, null, AlarmThresholds.defaults());
  }

  /**
   * @param once null: sweep on every tick; otherwise only on the instance that leads the "alarm-sweep" job, so
   *             several instances sharing a database sweep once per period between them
   */
  public AlarmSweeper(Pool pool, AlarmService alarms, long periodMs, io.gridledger.cluster.RunOnce once,
                      AlarmThresholds thresholds) {
    SweepQueries queries = new SweepQueries(pool);
    this.periodMs = periodMs;
    this.once = once;
    this.offline = new OfflineDetector(queries, alarms, thresholds);
    this.leak = new LeakDetector(queries, alarms, thresholds);
    this.abnormal = new AbnormalConsumptionDetector(queries, alarms, thresholds);
  }

  @Override
  public Future<?> start() {
    if (periodMs > 0) {
      timer = vertx.setPeriodic(periodMs, id -> tick());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return once == null ? Future.succeededFuture() : once.close();
  }

  /** A sweep still running when the next is due (a slow database) makes the next one skip, not pile up. */
  private void tick() {
    if (running) {
      LOG.warn("alarm sweep skipped: the previous one is still running");
      return;
    }
    running = true;
    Future<?> swept = once == null ? sweep(Instant.now()) : once.run(() -> sweep(Instant.now()));
    swept.onComplete(ar -> running = false);
  }

  /** One sweep as of {@code now}: every detector runs even when another fails; the first failure fails the result. */
  Future<Void> sweep(Instant now) {
    return sweepCounts(now).mapEmpty();
  }

  Future<SweepResult> sweepCounts(Instant now) {
    long started = System.nanoTime();
    List<Throwable> failures = new ArrayList<>();
    Counts[] counts = new Counts[4];
    return guarded("device_offline", () -> offline.deviceOffline(now), failures).map(c -> counts[0] = c)
      .compose(v -> guarded("gateway_offline", () -> offline.gatewayOffline(now), failures)).map(c -> counts[1] = c)
      .compose(v -> guarded("leak", () -> leak.leak(now), failures)).map(c -> counts[2] = c)
      .compose(v -> guarded("abnormal_consumption", () -> abnormal.abnormal(now), failures)).map(c -> counts[3] = c)
      .compose(v -> {
        SweepResult result = new SweepResult(counts[0], counts[1], counts[2], counts[3]);
        LOG.info("alarm sweep now={} device_offline={} gateway_offline={} leak={} abnormal_consumption={} failed={} ms={}",
          now, result.deviceOffline(), result.gatewayOffline(), result.leak(), result.abnormal(), failures.size(),
          (System.nanoTime() - started) / 1_000_000);
        return failures.isEmpty() ? Future.succeededFuture(result) : Future.failedFuture(failures.get(0));
      });
  }

  private static Future<Counts> guarded(String detector, Supplier<Future<Counts>> run, List<Throwable> failures) {
    Future<Counts> f;
    try {
      f = run.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.recover(e -> {
      LOG.warn("alarm detector failed detector={} error={}", detector, e.toString());
      failures.add(e);
      return Future.succeededFuture(Counts.NONE);
    });
  }
}
