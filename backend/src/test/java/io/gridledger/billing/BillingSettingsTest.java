package io.gridledger.billing;

import io.gridledger.config.ConfigDefaults;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("billing.* settings: defaults from ConfigDefaults, nonsense refused naming the key")
class BillingSettingsTest {

  @Test
  @DisplayName("the defaults are those documented")
  void defaults() {
    BillingSettings s = BillingSettings.from(ConfigDefaults.defaults().getJsonObject("billing"));
    assertEquals(new BillingSettings(14, 250, 600, 12, 2), s);
    assertEquals(s, BillingSettings.defaults());
  }

  @Test
  @DisplayName("a value out of range or not a whole number is refused with the key in the message")
  void refused() {
    for (JsonObject bad : new JsonObject[] {new JsonObject().put("chunkTenants", 0),
      new JsonObject().put("paymentTermsDays", -1), new JsonObject().put("ratingThreads", 1.5),
      new JsonObject().put("staleRunSeconds", "soon")}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BillingSettings.from(bad));
      assertTrue(e.getMessage().startsWith("billing." + bad.fieldNames().iterator().next()), e.getMessage());
    }
  }

  @Test
  @DisplayName("a billing period is a month or explicit dates, never both, never empty, at most 366 days")
  void periods() {
    assertEquals(new BillingPeriod(java.time.LocalDate.of(2026, 2, 1), java.time.LocalDate.of(2026, 3, 1)),
      BillingPeriod.of(new JsonObject().put("period", "2026-02")));
    assertEquals(28, BillingPeriod.of(new JsonObject().put("period", "2026-02")).days());
    assertThrows(io.gridledger.api.Problem.class, () -> BillingPeriod.of(new JsonObject().put("period", "2026-02")
      .put("to", "2026-03-01")));
    assertThrows(io.gridledger.api.Problem.class, () -> BillingPeriod.of(new JsonObject().put("from", "2026-03-01")
      .put("to", "2026-03-01")));
  }
}
