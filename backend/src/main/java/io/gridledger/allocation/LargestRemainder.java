package io.gridledger.allocation;

import java.math.BigInteger;

/**
 * Splits an integer quantity in proportion to integer weights so that the parts add up to the quantity exactly
 * (Hamilton's largest-remainder method): every part first gets the floor of its exact share, then the units left over
 * go one each to the parts with the largest remainders, ties to the lower index (callers order parts by a stable key,
 * so a re-run gives the same split).
 */
final class LargestRemainder {

  private LargestRemainder() {
  }

  /**
   * The parts of {@code total} (may be negative: a loss remainder can be) for non-negative {@code weights}; null when
   * the weights add up to zero (nothing to split by: the caller decides where the quantity goes).
   */
  static long[] split(long total, long[] weights) {
    long weightSum = 0;
    for (long w : weights) {
      if (w < 0) {
        throw new IllegalArgumentException("negative weight " + w);
      }
      weightSum = Math.addExact(weightSum, w);
    }
    if (weightSum == 0) {
      return null;
    }
    long[] parts = new long[weights.length];
    if (total == 0) {
      return parts;
    }
    long magnitude = Math.abs(total);
    long[] remainders = new long[weights.length];
    long given = 0;
    for (int i = 0; i < weights.length; i++) {
      long hi = Math.multiplyHigh(magnitude, weights[i]);
      long lo = magnitude * weights[i];
      if (hi == 0 && lo >= 0) {
        parts[i] = lo / weightSum;
        remainders[i] = lo % weightSum;
      } else {
        // the product overflows a long (huge areas or totals): exact arithmetic, still integers
        BigInteger[] qr = BigInteger.valueOf(magnitude).multiply(BigInteger.valueOf(weights[i]))
          .divideAndRemainder(BigInteger.valueOf(weightSum));
        parts[i] = qr[0].longValueExact();
        remainders[i] = qr[1].longValueExact();
      }
      given += parts[i];
    }
    long left = magnitude - given;   // fewer than weights.length, each remainder < weightSum
    if (left > 0) {
      giveLeftovers(parts, remainders, left);
    }
    if (total < 0) {
      for (int i = 0; i < parts.length; i++) {
        parts[i] = -parts[i];
      }
    }
    return parts;
  }

  /**
   * One more unit each to the {@code left} parts with the largest remainders, ties to the lower index. Equivalent to
   * sorting the indexes by (remainder desc, index asc) and taking the first {@code left}, but on primitives and
   * without a sort: a 10,000-unit remainder split runs this 96 times a day (31 times that for a cold month), and
   * sorting the remainders was most of the day's computation.
   */
  private static void giveLeftovers(long[] parts, long[] remainders, long left) {
    long threshold = kthLargest(remainders.clone(), (int) left);
    long atThreshold = left;
    for (int i = 0; i < parts.length; i++) {
      if (remainders[i] > threshold) {
        parts[i]++;
        atThreshold--;
      }
    }
    for (int i = 0; i < parts.length && atThreshold > 0; i++) {
      if (remainders[i] == threshold) {
        parts[i]++;
        atThreshold--;
      }
    }
  }

  /**
   * The {@code k}-th largest of {@code values} (1 = the largest), reordering them: quickselect with Hoare's
   * partition around a median of three, linear on average and unbothered by many equal values.
   */
  static long kthLargest(long[] values, int k) {
    int target = values.length - k;   // its index in ascending order
    int lo = 0;
    int hi = values.length - 1;
    while (lo < hi) {
      long pivot = medianOfThree(values[lo], values[(lo + hi) >>> 1], values[hi]);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (values[i] < pivot) {
          i++;
        }
        while (values[j] > pivot) {
          j--;
        }
        if (i <= j) {
          long swap = values[i];
          values[i++] = values[j];
          values[j--] = swap;
        }
      }
      // [lo, j] <= pivot, [i, hi] >= pivot, and anything strictly between j and i equals it
      if (target <= j) {
        hi = j;
      } else if (target >= i) {
        lo = i;
      } else {
        return values[target];
      }
    }
    return values[target];
  }

  private static long medianOfThree(long a, long b, long c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
}
