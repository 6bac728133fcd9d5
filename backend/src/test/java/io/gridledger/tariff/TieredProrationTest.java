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

@DisplayName("A tiered month with a mid-month move-in scales tier limits by days served / days in period")
class TieredProrationTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  @DisplayName("water from 16 January: limits 10 and 20 m3 become 5.161 and 10.323 m3; usage before move-in is ignored")
  void moveInMidMonth() {
    TariffDocument t = Loads.tariff("""
      {"utility": "water", "unit": "m3", "currency": "EUR",
       "components": [
         {"id": "base", "kind": "fixed", "description": "Base charge", "amount": "8.00", "per": "month"},
         {"id": "water", "kind": "energy", "description": "Water",
          "tiers": [{"upTo": "10", "rate": "1.90"}, {"upTo": "20", "rate": "2.60"}, {"rate": "3.40"}]}]}""");
    // 16 of 31 days served. Limits: 10 * 16/31 = 5.16129.. m3 -> 5.161 m3 (kept to the litre, HALF_UP);
    // 20 * 16/31 = 10.32258.. m3 -> 10.323 m3.
    // Usage after move-in: 12 intervals of 1000 L on 20 January = 12.000 m3 (the 5000 L on 10 January, before
    // the move-in, is not the tenant's and is ignored).
    //   tier 1: 5.161 m3 * 1.90 = 9.8059 -> 9.81
    //   tier 2: 10.323 - 5.161 = 5.162 m3 * 2.60 = 13.4212 -> 13.42
    //   tier 3: 12.000 - 10.323 = 1.677 m3 * 3.40 = 5.7018 -> 5.70
    //   base: 8.00 * 16/31 = 4.129.. -> 4.13
    // Total 4.13 + 9.81 + 13.42 + 5.70 = 33.06 EUR.
    Loads loads = new Loads().atLocal(BERLIN, LocalDateTime.of(2026, 1, 10, 8, 0), 5000);
    for (int q = 0; q < 12; q++) {
      loads.atLocal(BERLIN, LocalDateTime.of(2026, 1, 20, 7, 0).plusMinutes(15L * q), 1000);
    }
    RatingResult r = TariffEngine.rate(t, new RatingInput(BERLIN, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1),
      LocalDate.of(2026, 1, 16), LocalDate.of(2026, 2, 1), Set.of(), loads.usage(), List.of(), 0, 0, "EUR"));
    assertEquals(List.of("null 0.516129 413", "1 5.161 981", "2 5.162 1342", "3 1.677 570"), r.lines().stream()
      .map(l -> l.tier() + " " + l.quantity().toPlainString() + " " + l.amountMinor()).toList());
    assertEquals(new BigDecimal("2.60"), r.lines().get(2).rate());
    assertEquals(3306, r.totalMinor());
  }

  @Test
  @DisplayName("the same usage over the full month stays in the first two tiers")
  void fullMonth() {
    TariffDocument t = Loads.tariff("""
      {"utility": "water", "unit": "m3", "currency": "EUR",
       "components": [{"id": "water", "kind": "energy",
          "tiers": [{"upTo": "10", "rate": "1.90"}, {"upTo": "20", "rate": "2.60"}, {"rate": "3.40"}]}]}""");
    // 12 m3: 10 * 1.90 = 19.00; 2 * 2.60 = 5.20. Total 24.20.
    Loads loads = new Loads();
    for (int q = 0; q < 12; q++) {
      loads.atLocal(BERLIN, LocalDateTime.of(2026, 1, 20, 7, 0).plusMinutes(15L * q), 1000);
    }
    RatingResult r = TariffEngine.rate(t, RatingInput.fullPeriod(BERLIN, LocalDate.of(2026, 1, 1),
      LocalDate.of(2026, 2, 1), Set.of(), loads.usage(), "EUR"));
    assertEquals(List.of(1900L, 520L), r.lines().stream().map(ChargeLine::amountMinor).toList());
  }
}
