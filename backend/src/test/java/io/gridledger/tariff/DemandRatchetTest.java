package io.gridledger.tariff;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("A demand ratchet over a year: each month's peaks feed the next months' ratings")
class DemandRatchetTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  @DisplayName("80% of the highest peak of the last 6 months, 10.00 EUR/kW, twelve monthly ratings")
  void ratchetOverAYear() {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR",
       "components": [{"id": "demand", "kind": "demand", "rate": "10.00",
                       "ratchet": {"percent": "80", "months": 6}}]}""");
    int[] measuredKw = {50, 40, 30, 60, 20, 45, 10, 55, 30, 40, 25, 35};
    // Billed kW = max(measured, 80% of the highest peak in the 6 months before):
    //  Jan 50 (no history)                   -> 50  -> 500.00
    //  Feb 40 vs 0.8*50 = 40 (equal)         -> 40  -> 400.00
    //  Mar 30 vs 0.8*50 = 40                 -> 40  -> 400.00
    //  Apr 60                                -> 60  -> 600.00
    //  May 20 vs 0.8*60 = 48                 -> 48  -> 480.00
    //  Jun 45 vs 48                          -> 48  -> 480.00
    //  Jul 10 vs 48 (Jan..Jun)               -> 48  -> 480.00
    //  Aug 55 vs 48                          -> 55  -> 550.00
    //  Sep 30 vs 48 (Mar..Aug, April's 60)   -> 48  -> 480.00
    //  Oct 40 vs 48 (Apr..Sep)               -> 48  -> 480.00
    //  Nov 25 vs 0.8*55 = 44 (May..Oct: April has left the window) -> 44 -> 440.00
    //  Dec 35 vs 44 (Jun..Nov)               -> 44  -> 440.00
    // Year: 5730.00 EUR.
    long[] expectedMinor = {50000, 40000, 40000, 60000, 48000, 48000, 48000, 55000, 48000, 48000, 44000, 44000};
    List<PeakDemand> history = new ArrayList<>();
    long year = 0;
    for (int m = 0; m < 12; m++) {
      LocalDate start = LocalDate.of(2026, m + 1, 1);
      // Base 100 Wh per 15 min (0.4 kW); the month's peak is one interval of kW * 250 Wh.
      IntervalUsage usage = new Loads().base(BERLIN, start, start.plusMonths(1), 100)
        .atLocal(BERLIN, start.plusDays(9).atTime(11, 0), measuredKw[m] * 250L).usage();
      RatingResult r = TariffEngine.rate(t, new RatingInput(BERLIN, start, start.plusMonths(1), start,
        start.plusMonths(1), Set.of(), usage, List.copyOf(history), 0, 0, "EUR"));
      assertEquals(expectedMinor[m], r.totalMinor(), "month " + (m + 1) + ": " + r.lines());
      assertEquals(List.of(new PeakDemand(YearMonth.from(start), null, new BigDecimal(measuredKw[m] + ".000"))),
        r.peaks(), "the measured peak is kept, not the ratcheted one");
      history.addAll(r.peaks());
      year += r.totalMinor();
    }
    assertEquals(573000, year);
  }

  @Test
  @DisplayName("a ratchet counting only summer months (URDB lookbackmonths) ignores a higher winter peak")
  void ratchetOnlyCountsChosenMonths() {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR",
       "components": [{"id": "demand", "kind": "demand", "rate": "10.00",
                       "ratchet": {"percent": "50", "months": 12, "onlyMonths": [6, 7, 8, 9]}}]}""");
    // History: Jan 2026 100 kW (not counted), Jul 2026 60 kW (counted). November 2026 measures 20 kW:
    // billed = max(20, 50% of 60) = 30 kW -> 300.00 EUR.
    List<PeakDemand> history = List.of(new PeakDemand(YearMonth.of(2026, 1), null, new BigDecimal("100")),
      new PeakDemand(YearMonth.of(2026, 7), null, new BigDecimal("60")));
    LocalDate nov = LocalDate.of(2026, 11, 1);
    IntervalUsage usage = new Loads().atLocal(BERLIN, LocalDateTime.of(2026, 11, 3, 9, 0), 5000).usage();
    RatingResult r = TariffEngine.rate(t, new RatingInput(BERLIN, nov, nov.plusMonths(1), nov, nov.plusMonths(1),
      Set.of(), usage, history, 0, 0, "EUR"));
    assertEquals(0, new BigDecimal("30").compareTo(r.lines().get(0).quantity()));
    assertEquals(30000, r.totalMinor());
    assertTrue(r.lines().get(0).description().contains("ratchet"), r.lines().get(0).description());
  }
}
