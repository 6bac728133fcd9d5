package io.gridledger.simulator.model;

import java.time.Instant;
import java.util.Map;

/**
 * One meter's registers at one tick, as the device reports them: in the units the site document declares, divided by
 * the meter's multiplier where that applies, rolled over at maxValue, with any injected spike applied.
 *
 * @param values      register name to value, in the document's register order
 * @param online      false while the meter is faulted offline: protocols then report it unreachable
 */
public record MeterReading(String serial, Instant time, Map<String, Double> values, boolean relayClosed,
                           boolean online) {

  public double value(String register) {
    Double value = values.get(register);
    if (value == null) {
      throw new IllegalArgumentException("Meter " + serial + " has no register " + register);
    }
    return value;
  }
}
