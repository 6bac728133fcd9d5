package io.gridledger.tariff;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("Tariff documents are validated with the JSON pointer of the bad field, and rate safely in parallel")
class TariffDocumentTest {

  static final String VALID = """
    {"utility": "electricity", "unit": "kWh", "currency": "EUR",
     "schedules": [{"id": "tou", "periods": ["peak", "offpeak"], "defaultPeriod": "offpeak",
       "seasons": [{"id": "summer", "from": "04-01", "to": "09-30"}, {"id": "winter", "from": "10-01", "to": "03-31"}],
       "windows": [{"period": "peak", "seasons": ["summer"], "dayTypes": ["weekday"], "from": "08:00", "to": "20:00"}]}],
     "components": [{"id": "energy", "kind": "energy", "rates": {"peak": 0.31, "offpeak": "0.22"}},
                    {"id": "vat", "kind": "tax", "percent": "19"}]}""";

  static String pointerOf(JsonObject doc) {
    return assertThrows(TariffValidationException.class, () -> TariffDocument.parse(doc)).field();
  }

  static JsonObject valid() {
    return new JsonObject(VALID);
  }

  @Test
  @DisplayName("a valid document parses, and stores its decimals as strings")
  void validDocument() {
    TariffDocument t = TariffDocument.parse(valid());
    assertEquals("electricity", t.utility());
    assertEquals("kWh", t.unit());
    assertEquals("0.31", t.toJson().getJsonArray("components").getJsonObject(0).getJsonObject("rates").getValue("peak"));
    assertEquals(t.toJson(), TariffDocument.parse(t.toJson()).toJson(), "parsing is idempotent");
  }

  @Test
  @DisplayName("each broken field is named by its JSON pointer")
  void pointers() {
    assertEquals("/utility", pointerOf(valid().put("utility", "steam")));
    assertEquals("/unit", pointerOf(valid().put("unit", "m3")));
    assertEquals("/currency", pointerOf(valid().put("currency", "EURO")));
    assertEquals("/colour", pointerOf(valid().put("colour", "red")));
    JsonObject badRate = valid();
    badRate.getJsonArray("components").getJsonObject(0).getJsonObject("rates").put("peak", "cheap");
    assertEquals("/components/0/rates/peak", pointerOf(badRate));
    JsonObject unknownPeriod = valid();
    unknownPeriod.getJsonArray("components").getJsonObject(0).getJsonObject("rates").put("shoulder", "0.25");
    assertEquals("/components/0/rates/shoulder", pointerOf(unknownPeriod));
    JsonObject badWindow = valid();
    badWindow.getJsonArray("schedules").getJsonObject(0).getJsonArray("windows").getJsonObject(0).put("from", "25:00");
    assertEquals("/schedules/0/windows/0/from", pointerOf(badWindow));
    JsonObject gapInSeasons = valid();
    gapInSeasons.getJsonArray("schedules").getJsonObject(0).getJsonArray("seasons").getJsonObject(1).put("from", "10-02");
    assertEquals("/schedules/0/seasons", pointerOf(gapInSeasons));
    JsonObject taxOnUnknown = valid();
    taxOnUnknown.getJsonArray("components").getJsonObject(1).put("appliesTo", new io.vertx.core.json.JsonArray().add("demand"));
    assertEquals("/components/1/appliesTo/0", pointerOf(taxOnUnknown));
  }

  @Test
  @DisplayName("overlapping windows, decreasing tiers and a ratchet above 100% are refused")
  void modelRules() {
    JsonObject overlap = valid();
    overlap.getJsonArray("schedules").getJsonObject(0).getJsonArray("windows").add(new JsonObject()
      .put("period", "offpeak").put("from", "19:00").put("to", "21:00").put("seasons", new io.vertx.core.json.JsonArray().add("summer")));
    assertEquals("/schedules/0/windows/1", pointerOf(overlap));
    JsonObject tiers = new JsonObject("""
      {"utility": "water", "unit": "m3", "currency": "EUR", "components": [{"id": "w", "kind": "energy",
        "tiers": [{"upTo": "20", "rate": "1"}, {"upTo": "10", "rate": "2"}, {"rate": "3"}]}]}""");
    assertEquals("/components/0/tiers/1/upTo", pointerOf(tiers));
    JsonObject ratchet = new JsonObject("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR", "components": [{"id": "d", "kind": "demand",
        "rate": "10", "ratchet": {"percent": "120"}}]}""");
    assertEquals("/components/0/ratchet/percent", pointerOf(ratchet));
    JsonObject waterDemand = new JsonObject("""
      {"utility": "water", "unit": "m3", "currency": "EUR", "components": [{"id": "d", "kind": "demand", "rate": "1"}]}""");
    assertEquals("/components/0/kind", pointerOf(waterDemand));
  }

  @Test
  @DisplayName("one document rates on many threads at once with identical results")
  void threadSafe() throws Exception {
    TariffDocument t = TariffDocument.parse(valid());
    ZoneId zone = ZoneId.of("Europe/Berlin");
    IntervalUsage usage = new Loads().base(zone, LocalDate.of(2026, 6, 1), LocalDate.of(2026, 7, 1), 250).usage();
    RatingInput input = RatingInput.fullPeriod(zone, LocalDate.of(2026, 6, 1), LocalDate.of(2026, 7, 1), Set.of(),
      usage, "EUR");
    // June 2026: 22 weekdays * 48 peak intervals = 1056 * 0.25 kWh = 264 kWh * 0.31 = 81.84;
    // offpeak 2880 - 1056 = 1824 * 0.25 = 456 kWh * 0.22 = 100.32; VAT 19% of 182.16 = 34.6104 -> 34.61.
    RatingResult expected = TariffEngine.rate(t, input);
    assertEquals(List.of(8184L, 10032L, 3461L), expected.lines().stream().map(ChargeLine::amountMinor).toList());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<RatingResult>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        results.add(pool.submit(() -> TariffEngine.rate(t, input)));
      }
      for (Future<RatingResult> f : results) {
        assertEquals(expected, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(new BigDecimal("264.000"), expected.lines().get(0).quantity());
  }
}
