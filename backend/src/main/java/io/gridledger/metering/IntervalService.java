package io.gridledger.metering;

import io.gridledger.alarm.AlarmKind;
import io.gridledger.alarm.AlarmService;
import io.gridledger.ingest.MeterDirectory;
import io.gridledger.metering.vee.Anomaly;
import io.gridledger.metering.vee.RegisterReading;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps interval_consumption equal to what {@link io.gridledger.metering.vee.IntervalCalculator} derives from the raw readings. Requests for a
 * span of a register are merged while waiting; each is then rebuilt from the readings bracketing the span, so late,
 * out-of-order and corrected data gives the same intervals as data that came in order. Quarantined readings and
 * anomalies become rows and alarms. At start it also rebuilds what arrived in the last day, in case the process died
 * between storing readings and deriving their intervals.
 */
public final class IntervalService extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IntervalService.class);
  public static final Duration INTERVAL = Duration.ofMinutes(15);


  /**
   * A change to rebuild. {@code deferrable}: new readings that may wait until they complete an interval (see
   * {@link #canWait}); exchanges and catch-up are never deferred. {@code queuedAt} bounds how long one waits.
   * {@code fresh}: the new readings themselves (sorted by ts, owned by the span), or null when not all are known.
   */
  private record Span(UUID meterId, String register, Instant from, Instant to, boolean deferrable, long queuedAtMs,
                      List<RegisterReading> fresh) {
    Span(UUID meterId, String register, Instant from, Instant to, boolean deferrable, long queuedAtMs) {
      this(meterId, register, from, to, deferrable, queuedAtMs, null);
    }
  }

  /** A meter register, as new readings are grouped by. */
  private record Series(UUID meterId, String register) {
  }

  /** Series rebuilt in one transaction: enough to make per-statement costs vanish, small enough to stay short. */
  private static final int BATCH_SERIES = 200;
  /** Readings in order that complete no interval change nothing but may wait; this bounds the wait. */
  private static final long MAX_DEFERRAL_MS = INTERVAL.toMillis();
  /** Per series, the latest reading the last rebuild covered: in-order data after it can be told apart. */
  private final Map<String, Instant> coveredUpTo = new java.util.HashMap<>();
  /** Per series, where the rebuild that just committed began: the virtual meters using it are derived from there. */
  private final Map<String, Instant[]> coveredWindow = new java.util.HashMap<>();
  /** Per series, its end as the last rebuild left it, from which in-order readings are derived without queries. */
  private final Map<String, SeriesTail> tails = new java.util.HashMap<>();
  /** Series with a meter exchange: always rebuilt through the queries, which load the exchanges. */
  private final java.util.Set<String> exchangeSeries = new java.util.HashSet<>();

  private final Pool pool;
  private final MeterDirectory meters;
  private final AlarmService alarms;
  private final long delayMs;
  private final VirtualMeterDerivation virtualMeters;
  private final ComputedHeatDerivation computedMeters;
  private final int concurrency;
  private IntervalEvents liveIntervals;
  private long drainTimer = -1;
  private final Map<String, Span> pending = new LinkedHashMap<>();
  /** Series being rebuilt: a second rebuild of the same series waits, so two never overwrite each other. */
  private final java.util.Set<String> runningKeys = new java.util.HashSet<>();
  private int running;

  /**
   * @param delayMs     how long a change waits before its rebuild, so a burst of readings for one series costs one
   *                    rebuild, not one per batch (raw readings are durable meanwhile; only derivation lags)
   * @param concurrency series rebuilt at once: bounded, so derivation never starves ingest of connections
   */
  public IntervalService(Pool pool, MeterDirectory meters, AlarmService alarms, long delayMs, int concurrency) {
    this.pool = pool;
    this.meters = meters;
    this.alarms = alarms;
    this.delayMs = delayMs;
    this.concurrency = concurrency;
    this.virtualMeters = new VirtualMeterDerivation(meters, alarms);
    this.computedMeters = new ComputedHeatDerivation(meters);
  }

  @Override
  public Future<?> start() {
    liveIntervals = new IntervalEvents(vertx, pool, meters);
    vertx.eventBus().<JsonArray>localConsumer(IntervalRecompute.ADDRESS, message -> {
      message.body().forEach(o -> enqueue((JsonObject) o));
      scheduleDrain();
    });
    IntervalRecompute.codec(vertx);
    vertx.eventBus().<IntervalRecompute.NewReadings>localConsumer(IntervalRecompute.READINGS_ADDRESS,
      message -> newReadings(message.body().readings()));
    return pool.query("SELECT DISTINCT meter_id, register FROM meter_exchange").execute()
      .onSuccess(rows -> rows.forEach(row -> exchangeSeries.add(row.getUUID(0) + "|" + row.getString(1))))
      .compose(v -> pool.query("SELECT meter_id, register, min(ts) AS from_ts, max(ts) AS to_ts FROM reading "
        + "WHERE received_at > now() - interval '1 day' GROUP BY meter_id, register").execute()
      .onSuccess(rows -> {
        for (Row row : rows) {
          if (RegisterVocabulary.isCumulative(row.getString("register"))) {
            merge(new Span(row.getUUID("meter_id"), row.getString("register"),
              row.getOffsetDateTime("from_ts").toInstant(), row.getOffsetDateTime("to_ts").toInstant(), false,
              System.currentTimeMillis()));
          }
        }
        drain();
      }))
      .onSuccess(v -> vertx.setPeriodic(10_000, id -> scheduleDrain()));
  }

  private void scheduleDrain() {
    if (drainTimer < 0) {
      drainTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
        drainTimer = -1;
        drain();
      });
    }
  }

  /** How many spans wait or run; tests and benchmarks wait for zero. */
  public int backlog() {
    return pending.size() + running;
  }

  /**
   * Readings just committed: per series, cumulative registers are queued with their readings (in-order ones are then
   * derived from memory), temperatures as spans for the computed meters that use them.
   */
  private void newReadings(List<StoredReading> inserted) {
    Map<Series, List<RegisterReading>> bySeries = new java.util.HashMap<>();
    for (StoredReading r : inserted) {
      bySeries.computeIfAbsent(new Series(r.meterId(), r.register()), k -> new ArrayList<>())
        .add(new RegisterReading(r.ts(), r.value()));
    }
    long now = System.currentTimeMillis();
    bySeries.forEach((series, readings) -> {
      boolean cumulative = RegisterVocabulary.isCumulative(series.register());
      if (!cumulative && !IntervalRecompute.isTemperature(series.register())) {
        return;
      }
      readings.sort(BY_TS);
      Span span = new Span(series.meterId(), series.register(), readings.get(0).ts(),
        readings.get(readings.size() - 1).ts(), true, now, cumulative ? readings : null);
      if (cumulative) {
        merge(span);
      } else {
        queueComputedForLateTemperatures(span);
      }
    });
    scheduleDrain();
  }

  private static final java.util.Comparator<RegisterReading> BY_TS = java.util.Comparator.comparing(RegisterReading::ts);

  private void enqueue(JsonObject entry) {
    Span span = new Span(UUID.fromString(entry.getString("meterId")), entry.getString("register"),
      Instant.parse(entry.getString("from")), Instant.parse(entry.getString("to")), entry.getBoolean("deferrable", false),
      System.currentTimeMillis());
    if (!span.deferrable()) {
      exchangeSeries.add(span.meterId() + "|" + span.register());   // only exchanges ask by span (see IntervalRecompute)
    }
    if (IntervalRecompute.isTemperature(span.register())) {
      queueComputedForLateTemperatures(span);
    } else {
      merge(span);
    }
  }

  /**
   * Temperatures that arrive with or before their volume are used when the volume's intervals are rebuilt (that
   * rebuild derives the computed meters). Temperatures older than what the volume's last rebuild covered arrived too
   * late for it: the computed meters using them are derived again over the quarter hours they touch.
   */
  private void queueComputedForLateTemperatures(Span temperatures) {
    MeterDirectory.MeterRef meter = meters.byId(temperatures.meterId());
    if (meter == null) {
      return;
    }
    for (MeterDirectory.MeterRef computed : meters.computedMetersUsing(meter.siteId(), meter.serial())) {
      JsonObject source = computed.binding().getJsonObject("source");
      boolean used = temperatures.register().equals(source.getString("supplyRegister", "temperature_supply"))
        || temperatures.register().equals(source.getString("returnRegister", "temperature_return"));
      Instant covered = coveredUpTo.get(meter.id() + "|" + source.getString("volumeRegister", "volume"));
      if (used && covered != null && temperatures.from().isBefore(alignDown(covered))) {
        Instant to = alignUp(temperatures.to()).isAfter(alignDown(covered)) ? alignDown(covered) : alignUp(temperatures.to());
        merge(new Span(computed.id(), "*", alignDown(temperatures.from()), to, false, System.currentTimeMillis()));
      }
    }
  }

  private void merge(Span span) {
    pending.merge(span.meterId() + "|" + span.register(), span, (a, b) -> new Span(a.meterId(), a.register(),
      a.from().isBefore(b.from()) ? a.from() : b.from(), a.to().isAfter(b.to()) ? a.to() : b.to(),
      a.deferrable() && b.deferrable(), Math.min(a.queuedAtMs(), b.queuedAtMs()), mergeFresh(a.fresh(), b.fresh())));
  }

  /** The readings of both spans (a's list is the waiting span's own, so it grows in place); null if not all known. */
  private static List<RegisterReading> mergeFresh(List<RegisterReading> a, List<RegisterReading> b) {
    if (a == null || b == null || a.size() + b.size() > SeriesTail.MAX_READINGS) {
      return null;
    }
    boolean inOrder = a.isEmpty() || b.isEmpty() || a.get(a.size() - 1).ts().isBefore(b.get(0).ts());
    a.addAll(b);
    if (!inOrder) {
      a.sort(BY_TS);
    }
    return a;
  }

  /**
   * New readings that all come after what the last rebuild covered, and still lie in the same quarter hour as its
   * last reading, complete no interval: rebuilding now would compute nothing new. They wait (bounded) until a
   * reading crosses the quarter hour. At one poll a second this turns 900 rebuilds per interval into one; any
   * quarantine among the waiting readings is found at that rebuild, within one interval.
   */
  private boolean canWait(String key, Span span) {
    Instant covered = coveredUpTo.get(key);
    return span.deferrable() && covered != null && span.from().isAfter(covered)
      && alignDown(span.to()).equals(alignDown(covered))
      && System.currentTimeMillis() - span.queuedAtMs() < MAX_DEFERRAL_MS;
  }

  private void drain() {
    int slots = concurrency - running;
    List<Span> batch = new ArrayList<>();
    Iterator<Map.Entry<String, Span>> it = pending.entrySet().iterator();
    // A partly filled batch already holds its slot, so it keeps filling after the last slot is taken.
    while (it.hasNext() && (slots > 0 || (!batch.isEmpty() && batch.size() < BATCH_SERIES))) {
      Map.Entry<String, Span> next = it.next();
      String key = next.getKey();
      if (runningKeys.contains(key) || canWait(key, next.getValue())) {
        continue;
      }
      Span span = next.getValue();
      MeterDirectory.MeterRef meter = meters.byId(span.meterId());
      boolean device = meter != null && !"virtual".equals(meter.protocol()) && !"computed".equals(meter.protocol());
      if (!device && slots == 0) {
        continue;
      }
      it.remove();
      runningKeys.add(key);
      if (!device) {
        slots--;
        start(List.of(span), rebuild(span));
        continue;
      }
      if (batch.isEmpty()) {
        slots--;
      }
      batch.add(span);
      if (batch.size() == BATCH_SERIES) {
        start(batch, rebuildDevices(batch));
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      start(batch, rebuildDevices(batch));
    }
  }

  private void start(List<Span> spans, Future<Void> work) {
    running++;
    work.onComplete(done -> {
      running--;
      spans.forEach(span -> runningKeys.remove(span.meterId() + "|" + span.register()));
      if (done.failed()) {
        LOG.error("interval rebuild failed series={} first meter={} register={} error={}", spans.size(),
          spans.get(0).meterId(), spans.get(0).register(), done.cause().getMessage());
      } else {
        liveIntervals.rebuilt(spans.stream().map(span -> new IntervalEvents.Rebuilt(span.meterId(), span.register(),
          alignDown(span.from()), alignUp(span.to()))).toList());
      }
      drain();
    });
  }

  /**
   * Device meters' series are rebuilt together, one transaction for the batch. If the batch fails, each series is
   * tried alone, so one series that cannot be rebuilt does not hold back the others.
   */
  private Future<Void> rebuildDevices(List<Span> spans) {
    List<SeriesRebuild.Target> targets = new ArrayList<>(spans.size());
    for (Span span : spans) {
      MeterDirectory.MeterRef meter = meters.byId(span.meterId());
      SeriesRebuild.Known known = meter == null ? null : known(span);
      if (meter != null && known != NOTHING_NEW) {
        targets.add(new SeriesRebuild.Target(meter, span.register(), span.from(), span.to(), known));
      }
    }
    if (targets.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Void> batch = pool.withTransaction(conn -> SeriesRebuild.run(conn, targets)).compose(this::afterCommit);
    if (targets.size() == 1) {
      return batch;
    }
    return batch.recover(e -> {
      LOG.warn("interval batch failed series={} error={}; rebuilding them one by one", targets.size(), e.getMessage());
      Future<Void> each = Future.succeededFuture();
      for (SeriesRebuild.Target t : targets) {
        each = each.compose(v -> pool.withTransaction(conn -> SeriesRebuild.run(conn, List.of(t)))
          .compose(this::afterCommit)
          .recover(err -> {
            LOG.error("interval rebuild failed meter={} register={} error={}", t.meter().id(), t.register(),
              err.getMessage());
            return Future.succeededFuture();
          }));
      }
      return each;
    });
  }

  /**
   * What the queries would find for this span, from the series' tail and the span's readings: when all of them are
   * known and come after the tail or are in it already (in order), and the series has no exchange. Null when the
   * queries must run; {@link #NOTHING_NEW} when the tail holds every one. Otherwise the tail is taken: the rebuild
   * leaves a new one, and a failed rebuild none.
   */
  private SeriesRebuild.Known known(Span span) {
    String key = span.meterId() + "|" + span.register();
    SeriesTail tail = tails.remove(key);
    if (tail == null || span.fresh() == null || exchangeSeries.contains(key)) {
      return null;
    }
    // A rebuild from the database may already have read readings committed before they were announced here: those
    // are in the tail already. A reading at or before the tail's end that it does not hold is late data.
    List<RegisterReading> fresh = span.fresh();
    Instant last = tail.lastReading();
    int firstNew = 0;
    while (firstNew < fresh.size() && !fresh.get(firstNew).ts().isAfter(last)) {
      if (!tail.holds(fresh.get(firstNew).ts())) {
        return null;
      }
      firstNew++;
    }
    if (firstNew == fresh.size()) {
      tails.put(key, tail);
      return NOTHING_NEW;
    }
    List<RegisterReading> after = fresh.subList(firstNew, fresh.size());
    return tail.extend(after, after.get(0).ts(), span.to(), SeriesRebuild.BRIDGE_SPAN);
  }

  /** {@link #known}: every reading of the span was derived already. */
  private static final SeriesRebuild.Known NOTHING_NEW = new SeriesRebuild.Known(Instant.EPOCH, Instant.EPOCH,
    Instant.EPOCH, List.of(), java.util.Set.of());

  /** Remembers what each series' rebuild covered, queues the meters derived from it, and raises new alarms. */
  private Future<Void> afterCommit(List<SeriesRebuild.Outcome> outcomes) {
    Future<Void> alarmsRaised = Future.succeededFuture();
    for (SeriesRebuild.Outcome o : outcomes) {
      SeriesRebuild.Target t = o.target();
      String key = t.meter().id() + "|" + t.register();
      if (o.tail() != null && !exchangeSeries.contains(key)) {
        tails.put(key, o.tail());
      } else {
        tails.remove(key);
      }
      if (o.lastReading() != null) {
        coveredUpTo.put(key, o.lastReading());
      }
      coveredWindow.put(key, new Instant[] {o.windowFrom(), o.windowTo()});
      queueVirtualMeters(t.meter(), t.register(), t.from(), t.to());
      o.duplicateConflicts().forEach(a -> LOG.info("duplicate conflict meter={} ts={} detail={}", t.meter().id(), a.ts(),
        a.detail().replace(' ', '_')));
      if (!o.fresh().isEmpty()) {
        alarmsRaised = alarmsRaised.compose(v -> raiseAlarms(t.meter(), t.register(), o.fresh()));
      }
    }
    return alarmsRaised;
  }

  private Future<Void> rebuild(Span span) {
    MeterDirectory.MeterRef meter = meters.byId(span.meterId());
    Future<MeterDirectory.MeterRef> known = meter != null ? Future.succeededFuture(meter)
      : meters.reload().map(v -> meters.byId(span.meterId()));
    return known.compose(ref -> {
      if (ref == null) {
        return Future.succeededFuture();
      }
      if ("virtual".equals(ref.protocol())) {
        return pool.withTransaction(conn -> virtualMeters.derive(conn, ref, span.register(), alignDown(span.from()),
          alignUp(span.to())));
      }
      if ("computed".equals(ref.protocol())) {
        return pool.withTransaction(conn -> computedMeters.derive(conn, ref, alignDown(span.from()), alignUp(span.to())));
      }
      return rebuildDevices(List.of(span));
    });
  }

  /**
   * After a real meter's rebuild has committed, the virtual meters using it are derived again in their own
   * transactions: each then reads every term's committed intervals, so the last derivation after concurrent term
   * rebuilds sees all of them.
   */
  private void queueVirtualMeters(MeterDirectory.MeterRef meter, String register, Instant from, Instant to) {
    Instant[] window = coveredWindow.remove(meter.id() + "|" + register);
    Instant windowFrom = window == null ? from : window[0];
    Instant windowTo = window == null ? to : window[1];
    for (MeterDirectory.MeterRef virtual : meters.virtualMetersUsing(meter.siteId(), meter.serial())) {
      if (virtual.registers().containsKey(register)) {
        merge(new Span(virtual.id(), register, windowFrom, windowTo, false, System.currentTimeMillis()));
      }
    }
    for (MeterDirectory.MeterRef computed : meters.computedMetersUsing(meter.siteId(), meter.serial())) {
      if (register.equals(computed.binding().getJsonObject("source").getString("volumeRegister", "volume"))) {
        merge(new Span(computed.id(), "*", windowFrom, windowTo, false, System.currentTimeMillis()));
      }
    }
    scheduleDrain();
  }

  private Future<Void> raiseAlarms(MeterDirectory.MeterRef meter, String register, List<Anomaly> anomalies) {
    Future<Void> chain = Future.succeededFuture();
    for (Anomaly a : anomalies) {
      AlarmKind kind = switch (a.kind()) {
        case ROLLOVER -> AlarmKind.ROLLOVER;
        case EXCHANGE_INCONSISTENT -> AlarmKind.METER_EXCHANGE_INCONSISTENT;
        default -> AlarmKind.QUARANTINE;
      };
      JsonObject details = new JsonObject().put("register", register).put("ts", a.ts().toString())
        .put("previousValue", a.previousValue()).put("value", a.value()).put("rule", a.kind().name().toLowerCase())
        .put("detail", a.detail());
      String message = meter.serial() + " " + register + ": " + a.detail();
      chain = chain.compose(v -> alarms.raise(meter.siteId(), meter.id(), kind, message, details));
    }
    return chain;
  }

  static Instant alignUp(Instant t) {
    long step = INTERVAL.getSeconds();
    long s = Math.floorDiv(t.getEpochSecond() + step - 1 + (t.getNano() > 0 ? 1 : 0), step) * step;
    return Instant.ofEpochSecond(s);
  }

  static Instant alignDown(Instant t) {
    long step = INTERVAL.getSeconds();
    return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), step) * step);
  }

}
