package io.gridledger.metering.vee;

import io.gridledger.metering.vee.VirtualMeter.FlagKind;
import io.gridledger.metering.vee.VirtualMeter.Result;
import io.gridledger.metering.vee.VirtualMeter.Term;
import io.gridledger.metering.vee.VirtualMeter.VirtualInterval;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.gridledger.metering.vee.IntervalQuality.ACTUAL;
import static io.gridledger.metering.vee.IntervalQuality.ESTIMATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Virtual meters")
class VirtualMeterTest {

  private static final double EPS = 1e-9;
  private static final Instant T0 = Instant.parse("2025-01-06T00:00:00Z");

  private static Instant q(int quarter) {
    return T0.plusSeconds(900L * quarter);
  }

  private static List<IntervalValue> series(double... values) {
    List<IntervalValue> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(new IntervalValue(q(i), q(i + 1), values[i], ACTUAL));
    }
    return out;
  }

  @Test
  @DisplayName("main - sum(subs) is computed per interval; a negative remainder is clamped to 0 and flagged")
  void remainder() {
    // main 10, 8, 5; sub1 4, 3, 2; sub2 5, 6, 1
    // remainder: 10-4-5 = 1;  8-3-6 = -1 (metering error: clamped to 0, flagged, ESTIMATED);  5-2-1 = 2.
    Result result = VirtualMeter.remainder(series(10, 8, 5), List.of(series(4, 3, 2), series(5, 6, 1)));

    List<VirtualInterval> v = result.intervals();
    assertEquals(3, v.size());
    assertEquals(1, v.get(0).value(), EPS);
    assertEquals(ACTUAL, v.get(0).quality());
    assertEquals(0, v.get(1).value(), EPS);
    assertEquals(-1, v.get(1).unclamped(), EPS);
    assertEquals(ESTIMATED, v.get(1).quality());
    assertEquals(2, v.get(2).value(), EPS);
    assertEquals(1, result.flags().size());
    assertEquals(FlagKind.NEGATIVE_RESULT, result.flags().get(0).kind());
    assertEquals(q(1), result.flags().get(0).start());
    assertEquals(-1, result.flags().get(0).value(), EPS);
  }

  @Test
  @DisplayName("An interval missing from any term gets no value and a MISSING_INPUT flag")
  void missingInput() {
    // sub has no value for the second quarter: only quarters 0 and 2 are computed (10-4 = 6, 5-2 = 3).
    List<IntervalValue> sub = List.of(new IntervalValue(q(0), q(1), 4, ACTUAL), new IntervalValue(q(2), q(3), 2, ACTUAL));
    Result result = VirtualMeter.remainder(series(10, 8, 5), List.of(sub));

    assertEquals(List.of(q(0), q(2)), result.intervals().stream().map(VirtualInterval::start).toList());
    assertEquals(6, result.intervals().get(0).value(), EPS);
    assertEquals(3, result.intervals().get(1).value(), EPS);
    assertEquals(1, result.flags().size());
    assertEquals(FlagKind.MISSING_INPUT, result.flags().get(0).kind());
    assertEquals(q(1), result.flags().get(0).start());
    assertTrue(result.flags().get(0).detail().contains("sub1"));
  }

  @Test
  @DisplayName("A general linear formula weights each term, and quality is ACTUAL only if every input is")
  void weightedFormula() {
    // 0.5 x A + 2 x B: A = 8, 4; B = 1.25, 3 (second B value ESTIMATED) -> 4 + 2.5 = 6.5; 2 + 6 = 8 (ESTIMATED).
    List<IntervalValue> b = List.of(new IntervalValue(q(0), q(1), 1.25, ACTUAL),
      new IntervalValue(q(1), q(2), 3, ESTIMATED));
    Result result = VirtualMeter.evaluate(List.of(new Term("A", 0.5, series(8, 4)), new Term("B", 2.0, b)));

    assertEquals(6.5, result.intervals().get(0).value(), EPS);
    assertEquals(ACTUAL, result.intervals().get(0).quality());
    assertEquals(8, result.intervals().get(1).value(), EPS);
    assertEquals(ESTIMATED, result.intervals().get(1).quality());
    assertTrue(result.flags().isEmpty());
  }

  @Test
  @DisplayName("Floating-point noise below zero (0.3 - 0.1 - 0.2) is clamped without a false alarm")
  void noiseIsNotAnError() {
    // 0.3 - 0.1 - 0.2 = -2.7755575615628914E-17 in binary floating point: noise, not a metering error.
    Result result = VirtualMeter.remainder(series(0.3), List.of(series(0.1), series(0.2)));

    assertEquals(0.0, result.intervals().get(0).value(), 0.0);
    assertEquals(ACTUAL, result.intervals().get(0).quality());
    assertTrue(result.flags().isEmpty());
  }

  @Test
  @DisplayName("A series with two values for one interval is refused")
  void duplicateInterval() {
    List<IntervalValue> twice = List.of(new IntervalValue(q(0), q(1), 1, ACTUAL), new IntervalValue(q(0), q(1), 2, ACTUAL));
    assertThrows(IllegalArgumentException.class, () -> VirtualMeter.remainder(twice, List.of()));
  }
}
