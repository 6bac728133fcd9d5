package io.gridledger.metering;

import io.gridledger.alarm.AlarmKind;
import io.gridledger.alarm.AlarmService;
import io.gridledger.ingest.MeterDirectory;
import io.gridledger.ingest.MeterDirectory.MeterRef;
import io.gridledger.metering.vee.IntervalQuality;
import io.gridledger.metering.vee.IntervalValue;
import io.gridledger.metering.vee.VirtualMeter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Derives a virtual meter's intervals "the same way" as a real meter's: whenever a term's intervals are rebuilt (and
 * committed), the virtual meter's intervals over that window are recomputed from the stored term intervals (sum of coefficient x
 * consumption). An interval some term lacks is left out, not guessed; a negative result (a main meter reading less
 * than its sub-meters) is kept at zero, flagged estimated, and raises a negative_remainder alarm: it means a metering
 * error someone must look at, never a credit on a bill.
 */
final class VirtualMeterDerivation {

  private final MeterDirectory meters;
  private final AlarmService alarms;

  VirtualMeterDerivation(MeterDirectory meters, AlarmService alarms) {
    this.meters = meters;
    this.alarms = alarms;
  }

  /** Rebuilds the virtual meter's intervals over [from, to) from its terms' stored intervals. */
  Future<Void> derive(SqlConnection conn, MeterRef virtual, String register, Instant from, Instant to) {
    JsonArray termList = virtual.binding().getJsonArray("terms");
    List<UUID> ids = new ArrayList<>();
    Map<UUID, Double> coefficients = new HashMap<>();
    Map<UUID, String> names = new HashMap<>();
    for (Object o : termList) {
      JsonObject term = (JsonObject) o;
      MeterRef meter = meters.bySerial(virtual.siteId(), term.getString("meterSerial"));
      if (meter == null) {
        return Future.succeededFuture();   // a term meter was removed: nothing can be derived until the binding is fixed
      }
      ids.add(meter.id());
      coefficients.merge(meter.id(), term.getNumber("coefficient", 1).doubleValue(), Double::sum);
      names.put(meter.id(), meter.serial());
    }
    Tuple range = Tuple.of(ids.toArray(new UUID[0]), register, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
    return conn.preparedQuery("SELECT meter_id, interval_start, interval_end, consumption, quality FROM interval_consumption "
        + "WHERE meter_id = ANY($1) AND register = $2 AND interval_start >= $3 AND interval_end <= $4 ORDER BY interval_start")
      .execute(range)
      .compose(rows -> {
        Map<UUID, List<IntervalValue>> series = new HashMap<>();
        ids.forEach(id -> series.put(id, new ArrayList<>()));
        for (Row row : rows) {
          series.get(row.getUUID("meter_id")).add(new IntervalValue(row.getOffsetDateTime("interval_start").toInstant(),
            row.getOffsetDateTime("interval_end").toInstant(), row.getDouble("consumption"),
            "estimated".equals(row.getString("quality")) ? IntervalQuality.ESTIMATED : IntervalQuality.ACTUAL));
        }
        List<VirtualMeter.Term> terms = new ArrayList<>();
        coefficients.forEach((id, coefficient) -> terms.add(new VirtualMeter.Term(names.get(id), coefficient, series.get(id))));
        VirtualMeter.Result result = VirtualMeter.evaluate(terms);
        return store(conn, virtual, register, from, to, result);
      });
  }

  private Future<Void> store(SqlConnection conn, MeterRef virtual, String register, Instant from, Instant to,
                             VirtualMeter.Result result) {
    List<Tuple> rows = new ArrayList<>();
    for (VirtualMeter.VirtualInterval v : result.intervals()) {
      rows.add(Tuple.of(virtual.id(), register, v.start().atOffset(ZoneOffset.UTC), v.end().atOffset(ZoneOffset.UTC),
        v.value(), v.quality().name().toLowerCase()));
    }
    List<VirtualMeter.Flag> negative = result.flags().stream()
      .filter(f -> f.kind() == VirtualMeter.FlagKind.NEGATIVE_RESULT).toList();
    return conn.preparedQuery("DELETE FROM interval_consumption WHERE meter_id = $1 AND register = $2 "
        + "AND interval_start >= $3 AND interval_end <= $4")
      .execute(Tuple.of(virtual.id(), register, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
      .compose(v -> rows.isEmpty() ? Future.succeededFuture() : conn.preparedQuery("INSERT INTO interval_consumption "
        + "(meter_id, register, interval_start, interval_end, consumption, quality) VALUES ($1, $2, $3, $4, $5, $6)")
        .executeBatch(rows))
      .compose(v -> negative.isEmpty() ? Future.succeededFuture() : alarms.raise(virtual.siteId(), virtual.id(),
        AlarmKind.NEGATIVE_REMAINDER, virtual.serial() + " " + register + ": " + negative.size()
          + " interval(s) came out negative (its terms disagree); kept at zero and flagged estimated",
        new JsonObject().put("register", register).put("intervals", negative.size())
          .put("first", negative.get(0).start().toString()).put("value", negative.get(0).value())));
  }
}
