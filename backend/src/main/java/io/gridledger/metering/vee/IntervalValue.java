package io.gridledger.metering.vee;

import java.time.Instant;
import java.util.Objects;

/**
 * Consumption in the half-open interval [start, end), multiplier applied.
 *
 * @param consumption billed units ({@code (C(end) - C(start)) x multiplier}); never negative when produced by
 *                    {@link IntervalCalculator}
 */
public record IntervalValue(Instant start, Instant end, double consumption, IntervalQuality quality) {

  public IntervalValue {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(quality, "quality");
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("interval end must be after its start");
    }
  }
}
