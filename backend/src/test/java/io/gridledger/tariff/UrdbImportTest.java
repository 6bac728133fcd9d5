package io.gridledger.tariff;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The real PG&E A-10 TOU record (Medium General Demand Service, secondary voltage; URDB label
 * 6758b27bd731a5d4d806802e, https://apps.openei.org/IURDB/rate/view/6758b27bd731a5d4d806802e, effective
 * 2024-10-01). The test resource is that record as published by the URDB API, as kept in the public repository
 * erock25/urdb-tariff-viewer_v2 (tariffs/PGE_A-10.json); URDB data is public domain (CC0).
 */
@DisplayName("A real URDB record imports and rates a simple load to the cent")
class UrdbImportTest {

  static final ZoneId LA = ZoneId.of("America/Los_Angeles");

  static String resource(String name) {
    try (InputStream in = UrdbImportTest.class.getResourceAsStream("/tariff/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static final String PGE_A10 = "urdb-pge-a10-6758b27bd731a5d4d806802e.json";

  /**
   * A constant 10 kW (2.5 kWh every 15 minutes) through July 2026, rated by hand from the record:
   * <pre>
   * July 2026: 1 July is a Wednesday; 23 weekdays (1-3, 6-10, 13-17, 20-24, 27-31), 8 weekend days. No DST change.
   * Summer weekday hours (energyweekdayschedule, May-Oct): period 2 at 0-7 and 21-23 (11 h), period 3 at 8-11 and
   * 18-20 (7 h), period 4 at 12-17 (6 h); summer weekends: period 2 all day. 10 kWh per hour.
   *   period 2: 23 * 110 + 8 * 240 = 4450 kWh * 0.27092 = 1205.594  -> 1205.59
   *   period 3: 23 * 70 = 1610 kWh * 0.29771 = 479.3131             ->  479.31
   *   period 4: 23 * 60 = 1380 kWh * 0.29771 = 410.8398             ->  410.84
   *   flat demand (flatdemandstructure, all months period 0): 10 kW * 24.38 = 243.80
   *   fixed charge 11.51068 $/day * 31 days = 356.83108              ->  356.83
   * Total 1205.59 + 479.31 + 410.84 + 243.80 + 356.83 = 2696.37 USD.
   * </pre>
   */
  static final long JULY_TOTAL_CENTS = 269637;

  static RatingResult rateJuly(TariffDocument tariff) {
    LocalDate july = LocalDate.of(2026, 7, 1);
    IntervalUsage usage = new Loads().base(LA, july, july.plusMonths(1), 2500).usage();
    return TariffEngine.rate(tariff, RatingInput.fullPeriod(LA, july, july.plusMonths(1), Set.of(), usage, "USD"));
  }

  @Test
  @DisplayName("PG&E A-10: a constant 10 kW through July 2026 costs 2696.37 USD")
  void pgeA10July() {
    JsonObject record = ExactJson.parseExact(resource(PGE_A10));
    UrdbImporter.Imported imported = UrdbImporter.convert(record, "USD", LA);
    TariffDocument tariff = TariffDocument.parse(imported.document());
    assertEquals(LocalDate.of(2024, 10, 1), imported.effectiveFrom(), "startdate 1727762400 is 2024-10-01T06:00Z, midnight in Golden, CO");
    RatingResult r = rateJuly(tariff);
    assertEquals(List.of(
      "FIXED null 31 11.51068 35683",
      "ENERGY e0 0.000 0.24653 0", "ENERGY e1 0.000 0.24724 0",
      "ENERGY e2 4450.000 0.27092 120559", "ENERGY e3 1610.000 0.29771 47931", "ENERGY e4 1380.000 0.29771 41084",
      "DEMAND null 10.000 24.38 24380"), r.lines().stream().map(l -> l.kind() + " " + l.touPeriod() + " "
        + l.quantity().toPlainString() + " " + l.rate().toPlainString() + " " + l.amountMinor()).toList());
    assertEquals(JULY_TOTAL_CENTS, r.totalMinor());
  }

  @Test
  @DisplayName("rates are copied exactly (rate + adj as decimals), and winter months get their own season")
  void exactRatesAndSeasons() {
    JsonObject doc = UrdbImporter.convert(ExactJson.parseExact(resource(PGE_A10)), "USD", LA).document();
    JsonObject energy = doc.getJsonArray("components").getJsonObject(1);
    assertEquals("0.24653", energy.getJsonObject("rates").getJsonObject("e0").getString("rate"));
    assertEquals(List.of("m11-m04", "m05-m10"), doc.getJsonArray("schedules").getJsonObject(0).getJsonArray("seasons")
      .stream().map(s -> ((JsonObject) s).getString("id")).toList());
    // January 2026 weekday 08:00-21:00 is period 1 (0.24724): one 1 kWh interval at 09:00 on Monday 5 January.
    TariffDocument tariff = TariffDocument.parse(doc);
    LocalDate jan = LocalDate.of(2026, 1, 1);
    IntervalUsage usage = new Loads().atLocal(LA, jan.plusDays(4).atTime(9, 0), 1000).usage();
    RatingResult r = TariffEngine.rate(tariff, RatingInput.fullPeriod(LA, jan, jan.plusMonths(1), Set.of(), usage, "USD"));
    assertEquals(new BigDecimal("1.000"), r.lines().get(2).quantity());
    assertEquals("e1", r.lines().get(2).touPeriod());
  }

  @Test
  @DisplayName("mincharge, lookback ratchets, daily tiers and TOU demand of a URDB record become our components")
  void otherUrdbFields() {
    JsonObject record = new JsonObject("""
      {"utility": "Example Utility", "name": "GS-1", "label": "x1", "startdate": 1735718400,
       "energyratestructure": [[{"max": 10, "rate": 0.1, "adj": 0.01, "unit": "kWh daily"}, {"rate": 0.2, "unit": "kWh daily"}]],
       "energyweekdayschedule": [%1$s], "energyweekendschedule": [%1$s],
       "flatdemandstructure": [[{"rate": 5}], [{"rate": 7.5}]], "flatdemandmonths": [0,0,0,0,0,1,1,1,1,0,0,0],
       "lookbackpercent": 0.8, "lookbackrange": 11,
       "demandratestructure": [[{"rate": 0}], [{"rate": 3.25}]],
       "demandweekdayschedule": [%2$s], "demandweekendschedule": [%1$s],
       "mincharge": 20, "minchargeunits": "$/month", "fixedchargefirstmeter": 12, "fixedchargeunits": "$/month"}"""
      .formatted(String.join(",", java.util.Collections.nCopies(12, zeros(24))),
        String.join(",", java.util.Collections.nCopies(12, "[0,0,0,0,0,0,0,0,0,0,0,0,1,1,1,1,1,1,0,0,0,0,0,0]"))));
    TariffDocument tariff = TariffDocument.parse(UrdbImporter.convert(ExactJson.parseExact(record.encode()), "USD", LA)
      .document());
    // July 2025: fixed 12.00; energy 31 days * 10 kWh/day tier = 310 kWh limit, usage 400 kWh (one interval on a
    // weekday at 13:00, which is also the demand peak: 400 kWh in 15 min = 1600 kW):
    //   tier 1: 310 * (0.1 + 0.01) = 34.10; tier 2: 90 * 0.2 = 18.00
    //   flat demand (July = period 1): 1600 kW * 7.5 = 12000.00 (no history: no ratchet)
    //   TOU demand d1 (12:00-18:00 weekdays): 1600 kW * 3.25 = 5200.00; d0: 0 kW
    // Minimum 20.00 is exceeded. Total 12.00 + 34.10 + 18.00 + 12000.00 + 0 + 5200.00 = 17264.10.
    LocalDate july = LocalDate.of(2025, 7, 1);
    IntervalUsage usage = new Loads().atLocal(LA, july.plusDays(1).atTime(13, 0), 400_000).usage();
    RatingResult r = TariffEngine.rate(tariff, RatingInput.fullPeriod(LA, july, july.plusMonths(1), Set.of(), usage, "USD"));
    assertEquals(List.of(1200L, 3410L, 1800L, 1200000L, 0L, 520000L), r.lines().stream().map(ChargeLine::amountMinor).toList());
    assertEquals(1726410, r.totalMinor());
    JsonObject flat = tariff.toJson().getJsonArray("components").getJsonObject(3);
    assertEquals(new JsonObject().put("percent", "80").put("months", 11), flat.getJsonObject("ratchet"));
  }

  @Test
  @DisplayName("what our model cannot express is refused with the URDB field, never dropped")
  void unsupported() {
    JsonObject annualMinimum = new JsonObject().put("energyratestructure", new io.vertx.core.json.JsonArray("[[{\"rate\": 0.1}]]"))
      .put("mincharge", 100).put("minchargeunits", "$/year");
    var e = assertThrows(UrdbImporter.UnsupportedRecord.class, () -> UrdbImporter.convert(annualMinimum, "USD", LA));
    assertEquals("/minchargeunits", e.field());
    JsonObject coincident = annualMinimum.copy().put("minchargeunits", "$/month")
      .put("coincidentratestructure", new io.vertx.core.json.JsonArray());
    assertEquals("/coincidentratestructure", assertThrows(UrdbImporter.UnsupportedRecord.class,
      () -> UrdbImporter.convert(coincident, "USD", LA)).field());
    assertEquals("currency-mismatch", assertThrows(UrdbImporter.UnsupportedRecord.class,
      () -> UrdbImporter.convert(annualMinimum, "EUR", LA)).slug());
  }

  static String zeros(int n) {
    return "[" + String.join(",", java.util.Collections.nCopies(n, "0")) + "]";
  }
}
