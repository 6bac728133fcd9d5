package io.gridledger.tariff;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Time-of-use months that contain a DST change. A constant 100 Wh per real 15 minutes makes every count of intervals
 * visible in the amounts: on a 23-hour day four intervals are missing, on a 25-hour day four more exist, and the
 * repeated local hour belongs to its local window twice.
 */
@DisplayName("Time-of-use months across DST changes rate every real interval in its local window")
class TouDstTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final ZoneId LOS_ANGELES = ZoneId.of("America/Los_Angeles");

  /** "night" covers the hour Berlin skips in March and repeats in October (02:00-03:00 local). */
  static final String BERLIN_TOU = """
    {"utility": "electricity", "unit": "kWh", "currency": "EUR",
     "schedules": [{"id": "tou", "periods": ["night", "peak", "offpeak"], "defaultPeriod": "offpeak",
       "windows": [{"period": "night", "from": "02:00", "to": "03:00"},
                   {"period": "peak", "dayTypes": ["weekday"], "from": "08:00", "to": "20:00"}]}],
     "components": [{"id": "energy", "kind": "energy",
       "rates": {"night": "0.10", "peak": "0.30", "offpeak": "0.20"}}]}""";

  /** Los Angeles skips 02:00-03:00 in March and repeats 01:00-02:00 in November: "night" is 01:00-03:00. */
  static final String LA_TOU = """
    {"utility": "electricity", "unit": "kWh", "currency": "USD",
     "schedules": [{"id": "tou", "periods": ["night", "peak", "offpeak"], "defaultPeriod": "offpeak",
       "windows": [{"period": "night", "from": "01:00", "to": "03:00"},
                   {"period": "peak", "dayTypes": ["weekday"], "from": "08:00", "to": "20:00"}]}],
     "components": [{"id": "energy", "kind": "energy",
       "rates": {"night": "0.10", "peak": "0.30", "offpeak": "0.20"}}]}""";

  static RatingResult rateMonth(String tariff, ZoneId zone, LocalDate month, Set<LocalDate> holidays, String currency,
                                int expectedIntervals) {
    LocalDate next = month.plusMonths(1);
    IntervalUsage usage = new Loads().base(zone, month, next, 100).usage();
    assertEquals(expectedIntervals, usage.size(), "real 15-minute intervals in " + month.getMonth());
    return TariffEngine.rate(Loads.tariff(tariff), RatingInput.fullPeriod(zone, month, next, holidays, usage, currency));
  }

  static void assertLines(RatingResult r, String... periodKwhAmount) {
    List<String> actual = r.lines().stream()
      .map(l -> l.touPeriod() + " " + l.quantity().toPlainString() + " " + l.amountMinor()).toList();
    assertEquals(List.of(periodKwhAmount), actual);
  }

  @Test
  @DisplayName("Berlin, March 2026: the 23-hour day (29 March) has no 02:00-03:00")
  void berlinMarch() {
    // 31 days * 96 - 4 = 2972 intervals. Weekdays: 2-6, 9-13, 16-20, 23-27, 30-31 March = 22.
    // night: 30 days * 4 intervals (none on the 29th) = 120 * 0.1 kWh = 12.000 kWh * 0.10 = 1.20 EUR
    // peak: 22 weekdays * 48 intervals = 1056 -> 105.600 kWh * 0.30 = 31.68 EUR
    // offpeak: 2972 - 120 - 1056 = 1796 -> 179.600 kWh * 0.20 = 35.92 EUR
    RatingResult r = rateMonth(BERLIN_TOU, BERLIN, LocalDate.of(2026, 3, 1), Set.of(), "EUR", 2972);
    assertLines(r, "night 12.000 120", "peak 105.600 3168", "offpeak 179.600 3592");
    assertEquals(6880, r.totalMinor());
  }

  @Test
  @DisplayName("Berlin, October 2026: the 25-hour day (25 October) rates 02:00-03:00 twice as night")
  void berlinOctober() {
    // 31 * 96 + 4 = 2980 intervals. Weekdays: 1-2, 5-9, 12-16, 19-23, 26-30 October = 22.
    // night: 31 * 4 + 4 (the repeated hour) = 128 -> 12.800 kWh * 0.10 = 1.28 EUR
    // peak: 22 * 48 = 1056 -> 105.600 kWh * 0.30 = 31.68 EUR
    // offpeak: 2980 - 128 - 1056 = 1796 -> 179.600 kWh * 0.20 = 35.92 EUR
    RatingResult r = rateMonth(BERLIN_TOU, BERLIN, LocalDate.of(2026, 10, 1), Set.of(), "EUR", 2980);
    assertLines(r, "night 12.800 128", "peak 105.600 3168", "offpeak 179.600 3592");
    assertEquals(6888, r.totalMinor());
  }

  @Test
  @DisplayName("Los Angeles, March 2026: the 23-hour day (8 March) has no 02:00-03:00")
  void losAngelesMarch() {
    // 2972 intervals. night 01:00-03:00: 31 * 8 - 4 = 244 -> 24.400 kWh * 0.10 = 2.44 USD
    // peak: 22 weekdays * 48 = 1056 -> 105.600 kWh * 0.30 = 31.68 USD
    // offpeak: 2972 - 244 - 1056 = 1672 -> 167.200 kWh * 0.20 = 33.44 USD
    RatingResult r = rateMonth(LA_TOU, LOS_ANGELES, LocalDate.of(2026, 3, 1), Set.of(), "USD", 2972);
    assertLines(r, "night 24.400 244", "peak 105.600 3168", "offpeak 167.200 3344");
    assertEquals(6756, r.totalMinor());
  }

  @Test
  @DisplayName("Los Angeles, October 2026 has no DST change (US clocks go back on 1 November): 31 plain days")
  void losAngelesOctober() {
    // 2976 intervals. night: 31 * 8 = 248 -> 24.800 kWh = 2.48; peak 22 * 48 = 1056 -> 31.68;
    // offpeak 2976 - 248 - 1056 = 1672 -> 33.44.
    RatingResult r = rateMonth(LA_TOU, LOS_ANGELES, LocalDate.of(2026, 10, 1), Set.of(), "USD", 2976);
    assertLines(r, "night 24.800 248", "peak 105.600 3168", "offpeak 167.200 3344");
  }

  @Test
  @DisplayName("Los Angeles, November 2026: the 25-hour day (1 November) rates 01:00-02:00 twice; a holiday is off-peak")
  void losAngelesNovember() {
    // 30 * 96 + 4 = 2884 intervals. Weekdays: 2-6, 9-13, 16-20, 23-27, 30 = 21, minus Thanksgiving (26th, a site
    // holiday, which beats weekday) = 20.
    // night: 30 * 8 + 4 = 244 -> 24.400 kWh * 0.10 = 2.44 USD
    // peak: 20 * 48 = 960 -> 96.000 kWh * 0.30 = 28.80 USD
    // offpeak: 2884 - 244 - 960 = 1680 -> 168.000 kWh * 0.20 = 33.60 USD
    RatingResult r = rateMonth(LA_TOU, LOS_ANGELES, LocalDate.of(2026, 11, 1), Set.of(LocalDate.of(2026, 11, 26)),
      "USD", 2884);
    assertLines(r, "night 24.400 244", "peak 96.000 2880", "offpeak 168.000 3360");
    assertEquals(6484, r.totalMinor());
  }

  @Test
  @DisplayName("a 60-minute demand window on the 25-hour day spans 60 real minutes, not the two local 02:00 hours")
  void demandWindowOnTheLongDay() {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR", "demandWindowMinutes": 60,
       "components": [{"id": "demand", "kind": "demand", "rate": "10.00"}]}""");
    // 25 October 2026: local 02:00-03:00 occurs at 00:00-01:00 UTC (CEST) and again at 01:00-02:00 UTC (CET).
    // 500 Wh in each of those 8 real intervals: any 60-minute window holds 4 of them = 2000 Wh = 2.000 kW.
    // (A window by local clock hour would hold all 8: 4.000 kW.) 2.000 kW * 10.00 = 20.00 EUR.
    Loads loads = new Loads().base(BERLIN, LocalDate.of(2026, 10, 1), LocalDate.of(2026, 11, 1), 100);
    for (int q = 0; q < 8; q++) {
      loads.atUtc(LocalDateTime.of(2026, 10, 25, 0, 0).plusMinutes(15L * q), 500);
    }
    RatingResult r = TariffEngine.rate(t, RatingInput.fullPeriod(BERLIN, LocalDate.of(2026, 10, 1),
      LocalDate.of(2026, 11, 1), Set.of(), loads.usage(), "EUR"));
    assertEquals(new BigDecimal("2.000"), r.lines().get(0).quantity());
    assertEquals(2000, r.totalMinor());
  }

  @Test
  @DisplayName("a 60-minute demand window on the 23-hour day joins 01:45 and 03:00 local, which are 15 minutes apart")
  void demandWindowOnTheShortDay() {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR", "demandWindowMinutes": 60,
       "components": [{"id": "demand", "kind": "demand", "rate": "10.00"}]}""");
    // 29 March 2026: 01:30 and 01:45 CET, then 03:00 and 03:15 CEST are four consecutive real intervals of 400 Wh:
    // one 60-minute window = 1600 Wh = 1.600 kW -> 16.00 EUR. (Counting by local clock the 60 minutes before
    // 03:15 hold only 03:00 and 03:15: 0.800 + base.)
    Loads loads = new Loads().base(BERLIN, LocalDate.of(2026, 3, 1), LocalDate.of(2026, 4, 1), 100)
      .atLocal(BERLIN, LocalDateTime.of(2026, 3, 29, 1, 30), 400).atLocal(BERLIN, LocalDateTime.of(2026, 3, 29, 1, 45), 400)
      .atLocal(BERLIN, LocalDateTime.of(2026, 3, 29, 3, 0), 400).atLocal(BERLIN, LocalDateTime.of(2026, 3, 29, 3, 15), 400);
    RatingResult r = TariffEngine.rate(t, RatingInput.fullPeriod(BERLIN, LocalDate.of(2026, 3, 1),
      LocalDate.of(2026, 4, 1), Set.of(), loads.usage(), "EUR"));
    assertEquals(new BigDecimal("1.600"), r.lines().get(0).quantity());
    assertEquals(1600, r.totalMinor());
  }

  @Test
  @DisplayName("a time-of-use demand window that straddles a period boundary counts for the flat peak only")
  void touDemandWindowDoesNotStraddlePeriods() {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR", "demandWindowMinutes": 30,
       "schedules": [{"id": "tou", "periods": ["peak", "offpeak"], "defaultPeriod": "offpeak",
         "windows": [{"period": "peak", "dayTypes": ["weekday"], "from": "08:00", "to": "20:00"}]}],
       "components": [{"id": "max", "kind": "demand", "rate": "5.00"},
                      {"id": "peak-demand", "kind": "demand", "rates": {"peak": "8.00"}}]}""");
    // Monday 12 January: 07:45 (off-peak) and 08:00 (peak) hold 1000 Wh each, every other interval 100 Wh.
    // Flat: the 30-minute window 07:45-08:15 = 2000 Wh / 0.5 h = 4.000 kW * 5.00 = 20.00 EUR.
    // Peak period: windows wholly in peak: 08:00-08:30 = 1000 + 100 = 1100 Wh = 2.200 kW * 8.00 = 17.60 EUR.
    Loads loads = new Loads().base(BERLIN, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1), 100)
      .atLocal(BERLIN, LocalDateTime.of(2026, 1, 12, 7, 45), 1000).atLocal(BERLIN, LocalDateTime.of(2026, 1, 12, 8, 0), 1000);
    RatingResult r = TariffEngine.rate(t, RatingInput.fullPeriod(BERLIN, LocalDate.of(2026, 1, 1),
      LocalDate.of(2026, 2, 1), Set.of(), loads.usage(), "EUR"));
    assertEquals(List.of("null 4.000 2000", "peak 2.200 1760"), r.lines().stream()
      .map(l -> l.touPeriod() + " " + l.quantity().toPlainString() + " " + l.amountMinor()).toList());
    assertEquals(List.of("null 4.000", "peak 2.200"), r.peaks().stream()
      .map(p -> p.touPeriod() + " " + p.kw().toPlainString()).toList());
  }
}
