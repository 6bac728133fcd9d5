package io.gridledger.alarm;

import io.gridledger.alarm.SweepQueries.Counts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.gridledger.alarm.SweepQueries.SYSTEM;
import static io.gridledger.alarm.SweepQueries.each;
import static io.gridledger.alarm.SweepQueries.windowTuple;

/** A day far above or below the meter's own baseline for that weekday (thresholds are configured). */
final class AbnormalConsumptionDetector {

  private static final String[] CUMULATIVE = java.util.Arrays.stream(new String[] {"energy_active_import",
      "energy_active_export", "energy_reactive_import", "energy_heat", "energy_cooling", "volume"})
    .filter(io.gridledger.metering.RegisterVocabulary::isCumulative).toArray(String[]::new);

  private final SweepQueries q;
  private final AlarmService alarms;
  private final AlarmThresholds thresholds;

  AbnormalConsumptionDetector(SweepQueries q, AlarmService alarms, AlarmThresholds thresholds) {
    this.q = q;
    this.alarms = alarms;
    this.thresholds = thresholds;
  }

  /**
   * Yesterday (site-local) against the meter's baseline: the median of the same weekday over the previous
   * thresholds.baselineWeeks() weeks, counting only complete days (every interval present), with at least MIN_BASELINE_DAYS of
   * them. Per meter (the alarm is per meter and kind), abnormal when any cumulative register is; cleared when at
   * least one register has a verdict and none is abnormal.
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
      String kind = AlarmKind.ABNORMAL_CONSUMPTION.wire();
      Tuple params = windowTuple(days);
      params.addArrayOfInteger(days.stream().map(SweepWindow::k).toArray(Integer[]::new));
      params.addArrayOfString(CUMULATIVE).addInteger(thresholds.minBaselineDays()).addString(kind);
      return q.rows("WITH d AS (SELECT * FROM unnest($1::text[], $2::date[], $3::timestamptz[], $4::timestamptz[], "
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
              if (abnormal == null && thresholds.isAbnormal(r.getDouble("consumption"), r.getDouble("baseline"))) {
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
}
