package io.gridledger.tariff;

import java.util.List;

/**
 * The rated period.
 *
 * @param subtotalMinor all non-tax lines
 * @param peaks         this period's measured peaks, to be stored for future ratchets
 */
public record RatingResult(
  List<ChargeLine> lines,
  long subtotalMinor,
  long taxMinor,
  long totalMinor,
  List<PeakDemand> peaks) {
}
