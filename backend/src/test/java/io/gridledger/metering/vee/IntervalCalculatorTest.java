package io.gridledger.metering.vee;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.gridledger.metering.vee.IntervalQuality.ACTUAL;
import static io.gridledger.metering.vee.IntervalQuality.ESTIMATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Interval calculator (VEE)")
class IntervalCalculatorTest {

  private static final double EPS = 1e-9;
  private static final Instant DAY = Instant.parse("2025-01-06T00:00:00Z");
  private static final Duration QUARTER = Duration.ofMinutes(15);
  /** A plain register: no wrap, multiplier 1, up to 1000 units per hour. */
  private static final RegisterSpec PLAIN = new RegisterSpec(null, 1.0, 1000.0);

  /** "hh:mm" or "hh:mm:ss" on DAY (UTC). */
  private static Instant t(String time) {
    return DAY.plusSeconds(LocalTime.parse(time).toSecondOfDay());
  }

  private static RegisterReading r(String time, double value) {
    return new RegisterReading(t(time), value);
  }

  private static IntervalResult compute(List<RegisterReading> readings, RegisterSpec spec, String from, String to) {
    return IntervalCalculator.compute(readings, List.of(), spec, QUARTER, t(from), t(to));
  }

  private static void assertInterval(IntervalValue v, String start, double consumption, IntervalQuality quality) {
    assertEquals(t(start), v.start(), "start");
    assertEquals(t(start).plus(QUARTER), v.end(), "end of " + start);
    assertEquals(consumption, v.consumption(), EPS, "consumption of " + start);
    assertEquals(quality, v.quality(), "quality of " + start);
  }

  private static double total(IntervalResult result) {
    return result.intervals().stream().mapToDouble(IntervalValue::consumption).sum();
  }

  @Test
  @DisplayName("Readings every 5 minutes give four exact ACTUAL quarter-hour intervals")
  void steadyReadings() {
    // 00:00 1000, then increments per 5 min: 3 4 5 | 2 2 2 | 10 0 5 | 1 1 1
    // values:  00:00 1000  00:05 1003  00:10 1007  00:15 1012  00:20 1014  00:25 1016  00:30 1018
    //          00:35 1028  00:40 1028  00:45 1033  00:50 1034  00:55 1035  01:00 1036
    // [00:00,00:15] = 1012-1000 = 12;  [00:15,00:30] = 1018-1012 = 6;
    // [00:30,00:45] = 1033-1018 = 15;  [00:45,01:00] = 1036-1033 = 3.   Sum 36 = 1036 - 1000.
    double[] values = {1000, 1003, 1007, 1012, 1014, 1016, 1018, 1028, 1028, 1033, 1034, 1035, 1036};
    List<RegisterReading> readings = new ArrayList<>();
    for (int k = 0; k < values.length; k++) {
      readings.add(new RegisterReading(DAY.plus(Duration.ofMinutes(5L * k)), values[k]));
    }
    IntervalResult result = compute(readings, PLAIN, "00:00", "01:00");

    assertEquals(4, result.intervals().size());
    assertInterval(result.intervals().get(0), "00:00", 12, ACTUAL);
    assertInterval(result.intervals().get(1), "00:15", 6, ACTUAL);
    assertInterval(result.intervals().get(2), "00:30", 15, ACTUAL);
    assertInterval(result.intervals().get(3), "00:45", 3, ACTUAL);
    assertEquals(36, total(result), EPS);
    assertTrue(result.anomalies().isEmpty());
    assertTrue(result.quarantined().isEmpty());
  }

  @Test
  @DisplayName("Readings between boundaries are interpolated linearly, and no interval is extrapolated")
  void interpolation() {
    // 23:55 (day before) 100, 00:10 130, 00:25 148, 00:40 175: every pair is 15 min apart (so ACTUAL).
    // C(00:00) = 100 + (130-100) x 5/15 = 110
    // C(00:15) = 130 + (148-130) x 5/15 = 136
    // C(00:30) = 148 + (175-148) x 5/15 = 157
    // [00:00,00:15] = 136 - 110 = 26;  [00:15,00:30] = 157 - 136 = 21.
    // [00:30,00:45] is not produced: 00:45 lies after the last reading (00:40).
    List<RegisterReading> readings = List.of(
      new RegisterReading(DAY.minus(Duration.ofMinutes(5)), 100), r("00:10", 130), r("00:25", 148), r("00:40", 175));
    IntervalResult result = compute(readings, PLAIN, "00:00", "01:00");

    assertEquals(2, result.intervals().size());
    assertInterval(result.intervals().get(0), "00:00", 26, ACTUAL);
    assertInterval(result.intervals().get(1), "00:15", 21, ACTUAL);
  }

  @Test
  @DisplayName("Only whole intervals inside [from, to] are returned, even for an unaligned window")
  void window() {
    // 1000 + 2 per 5 min from 00:00 to 01:00; each quarter hour is 6.
    // Window 00:07..00:52: the first boundary at or after 00:07 is 00:15, the last at or before 00:52 is 00:45.
    List<RegisterReading> readings = new ArrayList<>();
    for (int k = 0; k <= 12; k++) {
      readings.add(new RegisterReading(DAY.plus(Duration.ofMinutes(5L * k)), 1000 + 2 * k));
    }
    IntervalResult result = compute(readings, PLAIN, "00:07", "00:52");

    assertEquals(2, result.intervals().size());
    assertInterval(result.intervals().get(0), "00:15", 6, ACTUAL);
    assertInterval(result.intervals().get(1), "00:30", 6, ACTUAL);
  }

  @Test
  @DisplayName("Shuffled and duplicated input gives exactly the result of the sorted input")
  void permutationInvariance() {
    List<RegisterReading> sorted = mixedScenario();
    List<MeterExchange> exchanges = List.of(new MeterExchange(t("00:57"), 35.5, 0.5));
    RegisterSpec spec = new RegisterSpec(100000.0, 40.0, 1000.0);
    IntervalResult expected = IntervalCalculator.compute(sorted, exchanges, spec, QUARTER, t("00:00"), t("02:00"));
    // The scenario has something of everything: make sure the baseline is not trivial.
    assertEquals(8, expected.intervals().size());
    assertEquals(List.of(AnomalyKind.ROLLOVER, AnomalyKind.INVALID_VALUE, AnomalyKind.JUMP_QUARANTINED,
      AnomalyKind.DECREASE_QUARANTINED), expected.anomalies().stream().map(Anomaly::kind).toList());

    Random random = new Random(20250106L);
    for (int round = 0; round < 25; round++) {
      List<RegisterReading> input = new ArrayList<>(sorted);
      // Exact duplicates, as a retried upload would produce.
      for (int d = 0; d < 5; d++) {
        input.add(sorted.get(random.nextInt(sorted.size())));
      }
      Collections.shuffle(input, random);
      IntervalResult actual = IntervalCalculator.compute(input, exchanges, spec, QUARTER, t("00:00"), t("02:00"));
      assertEquals(expected, actual, "round " + round);
    }
  }

  @Test
  @DisplayName("Conflicting values at one timestamp resolve the same way in any order, and are reported")
  void conflictingDuplicates() {
    // 00:15 has 1006 and 1009: the lower (1006) is kept whichever comes first.
    // [00:00,00:15] = 1006 - 1000 = 6;  [00:15,00:30] = 1012 - 1006 = 6.
    List<RegisterReading> a = List.of(r("00:00", 1000), r("00:15", 1006), r("00:15", 1009), r("00:30", 1012));
    List<RegisterReading> b = List.of(r("00:30", 1012), r("00:15", 1009), r("00:00", 1000), r("00:15", 1006));
    IntervalResult ra = compute(a, PLAIN, "00:00", "00:30");
    IntervalResult rb = compute(b, PLAIN, "00:00", "00:30");

    assertEquals(ra, rb);
    assertInterval(ra.intervals().get(0), "00:00", 6, ACTUAL);
    assertInterval(ra.intervals().get(1), "00:15", 6, ACTUAL);
    assertEquals(1, ra.anomalies().size());
    Anomaly conflict = ra.anomalies().get(0);
    assertEquals(AnomalyKind.DUPLICATE_CONFLICT, conflict.kind());
    assertEquals(t("00:15"), conflict.ts());
    assertEquals(1006, conflict.previousValue(), EPS);
    assertEquals(1009, conflict.value(), EPS);
    assertTrue(ra.quarantined().isEmpty());
  }

  @Test
  @DisplayName("A register wrapping at 100000 (99990 -> 10 in 15 min) counts 20 units and records a ROLLOVER")
  void rollover() {
    // 00:00 99990, 00:15 10, 00:30 40 with rolloverAt 100000:
    // [00:00,00:15] = 100000 - 99990 + 10 = 20 (plausible: at most 1000/h x (0.25 h + 1 min) x 1.01 = 269.33)
    // [00:15,00:30] = 40 - 10 = 30.
    RegisterSpec spec = new RegisterSpec(100000.0, 1.0, 1000.0);
    IntervalResult result = compute(List.of(r("00:00", 99990), r("00:15", 10), r("00:30", 40)), spec, "00:00", "00:30");

    assertEquals(2, result.intervals().size());
    assertInterval(result.intervals().get(0), "00:00", 20, ACTUAL);
    assertInterval(result.intervals().get(1), "00:15", 30, ACTUAL);
    assertEquals(1, result.anomalies().size());
    Anomaly wrap = result.anomalies().get(0);
    assertEquals(AnomalyKind.ROLLOVER, wrap.kind());
    assertEquals(t("00:15"), wrap.ts());
    assertEquals(99990, wrap.previousValue(), EPS);
    assertEquals(10, wrap.value(), EPS);
    assertTrue(result.quarantined().isEmpty(), "a rollover is informational, the reading is used");
  }

  @Test
  @DisplayName("A decrease that is not a rollover (5010 -> 4000) is quarantined and consumption continues, never negative")
  void decreaseQuarantined() {
    // 00:00 5000, 00:05 5010, 00:10 4000 (bad), 00:15 5030, 00:20 5040, 00:25 5050, 00:30 5060.
    // 4000 is excluded; 00:15 is compared with 00:05: +20 in 10 min, fine.
    // [00:00,00:15] = 5030 - 5000 = 30;  [00:15,00:30] = 5060 - 5030 = 30.
    // Boundaries 00:00, 00:15, 00:30 carry readings, so both intervals are ACTUAL.
    List<RegisterReading> readings = List.of(r("00:00", 5000), r("00:05", 5010), r("00:10", 4000), r("00:15", 5030),
      r("00:20", 5040), r("00:25", 5050), r("00:30", 5060));
    for (RegisterSpec spec : List.of(PLAIN, new RegisterSpec(100000.0, 1.0, 1000.0))) {
      // With rolloverAt 100000 the wrap would be 100000 - 5010 + 4000 = 98990 in 5 min: not plausible either.
      IntervalResult result = compute(readings, spec, "00:00", "00:30");

      assertEquals(2, result.intervals().size());
      assertInterval(result.intervals().get(0), "00:00", 30, ACTUAL);
      assertInterval(result.intervals().get(1), "00:15", 30, ACTUAL);
      result.intervals().forEach(v -> assertTrue(v.consumption() >= 0));
      assertEquals(1, result.anomalies().size());
      Anomaly decrease = result.anomalies().get(0);
      assertEquals(AnomalyKind.DECREASE_QUARANTINED, decrease.kind());
      assertEquals(t("00:10"), decrease.ts());
      assertEquals(5010, decrease.previousValue(), EPS);
      assertEquals(4000, decrease.value(), EPS);
      assertEquals(List.of(t("00:10")), result.quarantined());
    }
  }

  @Test
  @DisplayName("A spike (one reading 10x too high) is quarantined and the next reading is compared with the last good one")
  void spikeQuarantined() {
    // +10 per 5 min; 00:10 reads 10100 instead of 1020. maxRatePerHour 600:
    // allowance over 5 min = 600 x (5/60 + 1/60) x 1.01 = 60.6 < 10100 - 1010 = 9090 -> JUMP.
    // 00:15 (1030) is compared with 00:05 (1010): +20 in 10 min, fine.
    // [00:00,00:15] = 1030 - 1000 = 30;  [00:15,00:30] = 1060 - 1030 = 30.
    RegisterSpec spec = new RegisterSpec(null, 1.0, 600.0);
    List<RegisterReading> readings = List.of(r("00:00", 1000), r("00:05", 1010), r("00:10", 10100), r("00:15", 1030),
      r("00:20", 1040), r("00:25", 1050), r("00:30", 1060));
    IntervalResult result = compute(readings, spec, "00:00", "00:30");

    assertInterval(result.intervals().get(0), "00:00", 30, ACTUAL);
    assertInterval(result.intervals().get(1), "00:15", 30, ACTUAL);
    assertEquals(1, result.anomalies().size());
    assertEquals(AnomalyKind.JUMP_QUARANTINED, result.anomalies().get(0).kind());
    assertEquals(1010, result.anomalies().get(0).previousValue(), EPS);
    assertEquals(10100, result.anomalies().get(0).value(), EPS);
    assertEquals(List.of(t("00:10")), result.quarantined());
  }

  @Test
  @DisplayName("A single register tick between readings seconds apart is not taken for a spike")
  void resolutionSlack() {
    // A 1-unit register at up to 10 units/h, readings 10 s apart showing one tick:
    // without resolution: allowance = 10 x (10/3600 + 1/60) x 1.01 = 0.1964 < 1 -> quarantined;
    // with resolution 1: allowance = 0.1964 + 1 = 1.1964 >= 1 -> accepted.
    List<RegisterReading> readings = List.of(r("00:00:00", 500), r("00:00:10", 501));
    IntervalResult withResolution = IntervalCalculator.compute(readings, List.of(), new RegisterSpec(null, 1, 10, 1.0),
      QUARTER, t("00:00"), t("01:00"));
    IntervalResult withoutResolution = IntervalCalculator.compute(readings, List.of(), new RegisterSpec(null, 1, 10),
      QUARTER, t("00:00"), t("01:00"));

    assertTrue(withResolution.anomalies().isEmpty());
    assertTrue(withResolution.quarantined().isEmpty());
    assertEquals(List.of(t("00:00:10")), withoutResolution.quarantined());
    assertEquals(AnomalyKind.JUMP_QUARANTINED, withoutResolution.anomalies().get(0).kind());
  }

  @Test
  @DisplayName("A meter exchange (old final 12345.0, new initial 0.5) keeps consumption continuous with exact totals")
  void meterExchange() {
    // Old meter: 00:00 12300, 00:05 12320, 00:10 12340; removed at 00:12 showing 12345.0.
    // New meter installed at 00:12 showing 0.5: 00:15 3.5, 00:20 13.5, 00:25 23.5, 00:30 33.5.
    // 00:10 -> 00:15 = (12345.0 - 12340) + (3.5 - 0.5) = 5 + 3 = 8.
    // [00:00,00:15] = 20 + 20 + 8 = 48;  [00:15,00:30] = 10 + 10 + 10 = 30.
    // Total 78 = (12345.0 - 12300) + (33.5 - 0.5) = 45 + 33.
    List<RegisterReading> readings = List.of(r("00:00", 12300), r("00:05", 12320), r("00:10", 12340),
      r("00:15", 3.5), r("00:20", 13.5), r("00:25", 23.5), r("00:30", 33.5));
    List<MeterExchange> exchanges = List.of(new MeterExchange(t("00:12"), 12345.0, 0.5));
    IntervalResult result = IntervalCalculator.compute(readings, exchanges, PLAIN, QUARTER, t("00:00"), t("00:30"));

    assertEquals(2, result.intervals().size());
    assertInterval(result.intervals().get(0), "00:00", 48, ACTUAL);
    assertInterval(result.intervals().get(1), "00:15", 30, ACTUAL);
    assertEquals(78, total(result), EPS);
    assertTrue(result.anomalies().isEmpty());
    assertTrue(result.quarantined().isEmpty());
  }

  @Test
  @DisplayName("An exchange whose new initial value is above the new meter's next reading quarantines that reading")
  void exchangeInconsistentNewPart() {
    // Same readings, but the exchange says the new meter started at 5.0: 00:15 (3.5) is below it -> quarantined.
    // 00:20 against 00:10: (12345.0 - 12340) + (13.5 - 5.0) = 5 + 8.5 = 13.5.
    // C(00:00)=0, C(00:10)=40, C(00:20)=53.5, C(00:30)=73.5; C(00:15) = 40 + 13.5 x 5/10 = 46.75.
    // [00:00,00:15] = 46.75;  [00:15,00:30] = 73.5 - 46.75 = 26.75.  (00:10..00:20 is 10 min <= 15: ACTUAL.)
    List<RegisterReading> readings = List.of(r("00:00", 12300), r("00:05", 12320), r("00:10", 12340),
      r("00:15", 3.5), r("00:20", 13.5), r("00:25", 23.5), r("00:30", 33.5));
    List<MeterExchange> exchanges = List.of(new MeterExchange(t("00:12"), 12345.0, 5.0));
    IntervalResult result = IntervalCalculator.compute(readings, exchanges, PLAIN, QUARTER, t("00:00"), t("00:30"));

    assertInterval(result.intervals().get(0), "00:00", 46.75, ACTUAL);
    assertInterval(result.intervals().get(1), "00:15", 26.75, ACTUAL);
    assertEquals(1, result.anomalies().size());
    assertEquals(AnomalyKind.EXCHANGE_INCONSISTENT, result.anomalies().get(0).kind());
    assertEquals(List.of(t("00:15")), result.quarantined());
  }

  @Test
  @DisplayName("An exchange whose old final value is below the old meter's last reading stops the curve, loudly")
  void exchangeInconsistentOldPart() {
    // The exchange says the old meter ended at 12330, but it already read 12340 at 00:10: every later reading
    // crosses that exchange and fails, so the curve ends at 00:10 and no quarter hour can be completed.
    List<RegisterReading> readings = List.of(r("00:00", 12300), r("00:05", 12320), r("00:10", 12340),
      r("00:15", 3.5), r("00:20", 13.5), r("00:25", 23.5), r("00:30", 33.5));
    List<MeterExchange> exchanges = List.of(new MeterExchange(t("00:12"), 12330.0, 0.5));
    IntervalResult result = IntervalCalculator.compute(readings, exchanges, PLAIN, QUARTER, t("00:00"), t("00:30"));

    assertTrue(result.intervals().isEmpty());
    assertEquals(4, result.anomalies().size());
    result.anomalies().forEach(a -> assertEquals(AnomalyKind.EXCHANGE_INCONSISTENT, a.kind()));
    assertEquals(List.of(t("00:15"), t("00:20"), t("00:25"), t("00:30")), result.quarantined());
  }

  @Test
  @DisplayName("A 2-hour gap gives ESTIMATED linear values; when the missing readings arrive they become ACTUAL")
  void gapEstimatedThenActual() {
    // Before: +10 per 5 min from 00:00 (1000) to 01:00 (1120); nothing until 03:00 (1300); +10 per 5 min to 04:00.
    // Gap 01:00 -> 03:00: 180 units over 8 quarter hours = 22.5 each, ESTIMATED (boundaries 01:15..02:45 are
    // bracketed by readings 2 h apart; [01:00,01:15] and [02:45,03:00] have one such boundary each).
    List<RegisterReading> readings = new ArrayList<>();
    for (int k = 0; k <= 12; k++) {
      readings.add(new RegisterReading(t("00:00").plus(Duration.ofMinutes(5L * k)), 1000 + 10 * k));
      readings.add(new RegisterReading(t("03:00").plus(Duration.ofMinutes(5L * k)), 1300 + 10 * k));
    }
    IntervalResult before = compute(readings, PLAIN, "00:00", "04:00");

    assertEquals(16, before.intervals().size());
    for (int q = 0; q < 16; q++) {
      IntervalValue v = before.intervals().get(q);
      if (q < 4 || q >= 12) {
        assertEquals(30, v.consumption(), EPS, "quarter " + q);
        assertEquals(ACTUAL, v.quality(), "quarter " + q);
      } else {
        assertEquals(22.5, v.consumption(), EPS, "quarter " + q);
        assertEquals(ESTIMATED, v.quality(), "quarter " + q);
      }
    }
    assertEquals(420, total(before), EPS);

    // Late data: no consumption 01:00..02:00 (01:05..02:00 all read 1120), then +15 per 5 min to 03:00 (1300).
    // After: [01:00..02:00] four quarters of 0, [02:00..03:00] four quarters of 45, all ACTUAL.
    for (int k = 1; k <= 12; k++) {
      readings.add(new RegisterReading(t("01:00").plus(Duration.ofMinutes(5L * k)), 1120));
    }
    for (int k = 1; k <= 11; k++) {
      readings.add(new RegisterReading(t("02:00").plus(Duration.ofMinutes(5L * k)), 1120 + 15 * k));
    }
    IntervalResult after = compute(readings, PLAIN, "00:00", "04:00");

    assertEquals(16, after.intervals().size());
    for (int q = 0; q < 16; q++) {
      IntervalValue v = after.intervals().get(q);
      double expected = q < 4 || q >= 12 ? 30 : q < 8 ? 0 : 45;
      assertEquals(expected, v.consumption(), EPS, "quarter " + q);
      assertEquals(ACTUAL, v.quality(), "quarter " + q);
      assertEquals(before.intervals().get(q).start(), v.start(), "same intervals replaced");
    }
    assertEquals(420, total(after), EPS, "filling the gap moves consumption, it does not change the total");
    assertTrue(after.anomalies().isEmpty());
  }

  @Test
  @DisplayName("The multiplier (CT ratio 40) is applied to interval consumption")
  void multiplier() {
    // Raw 12.5 + 0.25 per 5 min, 00:00..00:30: 0.75 raw per quarter hour x 40 = 30.
    RegisterSpec ct = new RegisterSpec(null, 40.0, 10.0);
    List<RegisterReading> readings = new ArrayList<>();
    for (int k = 0; k <= 6; k++) {
      readings.add(new RegisterReading(t("00:00").plus(Duration.ofMinutes(5L * k)), 12.5 + 0.25 * k));
    }
    IntervalResult result = compute(readings, ct, "00:00", "00:30");

    assertInterval(result.intervals().get(0), "00:00", 30, ACTUAL);
    assertInterval(result.intervals().get(1), "00:15", 30, ACTUAL);
  }

  @Test
  @DisplayName("Nothing lost, nothing double counted: the window total is (last - first) adjusted for wrap and exchange, times the multiplier")
  void nothingLostNothingDoubleCounted() {
    // Old meter wraps at 100000: 99950 + 7.5 per 5 min from 00:00 to 00:55 (00:35 reads 2.5, 00:55 reads 32.5).
    // Exchange at 00:57: old final 35.5, new initial 0.5. New meter: 5.0 + 7.5 per 5 min from 01:00 to 02:00 (95.0).
    // Also a spike, an invalid value and a decrease, all quarantined.
    // Raw total = (100000 - 99950) + (35.5 - 0) + (95.0 - 0.5) = 50 + 35.5 + 94.5 = 180 = 24 steps x 7.5.
    // Billed = 180 x 40 = 7200; each quarter hour 22.5 x 40 = 900.
    RegisterSpec spec = new RegisterSpec(100000.0, 40.0, 1000.0);
    List<MeterExchange> exchanges = List.of(new MeterExchange(t("00:57"), 35.5, 0.5));
    IntervalResult result = IntervalCalculator.compute(mixedScenario(), exchanges, spec, QUARTER, t("00:00"),
      t("02:00"));

    assertEquals(8, result.intervals().size());
    for (int q = 0; q < 8; q++) {
      assertEquals(900, result.intervals().get(q).consumption(), EPS, "quarter " + q);
      assertEquals(ACTUAL, result.intervals().get(q).quality(), "quarter " + q);
    }
    assertEquals(((100000 - 99950) + (35.5 - 0) + (95.0 - 0.5)) * 40, total(result), EPS);
    assertEquals(List.of(t("01:12:30"), t("01:32:30"), t("01:47:30")), result.quarantined());
  }

  @Test
  @DisplayName("No readings, or a single one, give no intervals; a bad interval or window is refused")
  void edges() {
    assertTrue(compute(List.of(), PLAIN, "00:00", "01:00").intervals().isEmpty());
    assertTrue(compute(List.of(r("00:00", 5)), PLAIN, "00:00", "01:00").intervals().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> IntervalCalculator.compute(List.of(), List.of(), PLAIN,
      Duration.ZERO, t("00:00"), t("01:00")));
    assertThrows(IllegalArgumentException.class, () -> IntervalCalculator.compute(List.of(), List.of(), PLAIN,
      Duration.ofMillis(1500), t("00:00"), t("01:00")));
    assertThrows(IllegalArgumentException.class, () -> IntervalCalculator.compute(List.of(), List.of(), PLAIN,
      QUARTER, t("01:00"), t("00:00")));
  }

  /**
   * Old meter wrapping at 100000 with 7.5 per 5 min from 99950 (00:00) to 32.5 (00:55); exchange at 00:57
   * (35.5 -> 0.5); new meter from 5.0 (01:00) to 95.0 (02:00). Plus, all to be quarantined: NaN at 01:12:30, a spike
   * of 9999 at 01:32:30 (+9949 in 2.5 min), and 3.0 at 01:47:30 (down from 72.5; as a wrap it would be
   * 100000 - 72.5 + 3.0 = 99930.5 in 2.5 min).
   */
  private static List<RegisterReading> mixedScenario() {
    List<RegisterReading> readings = new ArrayList<>();
    for (int k = 0; k <= 11; k++) {
      double v = 99950 + 7.5 * k;
      readings.add(new RegisterReading(t("00:00").plus(Duration.ofMinutes(5L * k)), v >= 100000 ? v - 100000 : v));
    }
    for (int j = 0; j <= 12; j++) {
      readings.add(new RegisterReading(t("01:00").plus(Duration.ofMinutes(5L * j)), 5.0 + 7.5 * j));
    }
    readings.add(r("01:12:30", Double.NaN));
    readings.add(r("01:32:30", 9999));
    readings.add(r("01:47:30", 3.0));
    readings.sort((a, b) -> a.ts().compareTo(b.ts()));
    return readings;
  }
}
