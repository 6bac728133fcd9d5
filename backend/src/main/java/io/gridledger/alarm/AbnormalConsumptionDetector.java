package io.gridledger.alarm;

import io.gridledger.alarm.SweepQueries.Counts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.gridledger.alarm.SweepQueries.SYSTEM;
import static io.gridledger.alarm.SweepQueries.each;
import static io.gridledger.alarm.SweepQueries.lastOperatorCleared;
import static io.gridledger.alarm.SweepQueries.operatorClearedTheSame;
import static io.gridledger.alarm.SweepQueries.windowTuple;

/** A day far above or below the meter's own baseline for that weekday (thresholds are configured). */
final class AbnormalConsumptionDetector {

  private static final String[] CUMULATIVE = java.util.Arrays.stream(new String[] {"energy_active_import",
      "energy_active_export", "energy_reactive_import", "energy_heat", "energy_cooling", "volume"})
    .filter(io.gridledger.metering.RegisterVocabulary::isCumulative).toArray(String[]::new);

  /**
   * How long a verdict on the same days stands before the sweep gives it again. A verdict is about whole past days:
   * it changes with the days (a new yesterday, given at once) or with late data for one of them, which this picks up
   * within the hour. Giving it every minute instead read every meter's five days each time (96 intervals per meter
   * register and day: 4.8 million for 10,000 meters, about 3 s of a core on the 2-core machine).
   */
  static final Duration RECHECK = Duration.ofHours(1);

  private final SweepQueries q;
  private final AlarmService alarms;
  private final AlarmThresholds thresholds;

  /** The windows of the last verdict that completed, and the sweep time it was given at. */
  private List<SweepWindow> lastWindows = List.of();
  private Instant lastVerdictAt;

  AbnormalConsumptionDetector(SweepQueries q, AlarmService alarms, AlarmThresholds thresholds) {
    this.q = q;
    this.alarms = alarms;
    this.thresholds = thresholds;
  }

  /**
   * Yesterday (site-local) against the meter's baseline: the median of the same weekday over the previous
   * thresholds.baselineWeeks() weeks, counting only complete days (every interval present), with at least MIN_BASELINE_DAYS of
   * them. Per meter (the alarm is per meter and kind), abnormal when any cumulative register is; cleared when at
   * least one register has a verdict and none is abnormal. A verdict an operator cleared is not raised again while its
   * figures stay the same ({@link SweepQueries#operatorClearedTheSame}).
   */
  Future<Counts> abnormal(Instant now) {
    return q.windows(zone -> {
      LocalDate yesterday = now.atZone(zone.getValue()).toLocalDate().minusDays(1);
      List<SweepWindow> days = new ArrayList<>();
      for (int k = 0; k <= thresholds.baselineWeeks(); k++) {
        days.add(SweepWindow.localDay(zone.getKey(), zone.getValue(), yesterday.minusWeeks(k), k));
      }
      return days;
    }).compose(days -> {
      if (days.isEmpty()) {
        return Future.succeededFuture(Counts.NONE);
      }
      if (days.equals(lastWindows) && !now.isBefore(lastVerdictAt) && now.isBefore(lastVerdictAt.plus(RECHECK))) {
        return Future.succeededFuture(Counts.NONE);
      }
      return verdict(days).onSuccess(c -> {
        lastWindows = days;
        lastVerdictAt = now;
      });
    });
  }

  /**
   * The verdict query. Each meter register's day total is read by its own range of the interval key (a LATERAL
   * aggregate): joined to interval_consumption as a whole, PostgreSQL hashed the entire table (30 million rows of a
   * 10,000-meter month, 23 s with the hash spilled to disk). The baseline is an aggregate of the register's own days,
   * not a join of the days with themselves, which the planner took for a few rows and ran as a nested loop (400
   * million comparisons, 70 s).
   */
  private Future<Counts> verdict(List<SweepWindow> days) {
    String kind = AlarmKind.ABNORMAL_CONSUMPTION.wire();
    Tuple params = windowTuple(days);
    params.addArrayOfInteger(days.stream().map(SweepWindow::k).toArray(Integer[]::new));
    params.addArrayOfString(CUMULATIVE).addInteger(thresholds.minBaselineDays()).addString(kind).addString(SYSTEM);
    return q.rows("WITH d AS (SELECT * FROM unnest($1::text[], $2::date[], $3::timestamptz[], $4::timestamptz[], "
          + "$5::int[], $6::int[]) AS d(tz, day, start_at, end_at, expected, k)), "
          + "reg AS (SELECT m.id AS meter_id, m.site_id, m.serial, s.time_zone, r->>'name' AS register "
          + "FROM meter m JOIN site s ON s.id = m.site_id CROSS JOIN LATERAL jsonb_array_elements(m.registers) r "
          + "WHERE r->>'name' = ANY($7::text[]) AND s.time_zone = ANY($1::text[])), "
          + "daily AS (SELECT reg.meter_id, reg.register, reg.site_id, reg.serial, d.k, d.day, x.total FROM reg "
          + "JOIN d ON d.tz = reg.time_zone CROSS JOIN LATERAL (SELECT sum(ic.consumption) AS total, "
          + "count(*) AS intervals FROM interval_consumption ic WHERE ic.meter_id = reg.meter_id "
          + "AND ic.register = reg.register AND ic.interval_start >= d.start_at AND ic.interval_start < d.end_at) x "
          + "WHERE x.intervals = d.expected), "
          + "verdict AS (SELECT meter_id, register, site_id, serial, max(day) FILTER (WHERE k = 0) AS day, "
          + "max(total) FILTER (WHERE k = 0) AS consumption, "
          + "percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FILTER (WHERE k > 0) AS baseline, "
          + "count(*) FILTER (WHERE k > 0) AS baseline_days FROM daily GROUP BY meter_id, register, site_id, serial "
          + "HAVING count(*) FILTER (WHERE k = 0) = 1 AND count(*) FILTER (WHERE k > 0) >= $8) "
          + "SELECT v.*, a.id AS open_id, a.details->>'day' AS open_day, oc.operator_cleared FROM verdict v "
          + "LEFT JOIN alarm a ON a.meter_id = v.meter_id AND a.kind = $9 AND a.state <> 'cleared' "
          + lastOperatorCleared("v.meter_id", "$9", "$10")
          + "ORDER BY v.meter_id, v.register", params)
        .compose(found -> {
          // Group the registers of each meter (rows are ordered by meter).
          List<Map.Entry<Row, JsonObject>> raise = new ArrayList<>();   // the verdict row and its alarm details
          List<UUID> resolve = new ArrayList<>();
          int i = 0;
          while (i < found.size()) {
            UUID meter = found.get(i).getUUID("meter_id");
            Row abnormal = null;
            Row any = found.get(i);
            for (; i < found.size() && found.get(i).getUUID("meter_id").equals(meter); i++) {
              Row r = found.get(i);
              if (abnormal == null && thresholds.isAbnormal(r.getDouble("consumption"), r.getDouble("baseline"))) {
                abnormal = r;
              }
            }
            if (abnormal != null) {
              JsonObject details = details(abnormal);
              boolean openForThisDay = abnormal.getUUID("open_id") != null
                && details.getString("day").equals(abnormal.getString("open_day"));
              if (!openForThisDay
                && !operatorClearedTheSame(abnormal.getJsonObject("operator_cleared"), details, "day", "register",
                "consumption", "baseline")) {
                raise.add(Map.entry(abnormal, details));
              }
            } else if (any.getUUID("open_id") != null) {
              resolve.add(meter);
            }
          }
          return each(raise, verdict -> {
            Row r = verdict.getKey();
            return alarms.raise(r.getUUID("site_id"), r.getUUID("meter_id"), AlarmKind.ABNORMAL_CONSUMPTION,
              "Meter " + r.getString("serial") + " used " + r.getDouble("consumption") + " on " + r.getLocalDate("day")
                + " (" + r.getString("register") + ") against a usual " + r.getDouble("baseline"), verdict.getValue());
          }).compose(n -> each(resolve, id -> alarms.resolve(id, AlarmKind.ABNORMAL_CONSUMPTION, SYSTEM))
            .map(m -> new Counts(n, m)));
        });
  }

  /** The alarm's details for a verdict row. */
  private static JsonObject details(Row r) {
    double consumption = r.getDouble("consumption");
    double baseline = r.getDouble("baseline");
    return new JsonObject().put("day", r.getLocalDate("day").toString()).put("register", r.getString("register"))
      .put("consumption", consumption).put("baseline", baseline)
      .put("ratio", baseline > 0 ? consumption / baseline : null)
      .put("baselineDays", r.getLong("baseline_days"));
  }
}
