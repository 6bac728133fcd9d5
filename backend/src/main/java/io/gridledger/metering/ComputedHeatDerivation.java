package io.gridledger.metering;

import io.gridledger.ingest.MeterDirectory;
import io.gridledger.ingest.MeterDirectory.MeterRef;
import io.gridledger.metering.vee.HeatEnergy;
import io.gridledger.metering.vee.IntervalQuality;
import io.gridledger.metering.vee.IntervalValue;
import io.vertx.core.Future;
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

/**
 * Heat (or cooling) energy computed per EN 1434 for a meter bound {@code computed}: each 15-minute interval's volume
 * of the source meter times the heat coefficient of water at that interval's mean supply and return temperatures
 * ({@link HeatEnergy}). Derived whenever the source's volume intervals are rebuilt; an interval without both
 * temperatures is left out, not guessed. Cooling energy is reported positive.
 */
final class ComputedHeatDerivation {

  private final MeterDirectory meters;

  ComputedHeatDerivation(MeterDirectory meters) {
    this.meters = meters;
  }

  Future<Void> derive(SqlConnection conn, MeterRef computed, Instant from, Instant to) {
    JsonObject source = computed.binding().getJsonObject("source");
    MeterRef meter = meters.bySerial(computed.siteId(), source.getString("meterSerial"));
    if (meter == null) {
      return Future.succeededFuture();
    }
    String volumeRegister = source.getString("volumeRegister", "volume");
    MeterDirectory.RegisterDef volumeDef = meter.registers().get(volumeRegister);
    if (volumeDef == null) {
      return Future.succeededFuture();
    }
    double toM3 = UnitConversion.convert(1, volumeDef.unit(), "m3").orElse(Double.NaN);
    HeatEnergy.FlowSensorPosition position = "supply".equals(source.getString("flowSensor"))
      ? HeatEnergy.FlowSensorPosition.SUPPLY : HeatEnergy.FlowSensorPosition.RETURN;
    Tuple range = Tuple.of(meter.id(), volumeRegister, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
    return conn.preparedQuery("SELECT interval_start, interval_end, consumption, quality FROM interval_consumption "
        + "WHERE meter_id = $1 AND register = $2 AND interval_start >= $3 AND interval_end <= $4 ORDER BY interval_start")
      .execute(range)
      .compose(volumes -> conn.preparedQuery("SELECT register, to_timestamp(floor(extract(epoch FROM ts) / 900) * 900) AS slot, "
          + "avg(value) AS mean FROM reading WHERE meter_id = $1 AND register IN ($2, $3) AND ts >= $4 AND ts < $5 "
          + "GROUP BY 1, 2")
        .execute(Tuple.of(meter.id(), source.getString("supplyRegister", "temperature_supply"),
          source.getString("returnRegister", "temperature_return"), from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
        .compose(temps -> {
          Map<Instant, Double> supply = new HashMap<>();
          Map<Instant, Double> ret = new HashMap<>();
          String supplyRegister = source.getString("supplyRegister", "temperature_supply");
          for (Row t : temps) {
            (t.getString("register").equals(supplyRegister) ? supply : ret)
              .put(t.getOffsetDateTime("slot").toInstant(), t.getDouble("mean"));
          }
          List<IntervalValue> volumeM3 = new ArrayList<>();
          List<Double> supplyC = new ArrayList<>();
          List<Double> returnC = new ArrayList<>();
          for (Row v : volumes) {
            Instant start = v.getOffsetDateTime("interval_start").toInstant();
            if (supply.containsKey(start) && ret.containsKey(start) && Double.isFinite(toM3)) {
              volumeM3.add(new IntervalValue(start, v.getOffsetDateTime("interval_end").toInstant(),
                v.getDouble("consumption") * toM3,
                "estimated".equals(v.getString("quality")) ? IntervalQuality.ESTIMATED : IntervalQuality.ACTUAL));
              supplyC.add(supply.get(start));
              returnC.add(ret.get(start));
            }
          }
          List<IntervalValue> energy = HeatEnergy.intervals(volumeM3, toArray(supplyC), toArray(returnC), position);
          return store(conn, computed, from, to, energy);
        }));
  }

  private Future<Void> store(SqlConnection conn, MeterRef computed, Instant from, Instant to, List<IntervalValue> energyKwh) {
    List<Tuple> rows = new ArrayList<>();
    for (Map.Entry<String, MeterDirectory.RegisterDef> register : computed.registers().entrySet()) {
      double fromKwh = UnitConversion.convert(1, "kWh", register.getValue().unit()).orElse(1);
      for (IntervalValue e : energyKwh) {
        rows.add(Tuple.of(computed.id(), register.getKey(), e.start().atOffset(ZoneOffset.UTC),
          e.end().atOffset(ZoneOffset.UTC), Math.abs(e.consumption()) * fromKwh, e.quality().name().toLowerCase()));
      }
    }
    return conn.preparedQuery("DELETE FROM interval_consumption WHERE meter_id = $1 AND interval_start >= $2 "
        + "AND interval_end <= $3")
      .execute(Tuple.of(computed.id(), from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
      .compose(v -> rows.isEmpty() ? Future.succeededFuture() : conn.preparedQuery("INSERT INTO interval_consumption "
        + "(meter_id, register, interval_start, interval_end, consumption, quality) VALUES ($1, $2, $3, $4, $5, $6)")
        .executeBatch(rows))
      .mapEmpty();
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
