package io.gridledger.metering;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The event-bus address through which anything that changes raw data (new readings, a meter exchange) asks the
 * metering verticle to rebuild the intervals around it. Fire and forget: the raw data is already durable, and the
 * metering verticle catches up after a restart (see {@link IntervalService}).
 */
public final class IntervalRecompute {

  public static final String ADDRESS = "gridledger.metering.recompute";

  private IntervalRecompute() {
  }

  public static void request(Vertx vertx, UUID meterId, String register, Instant from, Instant to) {
    vertx.eventBus().send(ADDRESS, new JsonArray().add(entry(meterId, register, from, to)));
  }

  /**
   * One message per batch of new readings: the span touched per cumulative register, and per temperature register
   * (computed heat meters are derived from temperatures too; the metering verticle decides whether any must be).
   */
  public static void requestFor(Vertx vertx, List<StoredReading> inserted) {
    Map<String, Instant[]> spans = new HashMap<>();
    Map<String, StoredReading> sample = new HashMap<>();
    for (StoredReading r : inserted) {
      if (!RegisterVocabulary.isCumulative(r.register()) && !isTemperature(r.register())) {
        continue;
      }
      String key = r.meterId() + "|" + r.register();
      spans.merge(key, new Instant[] {r.ts(), r.ts()}, (a, b) -> new Instant[] {
        a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
      sample.putIfAbsent(key, r);
    }
    if (spans.isEmpty()) {
      return;
    }
    JsonArray message = new JsonArray();
    spans.forEach((key, span) -> message.add(entry(sample.get(key).meterId(), sample.get(key).register(), span[0], span[1])
      .put("deferrable", true)));
    vertx.eventBus().send(ADDRESS, message);
  }

  static boolean isTemperature(String register) {
    return RegisterVocabulary.lookup(register).map(d -> "temperature".equals(d.quantity())).orElse(false);
  }

  private static JsonObject entry(UUID meterId, String register, Instant from, Instant to) {
    return new JsonObject().put("meterId", meterId.toString()).put("register", register)
      .put("from", from.toString()).put("to", to.toString());
  }
}
