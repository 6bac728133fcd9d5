package io.gridledger.metering.vee;

import java.time.Instant;
import java.util.Objects;

/**
 * Something the calculator noticed.
 *
 * @param ts            the timestamp of the reading concerned
 * @param previousValue the value it was compared with: the last accepted reading's raw value (for
 *                      {@link AnomalyKind#DUPLICATE_CONFLICT}, the value kept); {@code NaN} when there was none
 * @param value         the reading's raw value (for a duplicate conflict, the value discarded)
 * @param detail        a human-readable sentence with the numbers that decided it
 */
public record Anomaly(AnomalyKind kind, Instant ts, double previousValue, double value, String detail) {

  public Anomaly {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(detail, "detail");
  }
}
