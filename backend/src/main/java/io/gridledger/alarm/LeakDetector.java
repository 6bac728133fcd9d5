package io.gridledger.alarm;

import io.gridledger.alarm.SweepQueries.Counts;
import io.gridledger.metering.UnitConversion;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.gridledger.alarm.SweepQueries.SYSTEM;
import static io.gridledger.alarm.SweepQueries.each;
import static io.gridledger.alarm.SweepQueries.lastOperatorCleared;
import static io.gridledger.alarm.SweepQueries.operatorClearedTheSame;
import static io.gridledger.alarm.SweepQueries.windowTuple;

/** Water flowing through every interval of a site-local night (the night is configured). */
final class LeakDetector {

  private static final String WATER_REGISTER = "volume";

  private final SweepQueries q;
  private final AlarmService alarms;
  private final AlarmThresholds thresholds;

  LeakDetector(SweepQueries q, AlarmService alarms, AlarmThresholds thresholds) {
    this.q = q;
    this.alarms = alarms;
    this.thresholds = thresholds;
  }

  /**
   * Water meters whose volume register had flow in every interval of the last complete night (all intervals present
   * and positive). Clears when the last complete night has an interval without flow. A night with missing intervals
   * gives no verdict either way.
   *
   * <p>Each meter's night is read by its own range of the interval key (a LATERAL aggregate), as the abnormal-day
   * detector reads its days: joined to interval_consumption as a whole, PostgreSQL may hash the entire table.
   */
  Future<Counts> leak(Instant now) {
    return q.windows(zone -> List.of(thresholds.lastCompleteNight(zone.getKey(), zone.getValue(), now))).compose(nights -> {
      if (nights.isEmpty()) {
        return Future.succeededFuture(Counts.NONE);
      }
      String kind = AlarmKind.LEAK.wire();
      return q.rows("WITH night AS (SELECT * FROM unnest($1::text[], $2::date[], $3::timestamptz[], $4::timestamptz[], "
          + "$5::int[]) AS n(tz, night, start_at, end_at, expected)), "
          + "stats AS (SELECT m.id AS meter_id, m.site_id, m.serial, n.night, n.expected, x.intervals, x.min_flow, "
          + "x.total, "
          + "(SELECT r->>'unit' FROM jsonb_array_elements(m.registers) r WHERE r->>'name' = $6 LIMIT 1) AS unit "
          + "FROM night n JOIN site s ON s.time_zone = n.tz JOIN meter m ON m.site_id = s.id AND m.kind = 'water' "
          + "CROSS JOIN LATERAL (SELECT count(*) AS intervals, min(ic.consumption) AS min_flow, "
          + "sum(ic.consumption) AS total FROM interval_consumption ic WHERE ic.meter_id = m.id AND ic.register = $6 "
          + "AND ic.interval_start >= n.start_at AND ic.interval_start < n.end_at) x WHERE x.intervals > 0) "
          + "SELECT st.*, a.id AS open_id, a.details->>'night' AS open_night, oc.operator_cleared FROM stats st "
          + "LEFT JOIN alarm a ON a.meter_id = st.meter_id AND a.kind = $7 AND a.state <> 'cleared' "
          + lastOperatorCleared("st.meter_id", "$7", "$8")
          + "WHERE (st.intervals = st.expected AND st.min_flow > 0) OR (a.id IS NOT NULL AND st.min_flow <= 0)",
        windowTuple(nights).addString(WATER_REGISTER).addString(kind).addString(SYSTEM))
        .compose(found -> {
          List<Map.Entry<Row, JsonObject>> raise = new ArrayList<>();   // the night's row and its alarm details
          List<Row> resolve = new ArrayList<>();
          for (Row r : found) {
            if (r.getDouble("min_flow") <= 0) {
              resolve.add(r);
              continue;
            }
            JsonObject details = details(r);
            if ((r.getUUID("open_id") == null || !details.getString("night").equals(r.getString("open_night")))
              && !operatorClearedTheSame(r.getJsonObject("operator_cleared"), details, "night",
              "minFlowM3PerInterval", "totalM3")) {
              raise.add(Map.entry(r, details));
            }
          }
          return each(raise, leak -> {
            Row r = leak.getKey();
            JsonObject details = leak.getValue();
            return alarms.raise(r.getUUID("site_id"), r.getUUID("meter_id"), AlarmKind.LEAK,
              "Water meter " + r.getString("serial") + " had flow all night on " + details.getString("night") + " ("
                + details.getDouble("totalM3") + " m3, at least " + details.getDouble("minFlowM3PerInterval")
                + " m3 every 15 minutes)", details);
          }).compose(n -> each(resolve, r -> alarms.resolve(r.getUUID("meter_id"), AlarmKind.LEAK, SYSTEM))
            .map(m -> new Counts(n, m)));
        });
    });
  }

  /** The alarm's details for a night row, in m3 whatever the register's unit. */
  private static JsonObject details(Row r) {
    double toM3 = UnitConversion.convert(1, Objects.requireNonNullElse(r.getString("unit"), "m3"), "m3").orElse(1);
    return new JsonObject().put("night", r.getLocalDate("night").toString())
      .put("minFlowM3PerInterval", r.getDouble("min_flow") * toM3).put("totalM3", r.getDouble("total") * toM3);
  }
}
