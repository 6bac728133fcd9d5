package io.gridledger.metering.vee;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of {@link IntervalCalculator#compute}.
 *
 * @param intervals   complete intervals inside [from, to], ordered by start
 * @param anomalies   everything noticed about the readings given (all of them, not only those inside [from, to]),
 *                    ordered by reading timestamp
 * @param quarantined timestamps of the readings that were excluded from the curve, ascending
 */
public record IntervalResult(List<IntervalValue> intervals, List<Anomaly> anomalies, List<Instant> quarantined) {

  public IntervalResult {
    intervals = List.copyOf(intervals);
    anomalies = List.copyOf(anomalies);
    quarantined = List.copyOf(quarantined);
  }
}
