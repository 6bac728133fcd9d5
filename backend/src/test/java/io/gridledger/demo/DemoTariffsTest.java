package io.gridledger.demo;

import io.gridledger.tariff.ChargeLine;
import io.gridledger.tariff.IntervalUsage;
import io.gridledger.tariff.RatingInput;
import io.gridledger.tariff.RatingResult;
import io.gridledger.tariff.TariffDocument;
import io.gridledger.tariff.TariffEngine;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("The demo site's tariffs are valid and rate as their prices say")
class DemoTariffsTest {

  @Test
  @DisplayName("every demo tariff document validates")
  void documentsValidate() {
    for (String doc : List.of(DemoTariffs.ELECTRICITY, DemoTariffs.WATER, DemoTariffs.GAS, DemoTariffs.HEAT,
      DemoTariffs.COOLING)) {
      assertEquals("EUR", TariffDocument.parse(new JsonObject(doc)).currency());
    }
  }

  @Test
  @DisplayName("electricity: a constant 1 kW through January 2026 costs 259.50 EUR")
  void electricityJanuary() {
    // 1 January 2026 (Thursday) is a holiday: 21 weekdays (2, 5-9, 12-16, 19-23, 26-30). 250 Wh per 15 min.
    //   standing 14.90
    //   peak: 21 * 48 intervals = 1008 * 0.25 = 252.000 kWh * 0.2890 = 72.828 -> 72.83
    //   off-peak: 2976 - 1008 = 1968 * 0.25 = 492.000 kWh * 0.2140 = 105.288 -> 105.29
    //   demand: 1.000 kW * 9.80 = 9.80 (no history, no ratchet)
    //   electricity tax: 744.000 kWh * 0.0205 = 15.252 -> 15.25
    //   VAT 19% of (14.90 + 72.83 + 105.29 + 9.80 + 15.25 = 218.07) = 41.4333 -> 41.43
    // Subtotal 202.82, taxes 56.68, total 259.50.
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    LocalDate jan = LocalDate.of(2026, 1, 1);
    long first = jan.atStartOfDay(berlin).toEpochSecond();
    int n = (int) ((jan.plusMonths(1).atStartOfDay(berlin).toEpochSecond() - first) / 900);
    long[] starts = new long[n];
    long[] qty = new long[n];
    for (int i = 0; i < n; i++) {
      starts[i] = first + 900L * i;
      qty[i] = 250;
    }
    RatingResult r = TariffEngine.rate(TariffDocument.parse(new JsonObject(DemoTariffs.ELECTRICITY)),
      RatingInput.fullPeriod(berlin, jan, jan.plusMonths(1), Set.of(jan), new IntervalUsage(900, starts, qty), "EUR"));
    assertEquals(List.of(1490L, 7283L, 10529L, 980L, 1525L, 4143L),
      r.lines().stream().map(ChargeLine::amountMinor).toList());
    assertEquals(20282, r.subtotalMinor());
    assertEquals(25950, r.totalMinor());
  }
}
