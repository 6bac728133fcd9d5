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

@DisplayName("Each tariff component alone rates to the amount worked out by hand")
class TariffComponentsTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final LocalDate JAN = LocalDate.of(2026, 1, 1);
  static final LocalDate FEB = LocalDate.of(2026, 2, 1);

  static RatingResult rateJanuary(TariffDocument t, IntervalUsage usage) {
    return TariffEngine.rate(t, RatingInput.fullPeriod(BERLIN, JAN, FEB, Set.of(), usage, "EUR"));
  }

  static RatingResult rateFrom(TariffDocument t, LocalDate moveIn, IntervalUsage usage) {
    return TariffEngine.rate(t, new RatingInput(BERLIN, JAN, FEB, moveIn, FEB, Set.of(), usage, List.of(), 0, 0, "EUR"));
  }

  @Test
  @DisplayName("a monthly fixed charge: whole for a full month, prorated by days served for a move-in")
  void fixedPerMonth() {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR",
       "components": [{"id": "standing", "kind": "fixed", "amount": "12.50", "per": "month"}]}""");
    // Full January: 12.50 EUR -> 1250 cents.
    RatingResult full = rateJanuary(t, IntervalUsage.empty(900));
    assertEquals(1250, full.totalMinor());
    assertEquals(0, new BigDecimal("1").compareTo(full.lines().get(0).quantity()));
    // Move-in on 16 January: 16 of 31 days. 12.50 * 16 / 31 = 6.4516.. EUR -> HALF_UP -> 645 cents.
    RatingResult part = rateFrom(t, LocalDate.of(2026, 1, 16), IntervalUsage.empty(900));
    assertEquals(645, part.totalMinor());
    assertEquals(new BigDecimal("0.516129"), part.lines().get(0).quantity());
    assertEquals(ChargeKind.FIXED, part.lines().get(0).kind());
  }

  @Test
  @DisplayName("a daily fixed charge counts the days served")
  void fixedPerDay() {
    TariffDocument t = Loads.tariff("""
      {"utility": "water", "unit": "m3", "currency": "EUR",
       "components": [{"id": "meter", "kind": "fixed", "amount": "0.40", "per": "day"}]}""");
    // 31 days * 0.40 = 12.40 EUR; from 16 January: 16 days * 0.40 = 6.40 EUR.
    assertEquals(1240, rateJanuary(t, IntervalUsage.empty(900)).totalMinor());
    RatingResult part = rateFrom(t, LocalDate.of(2026, 1, 16), IntervalUsage.empty(900));
    assertEquals(640, part.totalMinor());
    assertEquals(BigDecimal.valueOf(16), part.lines().get(0).quantity());
  }

  @Test
  @DisplayName("a flat energy rate prices the month's usage")
  void flatEnergy() {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR",
       "components": [{"id": "energy", "kind": "energy", "rate": "0.2815"}]}""");
    // 31 days * 96 intervals * 100 Wh = 297.600 kWh; * 0.2815 = 83.7744 EUR -> 8377 cents.
    IntervalUsage usage = new Loads().base(BERLIN, JAN, FEB, 100).usage();
    RatingResult r = rateJanuary(t, usage);
    assertEquals(2976, usage.size());
    assertEquals(new BigDecimal("297.600"), r.lines().get(0).quantity());
    assertEquals(new BigDecimal("0.2815"), r.lines().get(0).rate());
    assertEquals(8377, r.totalMinor());
  }

  @Test
  @DisplayName("block tiers per day served (a daily baseline allowance)")
  void tiersPerDay() {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR",
       "components": [{"id": "energy", "kind": "energy", "tierBasis": "day",
         "tiers": [{"upTo": "10", "rate": "0.25"}, {"rate": "0.35"}]}]}""");
    // Limit 10 kWh/day * 31 days = 310 kWh. Usage 400 kWh (one interval): 310 * 0.25 = 77.50; 90 * 0.35 = 31.50.
    IntervalUsage usage = new Loads().atLocal(BERLIN, LocalDateTime.of(2026, 1, 12, 12, 0), 400_000).usage();
    RatingResult r = rateJanuary(t, usage);
    assertEquals(List.of(7750L, 3150L), r.lines().stream().map(ChargeLine::amountMinor).toList());
    assertEquals(List.of(1, 2), r.lines().stream().map(ChargeLine::tier).toList());
    assertEquals(10900, r.totalMinor());
  }

  @Test
  @DisplayName("block tiers scaled by household size")
  void tiersPerPerson() {
    TariffDocument t = Loads.tariff("""
      {"utility": "water", "unit": "m3", "currency": "EUR",
       "components": [{"id": "water", "kind": "energy", "perPerson": true,
         "tiers": [{"upTo": "5", "rate": "2.00"}, {"rate": "3.00"}]}]}""");
    // 3 persons * 5 m3 = 15 m3 at 2.00 = 30.00; the other 5 m3 of 20 at 3.00 = 15.00.
    IntervalUsage usage = new Loads().atLocal(BERLIN, LocalDateTime.of(2026, 1, 12, 12, 0), 20_000).usage();
    RatingResult r = TariffEngine.rate(t, new RatingInput(BERLIN, JAN, FEB, JAN, FEB, Set.of(), usage, List.of(), 0, 3,
      "EUR"));
    assertEquals(List.of(3000L, 1500L), r.lines().stream().map(ChargeLine::amountMinor).toList());
  }

  @Test
  @DisplayName("annual tiers continue from the usage earlier in the tier year")
  void annualTiers() {
    TariffDocument t = Loads.tariff("""
      {"utility": "gas", "unit": "kWh", "currency": "EUR",
       "components": [{"id": "gas", "kind": "energy", "tierBasis": "year",
         "tiers": [{"upTo": "1000", "rate": "0.20"}, {"rate": "0.30"}]}]}""");
    // 950 kWh used before this month; 100 kWh now: 50 kWh fill tier 1 (10.00), 50 kWh in tier 2 (15.00).
    IntervalUsage usage = new Loads().atLocal(BERLIN, LocalDateTime.of(2026, 1, 12, 12, 0), 100_000).usage();
    RatingResult r = TariffEngine.rate(t, new RatingInput(BERLIN, JAN, FEB, JAN, FEB, Set.of(), usage, List.of(),
      950_000, 0, "EUR"));
    assertEquals(List.of(1000L, 1500L), r.lines().stream().map(ChargeLine::amountMinor).toList());
    assertEquals(new BigDecimal("50.000"), r.lines().get(1).quantity());
  }

  @Test
  @DisplayName("a flat demand charge prices the highest 15-minute demand of the month")
  void flatDemand() {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR",
       "components": [{"id": "demand", "kind": "demand", "rate": "12.40"}]}""");
    // Base 100 Wh per 15 min (0.4 kW); one interval of 9350 Wh = 9.35 kWh in 0.25 h = 37.4 kW.
    // 37.400 kW * 12.40 = 463.76 EUR.
    IntervalUsage usage = new Loads().base(BERLIN, JAN, FEB, 100)
      .atLocal(BERLIN, LocalDateTime.of(2026, 1, 14, 10, 30), 9_350).usage();
    RatingResult r = rateJanuary(t, usage);
    assertEquals(new BigDecimal("37.400"), r.lines().get(0).quantity());
    assertEquals("kW", r.lines().get(0).unit());
    assertEquals(46376, r.totalMinor());
    assertEquals(List.of(new PeakDemand(java.time.YearMonth.of(2026, 1), null, new BigDecimal("37.400"))), r.peaks());
  }

  @Test
  @DisplayName("a minimum charge tops the month up to the minimum, and does nothing above it")
  void minimumCharge() {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR",
       "components": [
         {"id": "standing", "kind": "fixed", "amount": "5.00"},
         {"id": "energy", "kind": "energy", "rate": "0.20"},
         {"id": "minimum", "kind": "minimum", "amount": "25.00", "per": "month"}]}""");
    // 50 kWh: 5.00 + 10.00 = 15.00 < 25.00, so a minimum line of 10.00; total 25.00.
    RatingResult low = rateJanuary(t, new Loads().atLocal(BERLIN, LocalDateTime.of(2026, 1, 5, 9, 0), 50_000).usage());
    assertEquals(3, low.lines().size());
    assertEquals(ChargeKind.MINIMUM, low.lines().get(2).kind());
    assertEquals(1000, low.lines().get(2).amountMinor());
    assertEquals(2500, low.subtotalMinor());
    // 150 kWh: 5.00 + 30.00 = 35.00 >= 25.00: no minimum line.
    RatingResult high = rateJanuary(t, new Loads().atLocal(BERLIN, LocalDateTime.of(2026, 1, 5, 9, 0), 150_000).usage());
    assertEquals(2, high.lines().size());
    assertEquals(3500, high.totalMinor());
    // Move-in on 16 January: the minimum is prorated too: 25.00 * 16/31 = 12.903.. -> 12.90; charges
    // 5.00 * 16/31 = 2.58 + 0 energy; top-up 12.90 - 2.58 = 10.32.
    RatingResult part = rateFrom(t, LocalDate.of(2026, 1, 16), IntervalUsage.empty(900));
    assertEquals(1032, part.lines().get(2).amountMinor());
    assertEquals(1290, part.totalMinor());
  }

  @Test
  @DisplayName("taxes and levies apply to the components they name only, VAT also to a levy")
  void taxOnSelectedComponents() {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR",
       "components": [
         {"id": "meter-rent", "kind": "fixed", "amount": "10.00"},
         {"id": "energy", "kind": "energy", "rate": "0.25"},
         {"id": "levy", "kind": "tax", "description": "Electricity tax", "perUnit": "0.0205", "appliesTo": ["energy"]},
         {"id": "vat", "kind": "tax", "description": "VAT 19%", "percent": "19", "appliesTo": ["energy", "levy"]}]}""");
    // 100 kWh: energy 25.00; rent 10.00 (not taxed); levy 100 * 0.0205 = 2.05;
    // VAT 19% of (25.00 + 2.05) = 5.1395 -> 5.14. Subtotal 35.00, taxes 7.19, total 42.19.
    RatingResult r = rateJanuary(t, new Loads().atLocal(BERLIN, LocalDateTime.of(2026, 1, 5, 9, 0), 100_000).usage());
    assertEquals(3500, r.subtotalMinor());
    assertEquals(205, r.lines().get(2).amountMinor());
    assertEquals(new BigDecimal("27.05"), r.lines().get(3).quantity());
    assertEquals(new BigDecimal("0.19"), r.lines().get(3).rate());
    assertEquals(514, r.lines().get(3).amountMinor());
    assertEquals(719, r.taxMinor());
    assertEquals(4219, r.totalMinor());
  }

  @Test
  @DisplayName("a component limited to some months applies only in those months")
  void seasonalComponent() {
    TariffDocument t = Loads.tariff("""
      {"utility": "heat", "unit": "MWh", "currency": "EUR",
       "components": [{"id": "winter-capacity", "kind": "fixed", "amount": "30.00", "months": [1, 2, 12]},
                      {"id": "summer-capacity", "kind": "fixed", "amount": "10.00", "months": [6, 7, 8]}]}""");
    assertEquals(3000, rateJanuary(t, IntervalUsage.empty(900)).totalMinor());
  }
}
