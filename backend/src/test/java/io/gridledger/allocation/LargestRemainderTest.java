package io.gridledger.allocation;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The split every allocation rule uses: exact sums, shares within one unit of the exact ratio, stable ties. */
class LargestRemainderTest {

  @Test
  void worked() {
    // 1000 by 1:2:3 -> 166.67, 333.33, 500 -> floors 166 + 333 + 500 = 999, the 1 left to the largest remainder (.67)
    assertArrayEquals(new long[] {167, 333, 500}, LargestRemainder.split(1000, new long[] {1, 2, 3}));
    // 10 by 1:1:1 -> 3.33 each, 1 left; equal remainders: the lowest index wins
    assertArrayEquals(new long[] {4, 3, 3}, LargestRemainder.split(10, new long[] {1, 1, 1}));
    // a negative remainder (losses below zero) is split by magnitude and keeps its sign
    assertArrayEquals(new long[] {-4, -3, -3}, LargestRemainder.split(-10, new long[] {1, 1, 1}));
    assertNull(LargestRemainder.split(5, new long[] {0, 0}));
    // products beyond a long still split exactly: an odd total in halves, the extra unit to the lower index
    assertArrayEquals(new long[] {Long.MAX_VALUE / 2 + 1, Long.MAX_VALUE / 2},
      LargestRemainder.split(Long.MAX_VALUE, new long[] {Long.MAX_VALUE / 4, Long.MAX_VALUE / 4}));
  }

  @Test
  void sharesAlwaysAddUpToTheTotalAndStayWithinOneUnitOfTheExactShare() {
    SplittableRandom random = new SplittableRandom(20260105);
    for (int round = 0; round < 20_000; round++) {
      int parts = 1 + random.nextInt(40);
      long[] weights = new long[parts];
      long weightSum = 0;
      for (int i = 0; i < parts; i++) {
        weights[i] = random.nextInt(4) == 0 ? 0 : random.nextLong(1, 1_000_000_000L);
        weightSum += weights[i];
      }
      long total = random.nextLong(-5_000_000L, 50_000_000L);
      long[] shares = LargestRemainder.split(total, weights);
      if (weightSum == 0) {
        assertNull(shares);
        continue;
      }
      long sum = 0;
      for (int i = 0; i < parts; i++) {
        sum += shares[i];
        BigInteger exactFloor = BigInteger.valueOf(Math.abs(total)).multiply(BigInteger.valueOf(weights[i]))
          .divide(BigInteger.valueOf(weightSum));
        long magnitude = Math.abs(shares[i]);
        assertTrue(magnitude == exactFloor.longValue() || magnitude == exactFloor.longValue() + 1,
          "share " + i + " of round " + round);
        if (weights[i] == 0) {
          assertEquals(0, shares[i]);
        }
      }
      assertEquals(total, sum, "round " + round);
    }
  }

  /**
   * The leftover units go to the largest remainders, ties to the lower index: checked against the definition (sort
   * the indexes by remainder descending, then index) on weights with many equal remainders, which is where a
   * threshold shortcut could pick the wrong index.
   */
  @Test
  void leftoversGoToTheLargestRemaindersWithTiesToTheLowerIndex() {
    SplittableRandom random = new SplittableRandom(20261128);
    for (int round = 0; round < 5_000; round++) {
      int parts = 1 + random.nextInt(60);
      long[] weights = new long[parts];
      for (int i = 0; i < parts; i++) {
        weights[i] = 1 + random.nextInt(5);   // few distinct weights: many tied remainders
      }
      long total = random.nextLong(-1_000, 10_000);
      assertArrayEquals(bySorting(total, weights), LargestRemainder.split(total, weights), "round " + round);
    }
  }

  /** The threshold the leftovers are given by: quickselect must agree with sorting, at a real site's sizes too. */
  @Test
  void kthLargestAgreesWithSorting() {
    SplittableRandom random = new SplittableRandom(11);
    for (int round = 0; round < 300; round++) {
      int n = round < 200 ? 1 + random.nextInt(50) : 1 + random.nextInt(12_000);
      long[] values = new long[n];
      int distinct = 1 + random.nextInt(round % 2 == 0 ? 4 : 1_000_000);   // many ties, or hardly any
      for (int i = 0; i < n; i++) {
        values[i] = random.nextInt(distinct);
      }
      int k = 1 + random.nextInt(n);
      long[] sorted = values.clone();
      java.util.Arrays.sort(sorted);
      assertEquals(sorted[n - k], LargestRemainder.kthLargest(values.clone(), k), "round " + round);
    }
  }

  private static long[] bySorting(long total, long[] weights) {
    long weightSum = java.util.Arrays.stream(weights).sum();
    long magnitude = Math.abs(total);
    long[] parts = new long[weights.length];
    long[] remainders = new long[weights.length];
    long given = 0;
    for (int i = 0; i < weights.length; i++) {
      parts[i] = magnitude * weights[i] / weightSum;
      remainders[i] = magnitude * weights[i] % weightSum;
      given += parts[i];
    }
    Integer[] order = new Integer[weights.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> remainders[a] != remainders[b]
      ? Long.compare(remainders[b], remainders[a]) : Integer.compare(a, b));
    for (int k = 0; k < magnitude - given; k++) {
      parts[order[k]]++;
    }
    if (total < 0) {
      for (int i = 0; i < parts.length; i++) {
        parts[i] = -parts[i];
      }
    }
    return parts;
  }
}
