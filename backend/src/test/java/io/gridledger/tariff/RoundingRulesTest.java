package io.gridledger.tariff;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two time-of-use lines of exactly 0.125 EUR each (1 kWh at 0.125 EUR/kWh in "day" and in "night"), a half cent
 * each, under each named rule.
 */
@DisplayName("Named rounding rules decide how and where amounts are rounded")
class RoundingRulesTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  static RatingResult rate(String rounding, String currency) {
    TariffDocument t = Loads.tariff("""
      {"utility": "electricity", "unit": "kWh", "currency": "%s", "rounding": %s,
       "schedules": [{"id": "tou", "periods": ["day", "night"], "defaultPeriod": "night",
                      "windows": [{"period": "day", "from": "07:00", "to": "22:00"}]}],
       "components": [{"id": "energy", "kind": "energy", "rates": {"day": "0.125", "night": "0.125"}}]}"""
      .formatted(currency, rounding));
    IntervalUsage usage = new Loads().atLocal(BERLIN, LocalDateTime.of(2026, 1, 5, 12, 0), 1000)
      .atLocal(BERLIN, LocalDateTime.of(2026, 1, 5, 23, 0), 1000).usage();
    return TariffEngine.rate(t, RatingInput.fullPeriod(BERLIN, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1),
      Set.of(), usage, currency));
  }

  static List<Long> amounts(RatingResult r) {
    return r.lines().stream().map(ChargeLine::amountMinor).toList();
  }

  @Test
  @DisplayName("HALF_UP per line: 12.5 cents -> 13 on each line, 26 in all")
  void halfUpPerLine() {
    RatingResult r = rate("{\"mode\": \"HALF_UP\", \"scope\": \"line\"}", "EUR");
    assertEquals(List.of(13L, 13L), amounts(r));
    assertEquals(26, r.totalMinor());
  }

  @Test
  @DisplayName("HALF_EVEN per line (banker's rounding): 12.5 cents -> 12 on each line, 24 in all")
  void halfEvenPerLine() {
    RatingResult r = rate("{\"mode\": \"HALF_EVEN\", \"scope\": \"line\"}", "EUR");
    assertEquals(List.of(12L, 12L), amounts(r));
    assertEquals(24, r.totalMinor());
  }

  @Test
  @DisplayName("HALF_UP per component: the exact 25 cents are rounded once and spread 13 + 12")
  void halfUpPerComponent() {
    RatingResult r = rate("{\"mode\": \"HALF_UP\", \"scope\": \"component\"}", "EUR");
    assertEquals(List.of(13L, 12L), amounts(r));
    assertEquals(25, r.totalMinor());
  }

  @Test
  @DisplayName("DOWN per line truncates: 12 + 12")
  void downPerLine() {
    assertEquals(List.of(12L, 12L), amounts(rate("{\"mode\": \"DOWN\"}", "EUR")));
  }

  @Test
  @DisplayName("the currency's minor unit is respected: JPY has none, 0.125 JPY rounds to 0")
  void currencyWithoutMinorUnits() {
    RatingResult r = rate("{\"mode\": \"HALF_UP\"}", "JPY");
    assertEquals(List.of(0L, 0L), amounts(r));
  }
}
