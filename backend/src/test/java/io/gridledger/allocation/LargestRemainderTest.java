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
}
