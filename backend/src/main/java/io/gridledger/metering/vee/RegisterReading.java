package io.gridledger.metering.vee;

import java.time.Instant;
import java.util.Objects;

/**
 * One raw value of a cumulative register, as the meter reported it.
 *
 * @param ts    when the meter (or its gateway) took the value, UTC
 * @param value the register value in the register's canonical unit, multiplier NOT applied. A non-finite value is
 *              not rejected here: {@link IntervalCalculator} quarantines it with an
 *              {@link AnomalyKind#INVALID_VALUE} anomaly, so one bad field value never stops a bill run.
 */
public record RegisterReading(Instant ts, double value) {

  public RegisterReading {
    Objects.requireNonNull(ts, "ts");
  }
}
