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
   * sorting the indexes by (remainder desc, index asc) and taking the first {@code left}, but on primitives: a
   * 10,000-unit remainder split runs this 96 times a day, and boxed index sorts dominated the day's computation.
   */
  private static void giveLeftovers(long[] parts, long[] remainders, long left) {
    long[] sorted = remainders.clone();
    java.util.Arrays.sort(sorted);
    long threshold = sorted[sorted.length - (int) left];   // the left-th largest remainder
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
}
