package io.gridledger.simulator.model;

import java.time.Instant;
import java.util.Map;

/** Every meter's reading at one tick; immutable, so protocol threads read it without locks. */
public record SiteSnapshot(Instant time, long tick, Map<String, MeterReading> readings) {

  public MeterReading reading(String serial) {
    return readings.get(serial);
  }
}
