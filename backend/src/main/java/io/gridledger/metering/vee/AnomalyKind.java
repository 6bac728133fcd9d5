package io.gridledger.metering.vee;

/** What the calculator noticed about a reading. Only {@link #ROLLOVER} leaves the reading in use. */
public enum AnomalyKind {
  /** The register wrapped at {@link RegisterSpec#rolloverAt()}; informational, the wrapped delta is used. */
  ROLLOVER,
  /** The value went down and is not a plausible wrap; the reading is quarantined. */
  DECREASE_QUARANTINED,
  /** The increase exceeds what the meter can physically do in the elapsed time (a spike); quarantined. */
  JUMP_QUARANTINED,
  /** A meter exchange record contradicts the readings around it; the later reading is quarantined. */
  EXCHANGE_INCONSISTENT,
  /**
   * Two readings share a timestamp with different values. The lower value is kept (an order-independent rule, so
   * the result does not depend on the order rows come back from the database); the other value is reported here.
   */
  DUPLICATE_CONFLICT,
  /** The value is not a number, infinite, or outside [0, rolloverAt) for a wrapping register; quarantined. */
  INVALID_VALUE
}
