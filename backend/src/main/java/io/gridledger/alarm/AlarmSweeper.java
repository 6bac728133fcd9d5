package io.gridledger.alarm;

import io.gridledger.metering.MeteringHandlers;
import io.gridledger.metering.RegisterVocabulary;
import io.gridledger.metering.UnitConversion;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * Raises and clears the alarms that come from the absence or the shape of data rather than from one reading: meters
 * and gateways gone silent, water flowing all night, a day far off the meter's own baseline. Every minute one sweep
 * runs each detector as one or two set-based statements over the whole installation and raises (through
 * {@link AlarmService}, so one alarm stays open per meter and kind) what is newly true and clears, as "system", what
 * is no longer true. Sweeps are idempotent: an alarm already open for the same condition is left alone, so a
 * condition that lasts does not bump occurrences every minute; a leak on a new night or an abnormal new day does.
 *
 * <p>Daily verdicts (leak, abnormal consumption) are only given on complete data: missing intervals mean "no
 * verdict", never "resolved", so late data can still raise or clear the alarm on a later sweep.
 */
public final class AlarmSweeper extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AlarmSweeper.class);

  // The sweep period is configured (alarm.sweepIntervalSeconds); the thresholds below are constants for now, each
  // named with the configuration key it should become.
  /** The default of alarm.sweepIntervalSeconds. */
  static final long SWEEP_PERIOD_MS = 60_000;
  /** alarm.offlineAfterSeconds (shared with the device-health endpoint) */
  static final Duration OFFLINE_AFTER = Duration.ofSeconds(MeteringHandlers.OFFLINE_AFTER_SECONDS);
  /** alarm.leak.nightStart / alarm.leak.nightEnd, site-local */
  static final LocalTime NIGHT_START = LocalTime.of(1, 0);
  static final LocalTime NIGHT_END = LocalTime.of(5, 0);
  /** alarm.abnormal.highFactor, alarm.abnormal.lowFactor */
  static final double HIGH_FACTOR = 3.0;
  static final double LOW_FACTOR = 0.2;
  /** alarm.abnormal.highFloor: added to 3 x baseline so a near-zero baseline does not alarm on noise (register unit). */
  static final double HIGH_FLOOR = 1.0;
  /** alarm.abnormal.lowMinBaseline: a "too low" verdict needs a baseline at least this big (register unit). */
  static final double LOW_MIN_BASELINE = 5.0;
  /** alarm.abnormal.baselineWeeks, alarm.abnormal.minBaselineDays */
  static final int BASELINE_WEEKS = 4;
  static final int MIN_BASELINE_DAYS = 3;

  static final Duration INTERVAL = Duration.ofMinutes(15);
  static final String SYSTEM = "system";
  private static final String WATER_REGISTER = "volume";
  /** Advisory lock key serialising gateway_offline inserts across sweeps and instances (no unique index helps). */
  private static final String GATEWAY_LOCK = "gridledger.alarm.gateway_offline";
  private static final String[] CUMULATIVE = Arrays.stream(new String[] {"energy_active_import", "energy_active_export",
      "energy_reactive_import", "energy_heat", "energy_cooling", "volume"})
    .filter(RegisterVocabulary::isCumulative).toArray(String[]::new);

  /** What one detector did in one sweep. */
  record Counts(int raised, int resolved) {
    @Override
    public String toString() {
      return "+" + raised + "/-" + resolved;
    }
  }

  /** What one sweep did, per detector. */
  record SweepResult(Counts deviceOffline, Counts gatewayOffline, Counts leak, Counts abnormal) {
  }

  private final Pool pool;
  private final AlarmService alarms;
  private final long periodMs;
  private final io.gridledger.cluster.RunOnce once;
  private long timer = -1;
  private boolean running;

  public AlarmSweeper(Pool pool) {
    this(pool, SWEEP_PERIOD_MS);
  }

  /** {@code periodMs <= 0}: no timer, sweeps run only when {@link #sweep(Instant)} is called (tests). */
  public AlarmSweeper(Pool pool, long periodMs) {
    this(pool, new AlarmService(pool), periodMs, null);
  }

  /**
   * @param once null: sweep on every tick; otherwise only on the instance that leads the "alarm-sweep" job, so
   *             several instances sharing a database sweep once per period between them
   */
  public AlarmSweeper(Pool pool, AlarmService alarms, long periodMs, io.gridledger.cluster.RunOnce once) {
    this.pool = pool;
    this.alarms = alarms;
    this.periodMs = periodMs;
    this.once = once;
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
    return guarded("device_offline", () -> deviceOffline(now), failures).map(c -> counts[0] = c)
      .compose(v -> guarded("gateway_offline", () -> gatewayOffline(now), failures)).map(c -> counts[1] = c)
      .compose(v -> guarded("leak", () -> leak(now), failures)).map(c -> counts[2] = c)
      .compose(v -> guarded("abnormal_consumption", () -> abnormal(now), failures)).map(c -> counts[3] = c)
      .compose(v -> {
        SweepResult result = new SweepResult(counts[0], counts[1], counts[2], counts[3]);
        LOG.info("alarm sweep now={} device_offline={} gateway_offline={} leak={} abnormal_consumption={} failed={} ms={}",
          now, result.deviceOffline(), result.gatewayOffline(), result.leak(), result.abnormal(), failures.size(),
          (System.nanoTime() - started) / 1_000_000);
        return failures.isEmpty() ? Future.succeededFuture(result) : Future.failedFuture(failures.get(0));
      });
  }

  private static Future<Counts> guarded(String detector, java.util.function.Supplier<Future<Counts>> run,
                                        List<Throwable> failures) {
    Future<Counts> f;
    try {
      f = run.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.recover(e -> {
      LOG.warn("alarm detector failed detector={} error={}", detector, e.toString());
      failures.add(e);
      return Future.succeededFuture(new Counts(0, 0));
    });
  }

  // ---- device_offline -------------------------------------------------------------------------------------------

  /** A meter that has reported (device_status.last_seen_at is the newest reading's ts) but not within OFFLINE_AFTER. */
  Future<Counts> deviceOffline(Instant now) {
    OffsetDateTime cutoff = utc(now.minus(OFFLINE_AFTER));
    String kind = AlarmKind.DEVICE_OFFLINE.wire();
    Future<List<Row>> toRaise = rows("SELECT m.site_id, m.id, m.serial, d.last_seen_at FROM device_status d "
      + "JOIN meter m ON m.id = d.meter_id WHERE d.last_seen_at < $1 AND NOT EXISTS (SELECT 1 FROM alarm a "
      + "WHERE a.meter_id = d.meter_id AND a.kind = $2 AND a.state <> 'cleared')", Tuple.of(cutoff, kind));
    Future<List<Row>> toResolve = rows("SELECT a.meter_id FROM alarm a JOIN device_status d ON d.meter_id = a.meter_id "
      + "WHERE a.kind = $2 AND a.state <> 'cleared' AND d.last_seen_at >= $1", Tuple.of(cutoff, kind));
    return Future.all(toRaise, toResolve).compose(both -> {
      Future<Integer> raised = each(toRaise.result(), r -> alarms.raise(r.getUUID("site_id"), r.getUUID("id"),
        AlarmKind.DEVICE_OFFLINE, "Meter " + r.getString("serial") + " has not reported since "
          + r.getOffsetDateTime("last_seen_at").toInstant(),
        new JsonObject().put("lastSeenAt", r.getOffsetDateTime("last_seen_at").toInstant().toString())
          .put("offlineAfterSeconds", OFFLINE_AFTER.toSeconds())));
      return raised.compose(n -> each(toResolve.result(),
          r -> alarms.resolve(r.getUUID("meter_id"), AlarmKind.DEVICE_OFFLINE, SYSTEM))
        .map(m -> new Counts(n, m)));
    });
  }

  // ---- gateway_offline ------------------------------------------------------------------------------------------

  /**
   * A gateway whose last contact is older than OFFLINE_AFTER. The MQTT endpoint refreshes last_seen_at on connect,
   * on disconnect and at most every 30 s while publishing, so "disconnected for more than 15 minutes" is
   * "connected = false and last_seen_at older than 15 minutes": covered by the same test. It clears once the gateway
   * is connected and seen again. Gateway alarms have no meter, so the partial unique index cannot deduplicate them;
   * the insert checks for an open alarm of the same site and gateway under a transaction-scoped advisory lock.
   */
  Future<Counts> gatewayOffline(Instant now) {
    OffsetDateTime cutoff = utc(now.minus(OFFLINE_AFTER));
    AlarmKind kind = AlarmKind.GATEWAY_OFFLINE;
    Future<List<Row>> raised = pool.withTransaction(conn -> conn
      .preparedQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext($1))) l").execute(Tuple.of(GATEWAY_LOCK))
      .compose(locked -> conn.preparedQuery("INSERT INTO alarm AS a (id, site_id, meter_id, kind, severity, state, message, "
          + "details) SELECT gen_random_uuid(), g.site_id, NULL, $2, $3, 'active', "
          + "format('Gateway %s (%s) has not been seen since %s', g.gateway, g.protocol, "
          + "to_char(g.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')), "
          + "jsonb_build_object('gateway', g.gateway, 'protocol', g.protocol, 'connected', g.connected, "
          + "'lastSeenAt', to_char(g.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
          + "'offlineAfterSeconds', $4::bigint) "
          + "FROM gateway_status g WHERE g.last_seen_at < $1 AND NOT EXISTS (SELECT 1 FROM alarm o "
          + "WHERE o.site_id = g.site_id AND o.meter_id IS NULL AND o.kind = $2 AND o.state <> 'cleared' "
          + "AND o.details->>'gateway' = g.gateway) RETURNING a.site_id, a.details->>'gateway' AS gateway, "
          + AlarmHandlers.DOC + " AS doc")
        .execute(Tuple.of(cutoff, kind.wire(), kind.severity(), OFFLINE_AFTER.toSeconds()))))
      .map(AlarmSweeper::list);
    return raised.compose(inserted -> {
      inserted.forEach(r -> {
        LOG.info("alarm kind={} site={} gateway={}", kind.wire(), r.getUUID("site_id"), r.getString("gateway"));
        alarms.changed("raised", r.getJsonObject("doc"));
      });
      return rows("UPDATE alarm a SET state = 'cleared', cleared_at = now(), cleared_by = $3 FROM gateway_status g "
          + "WHERE a.kind = $2 AND a.meter_id IS NULL AND a.state <> 'cleared' AND g.site_id = a.site_id "
          + "AND g.gateway = a.details->>'gateway' AND g.connected AND g.last_seen_at >= $1 RETURNING a.id, "
          + AlarmHandlers.DOC + " AS doc", Tuple.of(cutoff, kind.wire(), SYSTEM))
        .map(cleared -> {
          cleared.forEach(r -> alarms.changed("cleared", r.getJsonObject("doc")));
          return new Counts(inserted.size(), cleared.size());
        });
    });
  }

  // ---- leak -----------------------------------------------------------------------------------------------------

  /** The UTC bounds of a site-local window, with how many 15-minute intervals it holds (DST nights: 12 or 20). */
  record Window(String zone, LocalDate day, int k, Instant start, Instant end) {
    int intervals() {
      return (int) (Duration.between(start, end).toMinutes() / INTERVAL.toMinutes());
    }
  }

  /** The last night whose NIGHT_END has passed in {@code zone} at {@code now}. */
  static Window lastCompleteNight(String zoneName, ZoneId zone, Instant now) {
    ZonedDateTime local = now.atZone(zone);
    LocalDate night = local.toLocalTime().isBefore(NIGHT_END) ? local.toLocalDate().minusDays(1) : local.toLocalDate();
    return new Window(zoneName, night, 0, night.atTime(NIGHT_START).atZone(zone).toInstant(),
      night.atTime(NIGHT_END).atZone(zone).toInstant());
  }

  /** A site-local calendar day [00:00, next 00:00) in UTC: 23, 24 or 25 hours. */
  static Window localDay(String zoneName, ZoneId zone, LocalDate day, int k) {
    return new Window(zoneName, day, k, day.atStartOfDay(zone).toInstant(), day.plusDays(1).atStartOfDay(zone).toInstant());
  }

  /**
   * Water meters whose volume register had flow in every interval of the last complete night (all intervals present
   * and positive). Clears when the last complete night has an interval without flow. A night with missing intervals
   * gives no verdict either way.
   */
  Future<Counts> leak(Instant now) {
    return windows(zone -> List.of(lastCompleteNight(zone.getKey(), zone.getValue(), now))).compose(nights -> {
      if (nights.isEmpty()) {
        return Future.succeededFuture(new Counts(0, 0));
      }
      String kind = AlarmKind.LEAK.wire();
      return rows("WITH night AS (SELECT * FROM unnest($1::text[], $2::date[], $3::timestamptz[], $4::timestamptz[], "
          + "$5::int[]) AS n(tz, night, start_at, end_at, expected)), "
          + "stats AS (SELECT m.id AS meter_id, m.site_id, m.serial, n.night, n.expected, count(*) AS intervals, "
          + "min(ic.consumption) AS min_flow, sum(ic.consumption) AS total, "
          + "(SELECT r->>'unit' FROM jsonb_array_elements(m.registers) r WHERE r->>'name' = $6 LIMIT 1) AS unit "
          + "FROM night n JOIN site s ON s.time_zone = n.tz JOIN meter m ON m.site_id = s.id AND m.kind = 'water' "
          + "JOIN interval_consumption ic ON ic.meter_id = m.id AND ic.register = $6 "
          + "AND ic.interval_start >= n.start_at AND ic.interval_start < n.end_at "
          + "GROUP BY m.id, m.site_id, m.serial, m.registers, n.night, n.expected) "
          + "SELECT st.*, a.id AS open_id, a.details->>'night' AS open_night FROM stats st "
          + "LEFT JOIN alarm a ON a.meter_id = st.meter_id AND a.kind = $7 AND a.state <> 'cleared' "
          + "WHERE (st.intervals = st.expected AND st.min_flow > 0) OR (a.id IS NOT NULL AND st.min_flow <= 0)",
        windowTuple(nights).addString(WATER_REGISTER).addString(kind))
        .compose(found -> {
          List<Row> raise = new ArrayList<>();
          List<Row> resolve = new ArrayList<>();
          for (Row r : found) {
            String night = r.getLocalDate("night").toString();
            if (r.getDouble("min_flow") <= 0) {
              resolve.add(r);
            } else if (r.getUUID("open_id") == null || !night.equals(r.getString("open_night"))) {
              raise.add(r);
            }
          }
          return each(raise, r -> {
            double toM3 = UnitConversion.convert(1, Objects.requireNonNullElse(r.getString("unit"), "m3"), "m3")
              .orElse(1);
            double min = r.getDouble("min_flow") * toM3;
            double total = r.getDouble("total") * toM3;
            String night = r.getLocalDate("night").toString();
            return alarms.raise(r.getUUID("site_id"), r.getUUID("meter_id"), AlarmKind.LEAK,
              "Water meter " + r.getString("serial") + " had flow all night on " + night + " (" + total + " m3, at least "
                + min + " m3 every 15 minutes)",
              new JsonObject().put("night", night).put("minFlowM3PerInterval", min).put("totalM3", total));
          }).compose(n -> each(resolve, r -> alarms.resolve(r.getUUID("meter_id"), AlarmKind.LEAK, SYSTEM))
            .map(m -> new Counts(n, m)));
        });
    });
  }

  // ---- abnormal_consumption -------------------------------------------------------------------------------------

  /**
   * Yesterday (site-local) against the meter's baseline: the median of the same weekday over the previous
   * BASELINE_WEEKS weeks, counting only complete days (every interval present), with at least MIN_BASELINE_DAYS of
   * them. Per meter (the alarm is per meter and kind), abnormal when any cumulative register is; cleared when at
   * least one register has a verdict and none is abnormal.
   */
  Future<Counts> abnormal(Instant now) {
    return windows(zone -> {
      LocalDate yesterday = now.atZone(zone.getValue()).toLocalDate().minusDays(1);
      List<Window> days = new ArrayList<>();
      for (int k = 0; k <= BASELINE_WEEKS; k++) {
        days.add(localDay(zone.getKey(), zone.getValue(), yesterday.minusWeeks(k), k));
      }
      return days;
    }).compose(days -> {
      if (days.isEmpty()) {
        return Future.succeededFuture(new Counts(0, 0));
      }
      String kind = AlarmKind.ABNORMAL_CONSUMPTION.wire();
      Tuple params = windowTuple(days);
      params.addArrayOfInteger(days.stream().map(Window::k).toArray(Integer[]::new));
      params.addArrayOfString(CUMULATIVE).addInteger(MIN_BASELINE_DAYS).addString(kind);
      return rows("WITH d AS (SELECT * FROM unnest($1::text[], $2::date[], $3::timestamptz[], $4::timestamptz[], "
          + "$5::int[], $6::int[]) AS d(tz, day, start_at, end_at, expected, k)), "
          + "reg AS (SELECT m.id AS meter_id, m.site_id, m.serial, s.time_zone, r->>'name' AS register "
          + "FROM meter m JOIN site s ON s.id = m.site_id CROSS JOIN LATERAL jsonb_array_elements(m.registers) r "
          + "WHERE r->>'name' = ANY($7::text[]) AND s.time_zone = ANY($1::text[])), "
          + "daily AS (SELECT reg.meter_id, reg.register, d.k, d.day, sum(ic.consumption) AS total FROM reg "
          + "JOIN d ON d.tz = reg.time_zone JOIN interval_consumption ic ON ic.meter_id = reg.meter_id "
          + "AND ic.register = reg.register AND ic.interval_start >= d.start_at AND ic.interval_start < d.end_at "
          + "GROUP BY reg.meter_id, reg.register, d.k, d.day, d.expected HAVING count(*) = d.expected), "
          + "verdict AS (SELECT y.meter_id, y.register, y.day, y.total AS consumption, "
          + "percentile_cont(0.5) WITHIN GROUP (ORDER BY b.total) AS baseline, count(*) AS baseline_days "
          + "FROM daily y JOIN daily b ON b.meter_id = y.meter_id AND b.register = y.register AND b.k > 0 "
          + "WHERE y.k = 0 GROUP BY y.meter_id, y.register, y.day, y.total HAVING count(*) >= $8) "
          + "SELECT v.*, reg.site_id, reg.serial, a.id AS open_id, a.details->>'day' AS open_day FROM verdict v "
          + "JOIN reg ON reg.meter_id = v.meter_id AND reg.register = v.register "
          + "LEFT JOIN alarm a ON a.meter_id = v.meter_id AND a.kind = $9 AND a.state <> 'cleared' "
          + "ORDER BY v.meter_id, v.register", params)
        .compose(found -> {
          // Group the registers of each meter (rows are ordered by meter).
          List<Row> raise = new ArrayList<>();
          List<UUID> resolve = new ArrayList<>();
          int i = 0;
          while (i < found.size()) {
            UUID meter = found.get(i).getUUID("meter_id");
            Row abnormal = null;
            Row any = found.get(i);
            for (; i < found.size() && found.get(i).getUUID("meter_id").equals(meter); i++) {
              Row r = found.get(i);
              if (abnormal == null && isAbnormal(r.getDouble("consumption"), r.getDouble("baseline"))) {
                abnormal = r;
              }
            }
            if (abnormal != null) {
              String day = abnormal.getLocalDate("day").toString();
              if (abnormal.getUUID("open_id") == null || !day.equals(abnormal.getString("open_day"))) {
                raise.add(abnormal);
              }
            } else if (any.getUUID("open_id") != null) {
              resolve.add(meter);
            }
          }
          return each(raise, r -> {
            double consumption = r.getDouble("consumption");
            double baseline = r.getDouble("baseline");
            String day = r.getLocalDate("day").toString();
            JsonObject details = new JsonObject().put("day", day).put("register", r.getString("register"))
              .put("consumption", consumption).put("baseline", baseline)
              .put("ratio", baseline > 0 ? consumption / baseline : null)
              .put("baselineDays", r.getLong("baseline_days"));
            return alarms.raise(r.getUUID("site_id"), r.getUUID("meter_id"), AlarmKind.ABNORMAL_CONSUMPTION,
              "Meter " + r.getString("serial") + " used " + consumption + " on " + day + " (" + r.getString("register")
                + ") against a usual " + baseline, details);
          }).compose(n -> each(resolve, id -> alarms.resolve(id, AlarmKind.ABNORMAL_CONSUMPTION, SYSTEM))
            .map(m -> new Counts(n, m)));
        });
    });
  }

  /** Too high: above HIGH_FACTOR x baseline + HIGH_FLOOR. Too low: below LOW_FACTOR x a baseline of some size. */
  static boolean isAbnormal(double consumption, double baseline) {
    return consumption > HIGH_FACTOR * baseline + HIGH_FLOOR
      || (baseline >= LOW_MIN_BASELINE && consumption < LOW_FACTOR * baseline);
  }

  // ---- helpers --------------------------------------------------------------------------------------------------

  /** The windows {@code perZone} gives for every time zone in use by a site (a zone Java does not know is skipped). */
  private Future<List<Window>> windows(Function<java.util.Map.Entry<String, ZoneId>, List<Window>> perZone) {
    return rows("SELECT DISTINCT time_zone FROM site", Tuple.tuple()).map(zones -> {
      List<Window> out = new ArrayList<>();
      for (Row z : zones) {
        String name = z.getString("time_zone");
        try {
          out.addAll(perZone.apply(java.util.Map.entry(name, ZoneId.of(name))));
        } catch (DateTimeException e) {
          LOG.warn("alarm sweep skips unknown time zone zone={}", name);
        }
      }
      return out;
    });
  }

  /** $1 zone, $2 day, $3 start, $4 end, $5 expected intervals. */
  private static Tuple windowTuple(List<Window> windows) {
    return Tuple.tuple()
      .addArrayOfString(windows.stream().map(Window::zone).toArray(String[]::new))
      .addArrayOfLocalDate(windows.stream().map(Window::day).toArray(LocalDate[]::new))
      .addArrayOfOffsetDateTime(windows.stream().map(w -> utc(w.start())).toArray(OffsetDateTime[]::new))
      .addArrayOfOffsetDateTime(windows.stream().map(w -> utc(w.end())).toArray(OffsetDateTime[]::new))
      .addArrayOfInteger(windows.stream().map(Window::intervals).toArray(Integer[]::new));
  }

  private Future<List<Row>> rows(String sql, Tuple params) {
    return pool.preparedQuery(sql).execute(params).map(AlarmSweeper::list);
  }

  private static List<Row> list(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Row> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }

  /** Runs {@code action} on each item one after another (bounded load on the pool); returns how many ran. */
  private static <T> Future<Integer> each(List<T> items, Function<T, Future<Void>> action) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> action.apply(item));
    }
    return chain.map(v -> items.size());
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
