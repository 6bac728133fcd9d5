package io.gridledger.allocation;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * allocation_day stores a hash of the site model made from each record's toString(); the hand-written text must be
 * the same, or every stored day would turn stale at once after an upgrade.
 */
@DisplayName("The site model's fingerprint text is each record's toString()")
class SiteModelFingerprintTest {

  @Test
  @DisplayName("meters, units and occupancies with and without nulls, and a rule, describe themselves as toString()")
  void describeIsToString() {
    Random random = new Random(7);
    for (int i = 0; i < 300; i++) {
      Map<String, String> registers = new TreeMap<>();
      for (int r = random.nextInt(4); r > 0; r--) {
        registers.put("register_" + random.nextInt(10), random.nextBoolean() ? "kWh" : "m3");
      }
      List<Object> items = List.of(
        new SiteModel.Meter(UUID.randomUUID(), random.nextBoolean() ? "E-" + i : null, random.nextBoolean() ? "electricity" : "heat",
          random.nextBoolean() ? "unit" : null, maybe(random), maybe(random), maybe(random), maybe(random), registers),
        new SiteModel.Unit(UUID.randomUUID(), maybe(random), maybe(random), random.nextLong(), random.nextInt(50),
          random.nextBoolean()),
        new SiteModel.Occupancy(UUID.randomUUID(), maybe(random), LocalDate.of(2026, 1, 1).plusDays(random.nextInt(400)),
          random.nextBoolean() ? null : LocalDate.of(2027, 1, 1).minusDays(random.nextInt(400))),
        new SiteModel.Rule(UUID.randomUUID(), maybe(random), "area", new JsonObject().put("units", List.of("a", "b")),
          LocalDate.of(2026, 1, 1)));
      for (Object item : items) {
        assertEquals(item.toString(), SiteModel.describe(new StringBuilder(), item).toString());
      }
    }
  }

  private static UUID maybe(Random random) {
    return random.nextBoolean() ? UUID.randomUUID() : null;
  }
}
