package io.gridledger.billing;

import io.gridledger.allocation.TenantUsage;
import io.gridledger.allocation.UsageSource;
import io.gridledger.tariff.IntervalUsage;
import io.gridledger.tariff.PeakDemand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The invoice fingerprint hashes the usage text, so the hand-written writer must give exactly what the JsonObject tree
 * it replaced gave through {@code encode()}: otherwise every invoice stored before would look changed to the next run
 * and be credited and rebilled.
 */
@DisplayName("Usage JSON is written byte for byte as the JsonObject tree encoded it")
class UsageJsonTest {

  private static final String[] AWKWARD = {"plain", "", "quote \" and \\ backslash", "slash / and tab \t",
    "line\nbreak\r", "control \u0001 \u001f \u007f", "Zählerstand é ñ 電", "emoji \uD83D\uDD0C", "</script>"};
  private static final Double[] READS = {null, 0.0, -0.0, 12345.678, 1.0E7, 1.0E-5, -3.5, 0.1 + 0.2, Double.MAX_VALUE,
    Double.MIN_VALUE, 987654321.125, Double.NaN, Double.POSITIVE_INFINITY};

  @Test
  @DisplayName("random usages with awkward text, null fields, extreme reads and empty lists")
  void sameTextAsTheTree() {
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      UsageJson written = new UsageJson();
      JsonArray tree = new JsonArray();
      int utilities = random.nextInt(3);
      for (int u = 0; u < utilities; u++) {
        TenantUsage usage = usage(random);
        List<PeakDemand> peaks = new ArrayList<>();
        for (int p = random.nextInt(3); p > 0; p--) {
          peaks.add(new PeakDemand(YearMonth.of(2026, 1 + random.nextInt(12)),
            random.nextBoolean() ? null : pick(random, AWKWARD),
            new BigDecimal(random.nextInt(2_000_000) - 1_000_000).movePointLeft(random.nextInt(5))));
        }
        long[] daily = new long[random.nextInt(32)];
        for (int d = 0; d < daily.length; d++) {
          daily[d] = random.nextLong() >> random.nextInt(64);
        }
        written.add(usage, peaks, daily);
        tree.add(asTree(usage, peaks, daily));
      }
      assertEquals(tree.encode(), written.encode(), "round " + round);
    }
  }

  @Test
  @DisplayName("net amounts by utility as the JsonObject of the map")
  void numbersByName() {
    Map<String, Long> net = new TreeMap<>(Map.of("electricity", 123_456L, "water", -5L, "gas \"x\"", 0L,
      "heat", Long.MIN_VALUE, "cooling", Long.MAX_VALUE));
    JsonObject tree = new JsonObject();
    net.forEach(tree::put);
    assertEquals(tree.encode(), UsageJson.numbersByName(net));
    assertEquals(new JsonObject().encode(), UsageJson.numbersByName(Map.of()));
  }

  private static TenantUsage usage(Random random) {
    List<UsageSource> sources = new ArrayList<>();
    for (int s = random.nextInt(4); s > 0; s--) {
      sources.add(new UsageSource(random.nextBoolean() ? UUID.randomUUID() : null,
        random.nextBoolean() ? pick(random, AWKWARD) : null, pick(random, AWKWARD),
        random.nextBoolean() ? UUID.randomUUID() : null, random.nextBoolean() ? "direct" : pick(random, AWKWARD),
        random.nextLong(), random.nextInt(), pick(random, READS), pick(random, READS), random.nextBoolean()));
    }
    long[] quantities = new long[random.nextInt(5)];
    long[] starts = new long[quantities.length];
    for (int i = 0; i < quantities.length; i++) {
      starts[i] = 1_767_222_000L + 900L * i;
      quantities[i] = random.nextInt(1_000_000) - 1_000;
    }
    LocalDate start = LocalDate.of(2026, 1, 1).plusDays(random.nextInt(28));
    return new TenantUsage(UUID.randomUUID(), pick(random, AWKWARD), pick(random, AWKWARD), start,
      start.plusDays(1 + random.nextInt(3)), new IntervalUsage(900, starts, quantities), random.nextBoolean(), sources);
  }

  /** What TenantRater built before UsageJson, field for field. */
  private static JsonObject asTree(TenantUsage usage, Iterable<PeakDemand> peaks, long[] daily) {
    JsonArray sources = new JsonArray();
    for (UsageSource s : usage.sources()) {
      sources.add(new JsonObject().put("meterId", s.meterId() == null ? null : s.meterId().toString())
        .put("meterSerial", s.meterSerial()).put("register", s.register())
        .put("ruleId", s.ruleId() == null ? null : s.ruleId().toString()).put("ruleKind", s.ruleKind())
        .put("shareMilli", s.shareMilli()).put("meteredMilli", s.meteredMilli())
        .put("openingRead", s.openingRead()).put("closingRead", s.closingRead()).put("estimated", s.estimated()));
    }
    JsonArray peakJson = new JsonArray();
    for (PeakDemand p : peaks) {
      peakJson.add(new JsonObject().put("month", p.month().toString()).put("touPeriod", p.touPeriod())
        .put("kw", p.kw().toPlainString()));
    }
    JsonArray dailyJson = new JsonArray();
    for (long d : daily) {
      dailyJson.add(d);
    }
    return new JsonObject().put("utility", usage.utility()).put("unit", usage.unit())
      .put("serviceStart", usage.serviceStart().toString()).put("serviceEnd", usage.serviceEnd().toString())
      .put("totalMilli", usage.totalMilli()).put("estimated", usage.estimated()).put("sources", sources)
      .put("dailyMilli", dailyJson).put("peaks", peakJson);
  }

  private static <T> T pick(Random random, T[] values) {
    return values[random.nextInt(values.length)];
  }
}
