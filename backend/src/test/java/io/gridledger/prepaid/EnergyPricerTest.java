package io.gridledger.prepaid;

import io.gridledger.tariff.TariffDocument;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Interval prices worked out by hand: TOU period, levy and VAT; the tier reached by the month-to-date usage. */
class EnergyPricerTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final YearMonth NOV = YearMonth.of(2026, 11);

  private static final String TOU = """
    {"utility": "electricity", "unit": "kWh", "currency": "EUR", "description": "TOU",
     "rounding": {"mode": "HALF_UP", "scope": "line"},
     "schedules": [{"id": "tou", "periods": ["peak", "offpeak"], "defaultPeriod": "offpeak",
       "windows": [{"period": "peak", "dayTypes": ["weekday"], "from": "08:00", "to": "20:00"}]}],
     "components": [
       {"id": "standing", "kind": "fixed", "description": "Standing charge", "amount": "14.90", "per": "month"},
       {"id": "energy", "kind": "energy", "description": "Energy", "rates": {"peak": "0.2890", "offpeak": "0.2140"}},
       {"id": "demand", "kind": "demand", "description": "Maximum demand", "rate": "9.80"},
       {"id": "levy", "kind": "tax", "description": "Electricity tax", "perUnit": "0.0205", "appliesTo": ["energy"]},
       {"id": "vat", "kind": "tax", "description": "VAT 19%", "percent": "19",
        "appliesTo": ["standing", "energy", "demand", "levy"]}]}""";

  private static final String WATER = """
    {"utility": "water", "unit": "m3", "currency": "EUR", "description": "tiered",
     "rounding": {"mode": "HALF_UP", "scope": "line"},
     "components": [
       {"id": "base", "kind": "fixed", "description": "Base", "amount": "6.50", "per": "month"},
       {"id": "water", "kind": "energy", "description": "Water",
        "tiers": [{"upTo": "10", "rate": "2.05"}, {"upTo": "30", "rate": "2.45"}, {"rate": "2.95"}]},
       {"id": "vat", "kind": "tax", "description": "VAT 7%", "percent": "7", "appliesTo": ["base", "water"]}]}""";

  private static long at(int day, int hour) {
    return ZonedDateTime.of(2026, 11, day, hour, 0, 0, 0, BERLIN).toEpochSecond();
  }

  private static EnergyPricer pricer(String doc) {
    return new EnergyPricer(TariffDocument.parse(new JsonObject(doc)));
  }

  @Test
  void peakIntervalPaysPeakRateLevyAndVatOnThoseOnly() {
    // Wednesday 10:00, 2 kWh: energy 0.578 -> 58; levy 0.041 -> 4; VAT 19% of 0.62 = 0.1178 -> 12.
    EnergyPricer.Price p = pricer(TOU).marginal(BERLIN, NOV, Set.of(), new long[] {at(25, 10)}, new long[] {2000}, 1,
      "EUR");
    assertEquals(new EnergyPricer.Price(58, 16), p);
  }

  @Test
  void offpeakIntervalPaysOffpeakRate() {
    // Wednesday 21:00, 2 kWh: energy 0.428 -> 43; levy 4; VAT 19% of 0.47 = 0.0893 -> 9.
    EnergyPricer.Price p = pricer(TOU).marginal(BERLIN, NOV, Set.of(), new long[] {at(25, 21)}, new long[] {2000}, 1,
      "EUR");
    assertEquals(new EnergyPricer.Price(43, 13), p);
  }

  @Test
  void intervalCrossingATierPaysBothTiers() {
    // 9 m3 earlier this month, then 2 m3: 1 m3 at 2.05 and 1 m3 at 2.45 = 4.50; VAT 7%: 1.6065 -> 1.61 minus
    // 1.2915 -> 1.29 = 0.32.
    EnergyPricer.Price p = pricer(WATER).marginal(BERLIN, NOV, Set.of(), new long[] {at(2, 10), at(25, 10)},
      new long[] {9000, 2000}, 2, "EUR");
    assertEquals(new EnergyPricer.Price(450, 32), p);
  }

  @Test
  void aTariffWithoutEnergyChargesNothingInRealTime() {
    assertNull(EnergyPricer.energyOnly(TariffDocument.parse(new JsonObject("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR", "description": "fixed only",
       "components": [{"id": "standing", "kind": "fixed", "description": "Standing", "amount": "14.90", "per": "month"}]}
      """))));
  }
}
