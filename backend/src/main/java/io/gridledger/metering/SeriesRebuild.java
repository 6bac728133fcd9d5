package io.gridledger.metering;

import io.gridledger.ingest.MeterDirectory.MeterRef;
import io.gridledger.ingest.MeterDirectory.RegisterDef;
import io.gridledger.metering.vee.Anomaly;
import io.gridledger.metering.vee.IntervalCalculator;
import io.gridledger.metering.vee.IntervalResult;
import io.gridledger.metering.vee.IntervalValue;
import io.gridledger.metering.vee.MeterExchange;
import io.gridledger.metering.vee.RegisterReading;
import io.gridledger.metering.vee.RegisterSpec;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static io.gridledger.metering.IntervalService.alignDown;
import static io.gridledger.metering.IntervalService.alignUp;

/**
 * Rebuilds the intervals of many meter registers in one transaction with a fixed number of statements, whatever
 * the number of series: each step sends every series at once as arrays. At high ingest rates thousands of series
 * complete an interval every second; a round trip per step and series would cost PostgreSQL more than the readings.
 *
 * <p>For each series the window is found as documented in {@link #WINDOWS}; its readings, exchanges and known
 * quarantines are loaded, {@link IntervalCalculator} derives the intervals, and the window's intervals and quarantine
 * rows are replaced. What each series' rebuild found new (anomalies) is returned for alarms.
 */
final class SeriesRebuild {

  /**
   * One series to rebuild: readings in [from, to] changed. {@code known}: what the queries would find for it, when
   * the caller has it in memory (see {@link SeriesTail}); null to query.
   */
  record Target(MeterRef meter, String register, Instant from, Instant to, Known known) {
    Target(MeterRef meter, String register, Instant from, Instant to) {
      this(meter, register, from, to, null);
    }
  }

  /** A target's window, its stored readings (sorted by ts; no exchanges among them) and the quarantined ones. */
  record Known(Instant windowFrom, Instant windowTo, Instant lastReading, List<RegisterReading> readings,
               Set<Instant> knownQuarantine) {
  }

  /**
   * What a target's rebuild covered, and the anomalies it noticed that were not known before. {@code tail}: the end
   * of the series for deriving in-order readings after it, or null when this rebuild cannot tell it.
   */
  record Outcome(Target target, Instant windowFrom, Instant windowTo, Instant lastReading, List<Anomaly> fresh,
                 List<Anomaly> duplicateConflicts, SeriesTail tail) {
  }

  /** A gap longer than this is not bridged by one estimate: such data waits for a manual estimate instead. */
  private static final long MAX_BRIDGE_DAYS = 35;
  static final java.time.Duration BRIDGE_SPAN = java.time.Duration.ofDays(MAX_BRIDGE_DAYS);
  private static final String TARGETS = "unnest($1::int4[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[]) "
    + "AS u(idx, meter_id, register, f, t)";
  private static final String GOOD = " AND NOT EXISTS (SELECT 1 FROM reading_quarantine q WHERE q.meter_id = u.meter_id "
    + "AND q.register = u.register AND q.ts = r.ts)";
  private static final String SERIES = "FROM reading_value r WHERE r.series_id = s.id ";
  private static final String BRIDGE = " interval '" + MAX_BRIDGE_DAYS + " days'";

  /**
   * New readings change the curve between the good readings around them (p before, n after), so every interval
   * with a boundary in (p, n) changes. Computing those needs the curve at the quarter hours at or before p and at or
   * after n, hence readings bracketing them: the window runs from the last good reading at or before alignDown(p) to
   * the first good reading at or after alignUp(n). Quarantined readings inside it are re-checked (an exchange or a
   * late reading may make them valid); without a good reading after, it runs to the last one. Every probe is an
   * ORDER BY ... LIMIT 1 so it stops at the first good row of the (series, ts) index instead of aggregating.
   */
  private static final String WINDOWS = "SELECT u.idx, p.ts AS p_ts, "
    + "(SELECT r.ts " + SERIES + "AND r.ts >= u.f -" + BRIDGE + " AND r.ts <= to_timestamp(floor(extract(epoch FROM p.ts) / 900) * 900)"
    + GOOD + " ORDER BY r.ts DESC LIMIT 1) AS w_from, "
    + "(SELECT r.ts " + SERIES + "AND r.ts <= u.t +" + BRIDGE + " AND r.ts >= to_timestamp(ceil(extract(epoch FROM n.ts) / 900) * 900)"
    + GOOD + " ORDER BY r.ts LIMIT 1) AS w_to, "
    + "(SELECT r.ts " + SERIES + "AND r.ts <= u.t +" + BRIDGE + " ORDER BY r.ts DESC LIMIT 1) AS last_ts "
    + "FROM " + TARGETS + " LEFT JOIN reading_series s ON s.meter_id = u.meter_id AND s.register = u.register "
    + "CROSS JOIN LATERAL (SELECT coalesce((SELECT r.ts " + SERIES + "AND r.ts < u.f AND r.ts >= u.f -" + BRIDGE + GOOD
    + " ORDER BY r.ts DESC LIMIT 1), u.f) AS ts) p "
    + "CROSS JOIN LATERAL (SELECT coalesce((SELECT r.ts " + SERIES + "AND r.ts > u.t AND r.ts <= u.t +" + BRIDGE + GOOD
    + " ORDER BY r.ts LIMIT 1), u.t) AS ts) n";
  private static final String READINGS = "SELECT u.idx, r.ts, r.value FROM " + TARGETS
    + " JOIN reading_series s ON s.meter_id = u.meter_id AND s.register = u.register "
    + "JOIN reading_value r ON r.series_id = s.id AND r.ts >= u.f AND r.ts <= u.t ORDER BY u.idx, r.ts";
  private static final String EXCHANGES = "SELECT u.idx, e.ts, e.old_final_value, e.new_initial_value FROM " + TARGETS
    + " JOIN meter_exchange e ON e.meter_id = u.meter_id AND e.register = u.register AND e.ts > u.f AND e.ts <= u.t "
    + "ORDER BY u.idx, e.ts";
  private static final String KNOWN_QUARANTINE = "SELECT u.idx, q.ts FROM " + TARGETS
    + " JOIN reading_quarantine q ON q.meter_id = u.meter_id AND q.register = u.register AND q.ts >= u.f AND q.ts <= u.t";
  private static final String DELETE_INTERVALS = "DELETE FROM interval_consumption c USING " + TARGETS
    + " WHERE c.meter_id = u.meter_id AND c.register = u.register AND c.interval_start >= u.f AND c.interval_end <= u.t";
  private static final String INSERT_INTERVALS = "INSERT INTO interval_consumption "
    + "(meter_id, register, interval_start, interval_end, consumption, quality) "
    + "SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::float8[], $6::text[])";
  private static final String DELETE_QUARANTINE = "DELETE FROM reading_quarantine q USING " + TARGETS
    + " WHERE q.meter_id = u.meter_id AND q.register = u.register AND q.ts >= u.f AND q.ts <= u.t";
  private static final String INSERT_QUARANTINE = "INSERT INTO reading_quarantine (meter_id, register, ts, reason) "
    + "SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) ON CONFLICT DO NOTHING";

  /** Per target while the batch runs. */
  private static final class Work {
    final Target target;
    Instant windowFrom;
    Instant windowTo;
    Instant lastReading;
    final List<RegisterReading> readings = new ArrayList<>();
    final List<MeterExchange> exchanges = new ArrayList<>();
    final Set<Instant> knownQuarantine = new HashSet<>();
    IntervalResult result;

    Work(Target target) {
      this.target = target;
    }
  }

  private SeriesRebuild() {
  }

  /** Rebuilds every target on {@code conn} (inside the caller's transaction). */
  static Future<List<Outcome>> run(SqlConnection conn, List<Target> targets) {
    List<Work> work = new ArrayList<>(targets.size());
    List<Work> queried = new ArrayList<>();
    for (Target t : targets) {
      Work w = new Work(t);
      work.add(w);
      if (t.known() == null) {
        queried.add(w);
      } else {
        w.windowFrom = t.known().windowFrom();
        w.windowTo = t.known().windowTo();
        w.lastReading = t.known().lastReading();
        w.readings.addAll(t.known().readings());
        w.knownQuarantine.addAll(t.known().knownQuarantine());
      }
    }
    Future<Void> loaded = queried.isEmpty() ? Future.succeededFuture() : load(conn, queried);
    return loaded.compose(v -> {
      work.forEach(SeriesRebuild::compute);
      return store(conn, work, spans(work, true));
    }).map(v -> outcomes(work));
  }

  /** Finds each target's window and loads its readings, exchanges and known quarantines. */
  private static Future<Void> load(SqlConnection conn, List<Work> work) {
    return conn.preparedQuery(WINDOWS).execute(spans(work, false))
      .compose(rows -> {
        for (Row row : rows) {
          setWindow(work.get(row.getInteger("idx")), row);
        }
        Tuple windows = spans(work, true);
        return conn.preparedQuery(READINGS).execute(windows)
          .compose(readings -> {
            readings.forEach(r -> work.get(r.getInteger(0)).readings.add(new RegisterReading(instant(r, 1), r.getDouble(2))));
            return conn.preparedQuery(EXCHANGES).execute(windows);
          })
          .compose(exchanges -> {
            exchanges.forEach(e -> work.get(e.getInteger(0)).exchanges.add(new MeterExchange(instant(e, 1),
              e.getDouble(2), e.getDouble(3))));
            return conn.preparedQuery(KNOWN_QUARANTINE).execute(windows);
          })
          .map(known -> {
            known.forEach(q -> work.get(q.getInteger(0)).knownQuarantine.add(instant(q, 1)));
            return null;
          });
      });
  }

  private static void setWindow(Work w, Row row) {
    Target t = w.target;
    Instant from = row.getOffsetDateTime("w_from") != null ? instant(row, "w_from") : instant(row, "p_ts");
    Instant lastReading = row.getOffsetDateTime("last_ts") == null ? null : instant(row, "last_ts");
    Instant to = row.getOffsetDateTime("w_to") != null ? instant(row, "w_to") : lastReading != null ? lastReading : t.to();
    w.windowFrom = from.isAfter(t.from()) ? t.from() : from;
    w.windowTo = to.isBefore(t.to()) ? t.to() : to;
    w.lastReading = lastReading;
  }

  private static void compute(Work w) {
    RegisterDef def = w.target.meter().registers().get(w.target.register());
    RegisterSpec spec = new RegisterSpec(def == null ? null : def.maxValue(), w.target.meter().multiplier(),
      RegisterLimits.maxRatePerHour(def), RegisterLimits.resolution(def));
    w.result = IntervalCalculator.compute(w.readings, w.exchanges, spec, IntervalService.INTERVAL, alignUp(w.windowFrom),
      intervalsEnd(w));
  }

  /** Readings within one interval complete none yet: an empty window still yields anomalies. */
  private static Instant intervalsEnd(Work w) {
    Instant start = alignUp(w.windowFrom);
    return alignDown(w.windowTo).isBefore(start) ? start : alignDown(w.windowTo);
  }

  private static Future<Void> store(SqlConnection conn, List<Work> work, Tuple windows) {
    List<UUID> meters = new ArrayList<>();
    List<String> registers = new ArrayList<>();
    List<OffsetDateTime> starts = new ArrayList<>();
    List<OffsetDateTime> ends = new ArrayList<>();
    List<Double> consumptions = new ArrayList<>();
    List<String> qualities = new ArrayList<>();
    for (Work w : work) {
      for (IntervalValue v : w.result.intervals()) {
        meters.add(w.target.meter().id());
        registers.add(w.target.register());
        starts.add(at(v.start()));
        ends.add(at(v.end()));
        consumptions.add(v.consumption());
        qualities.add(v.quality().name().toLowerCase());
      }
    }
    return conn.preparedQuery(DELETE_INTERVALS).execute(intervalRanges(work))
      .compose(v -> meters.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(INSERT_INTERVALS)
        .execute(Tuple.of(meters.toArray(UUID[]::new), registers.toArray(String[]::new),
          starts.toArray(OffsetDateTime[]::new), ends.toArray(OffsetDateTime[]::new),
          consumptions.toArray(Double[]::new), qualities.toArray(String[]::new))))
      .compose(v -> conn.preparedQuery(DELETE_QUARANTINE).execute(windows))
      .compose(v -> insertQuarantine(conn, work));
  }

  private static Future<Void> insertQuarantine(SqlConnection conn, List<Work> work) {
    List<UUID> meters = new ArrayList<>();
    List<String> registers = new ArrayList<>();
    List<OffsetDateTime> times = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (Work w : work) {
      Set<Instant> excluded = new HashSet<>(w.result.quarantined());
      for (Anomaly a : w.result.anomalies()) {
        if (excluded.contains(a.ts())) {
          meters.add(w.target.meter().id());
          registers.add(w.target.register());
          times.add(at(a.ts()));
          reasons.add(a.kind().name().toLowerCase() + ": " + a.detail());
        }
      }
    }
    if (meters.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(INSERT_QUARANTINE).execute(Tuple.of(meters.toArray(UUID[]::new),
      registers.toArray(String[]::new), times.toArray(OffsetDateTime[]::new), reasons.toArray(String[]::new))).mapEmpty();
  }

  /**
   * A rebuild sees every anomaly in its window again; only those not already known are new: quarantines not
   * recorded before, and rollovers (and other anomalies) among the readings that caused this rebuild. Duplicate
   * conflicts are returned apart: they are logged, not alarmed (the stored value is kept; the other was never stored).
   */
  private static List<Outcome> outcomes(List<Work> work) {
    List<Outcome> outcomes = new ArrayList<>(work.size());
    for (Work w : work) {
      Set<Instant> excluded = new HashSet<>(w.result.quarantined());
      List<Anomaly> fresh = new ArrayList<>();
      List<Anomaly> conflicts = new ArrayList<>();
      for (Anomaly a : w.result.anomalies()) {
        boolean inSpan = !a.ts().isBefore(w.target.from()) && !a.ts().isAfter(w.target.to());
        switch (a.kind()) {
          case DUPLICATE_CONFLICT -> conflicts.add(a);
          case ROLLOVER -> {
            if (inSpan) {
              fresh.add(a);
            }
          }
          default -> {
            if (excluded.contains(a.ts()) ? !w.knownQuarantine.contains(a.ts()) : inSpan) {
              fresh.add(a);
            }
          }
        }
      }
      outcomes.add(new Outcome(w.target, w.windowFrom, w.windowTo, w.lastReading, fresh, conflicts, tail(w, excluded)));
    }
    return outcomes;
  }

  /**
   * The series' end for in-order readings after it: only when the window reached the last stored reading and held
   * no exchange (series with exchanges always take the queries, which find them).
   */
  private static SeriesTail tail(Work w, Set<Instant> quarantined) {
    if (!w.exchanges.isEmpty() || w.readings.isEmpty() || w.lastReading == null
      || !w.readings.get(w.readings.size() - 1).ts().equals(w.lastReading)) {
      return null;
    }
    return SeriesTail.after(w.readings, quarantined);
  }

  /** The targets as arrays: their changed spans, or (windows = true) the windows found for them. */
  private static Tuple spans(List<Work> work, boolean windows) {
    return ranges(work, w -> windows ? w.windowFrom : w.target.from(), w -> windows ? w.windowTo : w.target.to());
  }

  /** The interval-aligned part of each window, whose intervals the rebuild replaces. */
  private static Tuple intervalRanges(List<Work> work) {
    return ranges(work, w -> alignUp(w.windowFrom), SeriesRebuild::intervalsEnd);
  }

  private static Tuple ranges(List<Work> work, Function<Work, Instant> from, Function<Work, Instant> to) {
    int n = work.size();
    Integer[] idx = new Integer[n];
    UUID[] meters = new UUID[n];
    String[] registers = new String[n];
    OffsetDateTime[] starts = new OffsetDateTime[n];
    OffsetDateTime[] ends = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Work w = work.get(i);
      idx[i] = i;
      meters[i] = w.target.meter().id();
      registers[i] = w.target.register();
      starts[i] = at(from.apply(w));
      ends[i] = at(to.apply(w));
    }
    return Tuple.of(idx, meters, registers, starts, ends);
  }

  private static Instant instant(Row row, int column) {
    return row.getOffsetDateTime(column).toInstant();
  }

  private static Instant instant(Row row, String column) {
    return row.getOffsetDateTime(column).toInstant();
  }

  private static OffsetDateTime at(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
