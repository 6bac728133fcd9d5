package io.gridledger.simulator.mqtt;

import io.gridledger.simulator.model.MeterReading;
import io.gridledger.simulator.model.MeterSpec;
import io.gridledger.simulator.model.RegisterSpec;
import io.gridledger.simulator.model.SiteSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The documented readings batch:
 * <pre>
 * {"gateway":"gw-1","readings":[{"meter":"&lt;serial&gt;","register":"energy_active_import",
 *   "ts":"2026-11-27T10:15:00Z","value":12345.678,"unit":"kWh"}, ...]}
 * </pre>
 * ts is the tick time in UTC ISO-8601 (millisecond precision, fraction omitted when zero); every register of every
 * online meter of the gateway, in site-document order; values rounded to 3 decimals. Offline meters are left out.
 */
final class BatchMessage {

  private BatchMessage() {
  }

  static JsonObject build(String gateway, List<MeterSpec> meters, SiteSnapshot snapshot) {
    JsonArray readings = new JsonArray();
    for (MeterSpec meter : meters) {
      MeterReading reading = snapshot.reading(meter.serial());
      if (reading == null || !reading.online()) {
        continue;
      }
      String ts = timestamp(reading.time());
      for (RegisterSpec register : meter.registers()) {
        readings.add(new JsonObject().put("meter", meter.serial()).put("register", register.name()).put("ts", ts)
          .put("value", round3(reading.value(register.name()))).put("unit", register.unit()));
      }
    }
    return new JsonObject().put("gateway", gateway).put("readings", readings);
  }

  static String timestamp(Instant time) {
    return time.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private static double round3(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
