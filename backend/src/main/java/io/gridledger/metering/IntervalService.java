package io.gridledger.metering;

import io.gridledger.alarm.AlarmKind;
import io.gridledger.alarm.AlarmService;
import io.gridledger.ingest.MeterDirectory;
import io.gridledger.metering.vee.Anomaly;
import io.gridledger.metering.vee.IntervalCalculator;
import io.gridledger.metering.vee.IntervalResult;
import io.gridledger.metering.vee.IntervalValue;
import io.gridledger.metering.vee.MeterExchange;
import io.gridledger.metering.vee.RegisterReading;
import io.gridledger.metering.vee.RegisterSpec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps interval_consumption equal to what {@link IntervalCalculator} derives from the raw readings. Requests for a
 * span of a register are merged while waiting; each is then rebuilt from the readings bracketing the span, so late,
 * out-of-order and corrected data gives the same intervals as data that came in order. Quarantined readings and
 * anomalies become rows and alarms. At start it also rebuilds what arrived in the last day, in case the process died
 * between storing readings and deriving their intervals.
 */
public final class IntervalService extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IntervalService.class);
  public static final Duration INTERVAL = Duration.ofMinutes(15);

  /** A gap longer than this is not bridged by one estimate: such data waits for a manual estimate instead. */
  private static final Duration MAX_BRIDGE = Duration.ofDays(35);

  /**
   * A change to rebuild. {@code deferrable}: new readings that may wait until they complete an interval (see
   * {@link #canWait}); exchanges and catch-up are never deferred. {@code queuedAt} bounds how long one waits.
   */
  private record Span(UUID meterId, String register, Instant from, Instant to, boolean deferrable, long queuedAtMs) {
  }

  /** Readings in order that complete no interval change nothing but may wait; this bounds the wait. */
  private static final long MAX_DEFERRAL_MS = INTERVAL.toMillis();
  /** Per series, the latest reading the last rebuild covered: in-order data after it can be told apart. */
  private final Map<String, Instant> coveredUpTo = new java.util.HashMap<>();
  /** Per series, where the rebuild that just committed began: the virtual meters using it are derived from there. */
  private final Map<String, Instant[]> coveredWindow = new java.util.HashMap<>();

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
    return pool.query("SELECT meter_id, register, min(ts) AS from_ts, max(ts) AS to_ts FROM reading "
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
      })
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

  private void enqueue(JsonObject entry) {
    merge(new Span(UUID.fromString(entry.getString("meterId")), entry.getString("register"),
      Instant.parse(entry.getString("from")), Instant.parse(entry.getString("to")), entry.getBoolean("deferrable", false),
      System.currentTimeMillis()));
  }

  private void merge(Span span) {
    pending.merge(span.meterId() + "|" + span.register(), span, (a, b) -> new Span(a.meterId(), a.register(),
      a.from().isBefore(b.from()) ? a.from() : b.from(), a.to().isAfter(b.to()) ? a.to() : b.to(),
      a.deferrable() && b.deferrable(), Math.min(a.queuedAtMs(), b.queuedAtMs())));
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
    Iterator<Map.Entry<String, Span>> it = pending.entrySet().iterator();
    while (running < concurrency && it.hasNext()) {
      Map.Entry<String, Span> next = it.next();
      String key = next.getKey();
      if (runningKeys.contains(key) || canWait(key, next.getValue())) {
        continue;
      }
      Span span = next.getValue();
      it.remove();
      runningKeys.add(key);
      running++;
      rebuild(span).onComplete(done -> {
        running--;
        runningKeys.remove(key);
        if (done.succeeded()) {
          liveIntervals.rebuilt(span.meterId(), span.register(), alignDown(span.from()), alignUp(span.to()));
        } else {
          LOG.error("interval rebuild failed meter={} register={} error={}", span.meterId(), span.register(),
            done.cause().getMessage());
        }
        drain();
      });
    }
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
      return pool.withTransaction(conn -> rebuild(conn, ref, span))
        .onSuccess(v -> queueVirtualMeters(ref, span.register(), span.from(), span.to()));
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

  private Future<Void> rebuild(SqlConnection conn, MeterDirectory.MeterRef meter, Span span) {
    Tuple key = Tuple.of(span.meterId(), span.register(), at(span.from()), at(span.to()),
      at(span.from().minus(MAX_BRIDGE)), at(span.to().plus(MAX_BRIDGE)));
    // New readings change the curve between the good readings around them (p before, n after), so every interval
    // with a boundary in (p, n) changes. Computing those needs the curve at the quarter hours at or before p and at
    // or after n, hence readings bracketing them: the window runs from the last good reading at or before
    // alignDown(p) to the first good reading at or after alignUp(n). Quarantined readings inside it are re-checked
    // (an exchange or a late reading may make them valid); without a good reading after, it runs to the last one.
    String series = "FROM reading r WHERE r.meter_id = $1 AND r.register = $2 ";
    String good = " AND NOT EXISTS (SELECT 1 FROM reading_quarantine q WHERE q.meter_id = r.meter_id "
      + "AND q.register = r.register AND q.ts = r.ts)";
    String window = "WITH p AS (SELECT coalesce(max(r.ts), $3) AS ts " + series + "AND r.ts < $3 AND r.ts >= $5" + good + "), "
      + "n AS (SELECT coalesce(min(r.ts), $4) AS ts " + series + "AND r.ts > $4 AND r.ts <= $6" + good + ") "
      + "SELECT (SELECT max(r.ts) " + series + "AND r.ts >= $5 AND r.ts <= "
      + "to_timestamp(floor(extract(epoch FROM (SELECT ts FROM p)) / 900) * 900)" + good + ") AS w_from, "
      + "(SELECT min(r.ts) " + series + "AND r.ts <= $6 AND r.ts >= "
      + "to_timestamp(ceil(extract(epoch FROM (SELECT ts FROM n)) / 900) * 900)" + good + ") AS w_to, "
      + "(SELECT ts FROM p) AS p_ts, (SELECT max(r.ts) " + series + "AND r.ts <= $6) AS last_ts";
    return conn.preparedQuery(window).execute(key).compose(rows -> {
      Row w = rows.iterator().next();
      Instant from = instant(w, "w_from") != null ? instant(w, "w_from") : instant(w, "p_ts");
      Instant to = instant(w, "w_to") != null ? instant(w, "w_to")
        : instant(w, "last_ts") != null ? instant(w, "last_ts") : span.to();
      Instant windowFrom = from.isAfter(span.from()) ? span.from() : from;
      Instant windowTo = to.isBefore(span.to()) ? span.to() : to;
      Instant lastReading = instant(w, "last_ts");
      return load(conn, meter, span.register(), windowFrom, windowTo)
        .compose(result -> store(conn, meter, span, windowFrom, windowTo, result))
        .onSuccess(v -> {
          if (lastReading != null) {
            coveredUpTo.put(span.meterId() + "|" + span.register(), lastReading);
          }
          coveredWindow.put(span.meterId() + "|" + span.register(), new Instant[] {windowFrom, windowTo});
        });
    });
  }

  private static Instant instant(Row row, String column) {
    return row.getOffsetDateTime(column) == null ? null : row.getOffsetDateTime(column).toInstant();
  }

  private Future<IntervalResult> load(SqlConnection conn, MeterDirectory.MeterRef meter, String register, Instant from,
                                      Instant to) {
    Tuple range = Tuple.of(meter.id(), register, at(from), at(to));
    return conn.preparedQuery("SELECT ts, value FROM reading WHERE meter_id = $1 AND register = $2 AND ts >= $3 "
        + "AND ts <= $4 ORDER BY ts").execute(range)
      .compose(readingRows -> conn.preparedQuery("SELECT ts, old_final_value, new_initial_value FROM meter_exchange "
          + "WHERE meter_id = $1 AND register = $2 AND ts > $3 AND ts <= $4 ORDER BY ts").execute(range)
        .map(exchangeRows -> {
          List<RegisterReading> readings = new ArrayList<>(readingRows.size());
          readingRows.forEach(r -> readings.add(new RegisterReading(r.getOffsetDateTime("ts").toInstant(), r.getDouble("value"))));
          List<MeterExchange> exchanges = new ArrayList<>();
          exchangeRows.forEach(e -> exchanges.add(new MeterExchange(e.getOffsetDateTime("ts").toInstant(),
            e.getDouble("old_final_value"), e.getDouble("new_initial_value"))));
          MeterDirectory.RegisterDef def = meter.registers().get(register);
          RegisterSpec spec = new RegisterSpec(def == null ? null : def.maxValue(), meter.multiplier(),
            RegisterLimits.maxRatePerHour(def), RegisterLimits.resolution(def));
          // Readings within one interval complete none yet: an empty window still yields anomalies.
          Instant windowEnd = alignDown(to).isBefore(alignUp(from)) ? alignUp(from) : alignDown(to);
          return IntervalCalculator.compute(readings, exchanges, spec, INTERVAL, alignUp(from), windowEnd);
        }));
  }

  private Future<Void> store(SqlConnection conn, MeterDirectory.MeterRef meter, Span span, Instant from,
                             Instant to, IntervalResult result) {
    String register = span.register();
    Instant windowStart = alignUp(from);
    Instant windowEnd = alignDown(to).isBefore(windowStart) ? windowStart : alignDown(to);
    Tuple range = Tuple.of(meter.id(), register, at(windowStart), at(windowEnd));
    List<Tuple> intervals = new ArrayList<>(result.intervals().size());
    for (IntervalValue v : result.intervals()) {
      intervals.add(Tuple.of(meter.id(), register, at(v.start()), at(v.end()), v.consumption(),
        v.quality().name().toLowerCase()));
    }
    List<Tuple> quarantined = new ArrayList<>();
    for (Anomaly a : result.anomalies()) {
      if (result.quarantined().contains(a.ts())) {
        quarantined.add(Tuple.of(meter.id(), register, at(a.ts()), a.kind().name().toLowerCase() + ": " + a.detail()));
      }
    }
    java.util.Set<Instant> alreadyQuarantined = new java.util.HashSet<>();
    return conn.preparedQuery("SELECT ts FROM reading_quarantine WHERE meter_id = $1 AND register = $2 AND ts >= $3 "
        + "AND ts <= $4").execute(Tuple.of(meter.id(), register, at(from), at(to)))
      .compose(rows -> {
        rows.forEach(row -> alreadyQuarantined.add(row.getOffsetDateTime("ts").toInstant()));
        return conn.preparedQuery("DELETE FROM interval_consumption WHERE meter_id = $1 AND register = $2 "
        + "AND interval_start >= $3 AND interval_end <= $4").execute(range);
      })
      .compose(v -> intervals.isEmpty() ? Future.succeededFuture() : conn.preparedQuery("INSERT INTO interval_consumption "
        + "(meter_id, register, interval_start, interval_end, consumption, quality) VALUES ($1, $2, $3, $4, $5, $6)")
        .executeBatch(intervals))
      .compose(v -> conn.preparedQuery("DELETE FROM reading_quarantine WHERE meter_id = $1 AND register = $2 "
        + "AND ts >= $3 AND ts <= $4").execute(Tuple.of(meter.id(), register, at(from), at(to))))
      .compose(v -> quarantined.isEmpty() ? Future.succeededFuture() : conn.preparedQuery("INSERT INTO reading_quarantine "
        + "(meter_id, register, ts, reason) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING").executeBatch(quarantined))
      .compose(v -> raiseAlarms(meter, register, newAnomalies(result, span, alreadyQuarantined)));
  }

  /**
   * A rebuild sees every anomaly in its window again; only those not already known become alarms: quarantines not
   * recorded before, and rollovers among the readings that caused this rebuild. Duplicate conflicts are logged, not
   * alarmed (the stored value is kept; the other one was never stored).
   */
  private static List<Anomaly> newAnomalies(IntervalResult result, Span span, java.util.Set<Instant> alreadyQuarantined) {
    List<Anomaly> fresh = new ArrayList<>();
    for (Anomaly a : result.anomalies()) {
      boolean inSpan = !a.ts().isBefore(span.from()) && !a.ts().isAfter(span.to());
      switch (a.kind()) {
        case DUPLICATE_CONFLICT -> LOG.info("duplicate conflict meter={} ts={} detail={}", span.meterId(), a.ts(),
          a.detail().replace(' ', '_'));
        case ROLLOVER -> {
          if (inSpan) {
            fresh.add(a);
          }
        }
        default -> {
          if (result.quarantined().contains(a.ts()) ? !alreadyQuarantined.contains(a.ts()) : inSpan) {
            fresh.add(a);
          }
        }
      }
    }
    return fresh;
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

  private static java.time.OffsetDateTime at(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
