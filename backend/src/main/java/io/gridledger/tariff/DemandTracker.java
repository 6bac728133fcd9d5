package io.gridledger.tariff;

/**
 * Maximum demand over a rolling window of consecutive intervals (in real time, so a window across a DST change covers
 * exactly its length in minutes). A window counts for a time-of-use period only if every interval in it lies in that
 * period; every window counts for the whole-period (flat) peak. Sums are in milli-units: no allocation per interval.
 */
final class DemandTracker {

  private final long windowSeconds;
  private final int capacity;
  private final long[] ringStart;
  private final long[] ringQty;
  private final int[] ringPeriod;
  /** Index of the oldest entry and number of entries; the ring wraps without division. */
  private int tail;
  private int size;
  private long sumMilli;
  long flatPeakMilli = -1;
  final long[] periodPeakMilli;

  DemandTracker(int windowSeconds, int intervalSeconds, int periods) {
    this.windowSeconds = windowSeconds;
    this.capacity = Math.max(1, windowSeconds / intervalSeconds);
    this.ringStart = new long[capacity];
    this.ringQty = new long[capacity];
    this.ringPeriod = new int[capacity];
    this.periodPeakMilli = new long[Math.max(periods, 1)];
    java.util.Arrays.fill(periodPeakMilli, -1);
  }

  /** Adds the next interval (ascending starts) and updates the peaks of the window that ends with it. */
  void add(long startEpoch, long qtyMilli, int period) {
    if (capacity == 1) {
      // a window of one interval (the 15-minute default): the window is the interval, nothing to evict or check
      if (qtyMilli > flatPeakMilli) {
        flatPeakMilli = qtyMilli;
      }
      if (period >= 0 && qtyMilli > periodPeakMilli[period]) {
        periodPeakMilli[period] = qtyMilli;
      }
      return;
    }
    long oldestAllowed = startEpoch - windowSeconds;
    // Evict intervals outside the window; a full ring also evicts (only if starts are not whole intervals apart).
    while (size > 0 && (ringStart[tail] <= oldestAllowed || size == capacity)) {
      sumMilli -= ringQty[tail];
      tail = tail + 1 == capacity ? 0 : tail + 1;
      size--;
    }
    int head = tail + size;
    if (head >= capacity) {
      head -= capacity;
    }
    ringStart[head] = startEpoch;
    ringQty[head] = qtyMilli;
    ringPeriod[head] = period;
    size++;
    sumMilli += qtyMilli;
    if (sumMilli > flatPeakMilli) {
      flatPeakMilli = sumMilli;
    }
    if (period >= 0 && sumMilli > periodPeakMilli[period] && allIn(period)) {
      periodPeakMilli[period] = sumMilli;
    }
  }

  private boolean allIn(int period) {
    for (int i = 0, k = tail; i < size; i++) {
      if (ringPeriod[k] != period) {
        return false;
      }
      k = k + 1 == capacity ? 0 : k + 1;
    }
    return true;
  }
}
