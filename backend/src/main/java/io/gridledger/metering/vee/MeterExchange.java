package io.gridledger.metering.vee;

import java.time.Instant;
import java.util.Objects;

/**
 * An explicit meter swap on a register: the old meter was removed showing {@code oldFinalValue} and the new one
 * installed showing {@code newInitialValue}, both raw register values in the canonical unit.
 *
 * <p>Readings strictly before {@code ts} belong to the old meter; readings at or after {@code ts} to the new one.
 * Exchange records are entered by people and validated upstream, so a non-finite value is a programming error and
 * is refused here (unlike a bad field reading, which is quarantined).
 */
public record MeterExchange(Instant ts, double oldFinalValue, double newInitialValue) {

  public MeterExchange {
    Objects.requireNonNull(ts, "ts");
    if (!Double.isFinite(oldFinalValue) || !Double.isFinite(newInitialValue)) {
      throw new IllegalArgumentException("meter exchange values must be finite");
    }
  }
}
