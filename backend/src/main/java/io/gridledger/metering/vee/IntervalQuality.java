package io.gridledger.metering.vee;

/** How an interval value was obtained. */
public enum IntervalQuality {
  /** Both boundaries are pinned by real readings (see {@link IntervalCalculator}, rule 4). */
  ACTUAL,
  /** At least one boundary lies in a gap longer than one interval: a linear estimate across the gap. */
  ESTIMATED
}
