package io.gridledger.tariff;

/**
 * Usage of one utility for one tenant: fixed-length intervals (900 s), ascending starts, not necessarily contiguous.
 * Quantities are in thousandths of the tariff's energy/volume unit (Wh for kWh, litres for m3).
 *
 * <p>The arrays are read, never copied or changed, by the engine: the caller may reuse them between calls but must not
 * change them while a call runs.
 */
public record IntervalUsage(int intervalSeconds, long[] intervalStartsEpochSecond, long[] quantitiesMilli) {

  public IntervalUsage {
    if (intervalSeconds <= 0) {
      throw new IllegalArgumentException("intervalSeconds must be positive: " + intervalSeconds);
    }
    if (intervalStartsEpochSecond.length != quantitiesMilli.length) {
      throw new IllegalArgumentException("starts and quantities differ in length: " + intervalStartsEpochSecond.length
        + " vs " + quantitiesMilli.length);
    }
  }

  public int size() {
    return quantitiesMilli.length;
  }

  public static IntervalUsage empty(int intervalSeconds) {
    return new IntervalUsage(intervalSeconds, new long[0], new long[0]);
  }
}
