package io.gridledger.testsupport;

import io.gridledger.testsupport.ContractHttp.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Metering through the public API for integration tests: sites with fresh meters, reading batches, readings,
 * consumption series and alarms, and bounded waiting for what metering derives asynchronously after a commit.
 * Every response goes through {@link ContractHttp}, so it is also checked against the contract.
 */
public final class MeteringProbe {

  public static final String REGISTER = "energy_active_import";
  /** Bounded waits: 300 polls of 50 ms. A wait that runs out returns what it last saw; the caller asserts on it. */
  private static final int POLLS = 300;
  private static final long POLL_MS = 50;

  private final TestBackend backend;
  private final ContractHttp http;
  private final String token;
  private int sites;

  public MeteringProbe(TestBackend backend, ContractHttp http, String token) {
    this.backend = backend;
    this.http = http;
    this.token = token;
  }

  public ContractHttp http() {
    return http;
  }

  public String token() {
    return token;
  }

  /** A kWh meter on {@link #REGISTER}, bound to MQTT gateway gw-1; {@code register} extras (maxValue) merged in. */
  public static JsonObject meter(String serial, double multiplier, JsonObject register) {
    JsonObject reg = new JsonObject().put("name", REGISTER).put("unit", "kWh").mergeIn(register);
    return new JsonObject().put("serial", serial).put("kind", "electricity").put("multiplier", multiplier)
      .put("registers", new JsonArray().add(reg))
      .put("binding", new JsonObject().put("protocol", "mqtt").put("gateway", "gw-1"));
  }

  public static JsonObject meter(String serial) {
    return meter(serial, 1, new JsonObject());
  }

  /** Imports a site of its own (the TwoSites document with these meters instead); returns siteId and meter ids by serial. */
  public Map<String, UUID> importSite(String zone, JsonObject... meters) {
    String prefix = "p" + (++sites);
    JsonObject doc = TwoSites.document("Metering site " + UUID.randomUUID(), zone, prefix);
    doc.put("meters", new JsonArray(List.of((Object[]) meters)));
    Response r = http.call("importSite", "POST", "/sites/import", token, doc);
    assertEquals(201, r.status(), r::text);
    Map<String, UUID> ids = new HashMap<>();
    UUID siteId = UUID.fromString(r.json().getJsonObject("site").getString("id"));
    ids.put("site", siteId);
    for (Object row : backend.rows("SELECT id, serial FROM meter WHERE site_id = '" + siteId + "'")) {
      ids.put(((JsonObject) row).getString("serial"), UUID.fromString(((JsonObject) row).getString("id")));
    }
    return ids;
  }

  public static JsonObject reading(String serial, String ts, Object value) {
    return reading(serial, REGISTER, ts, value, "kWh");
  }

  public static JsonObject reading(String serial, String register, String ts, Object value, String unit) {
    return new JsonObject().put("meter", serial).put("register", register).put("ts", ts).put("value", value)
      .put("unit", unit);
  }

  /** POST /readings; asserts 202 and returns the outcome. */
  public JsonObject post(List<JsonObject> readings) {
    Response r = http.call("ingestReadings", "POST", "/readings", token,
      new JsonObject().put("readings", new JsonArray(new ArrayList<Object>(readings))));
    assertEquals(202, r.status(), r::text);
    return r.json();
  }

  public static JsonObject outcome(int received, int stored, int duplicates, int rejected) {
    return new JsonObject().put("received", received).put("stored", stored).put("duplicates", duplicates)
      .put("rejected", rejected);
  }

  /** Every raw reading of the meter (one page of up to 500), newest first. */
  public JsonArray readings(UUID meterId) {
    Response r = http.call("listMeterReadings", "GET", "/meters/" + meterId + "/readings?limit=500", token, null);
    assertEquals(200, r.status(), r::text);
    return r.json().getJsonArray("items");
  }

  /** The reading at {@code ts}, or null. */
  public JsonObject readingAt(UUID meterId, String ts) {
    for (Object o : readings(meterId)) {
      if (instant(((JsonObject) o).getString("ts")).equals(instant(ts))) {
        return (JsonObject) o;
      }
    }
    return null;
  }

  /** A timestamp as the API writes it ("...Z" or "...+00:00"). */
  public static Instant instant(String timestamp) {
    return java.time.OffsetDateTime.parse(timestamp).toInstant();
  }

  public JsonObject consumption(UUID meterId, String interval, String from, String to) {
    Response r = http.call("getMeterConsumption", "GET", "/meters/" + meterId + "/consumption?interval=" + interval
      + "&from=" + from + "&to=" + to, token, null);
    assertEquals(200, r.status(), r::text);
    return r.json();
  }

  /**
   * A series as one line per bucket, "start consumption quality intervals", e.g. "2026-11-02T10:00:00Z 1.5 actual 1":
   * equal lines mean bit-identical consumption doubles, and a failing assertEquals shows the whole difference.
   */
  public static List<String> lines(JsonObject series) {
    List<String> out = new ArrayList<>();
    for (Object o : series.getJsonArray("items")) {
      JsonObject b = (JsonObject) o;
      out.add(instant(b.getString("start")) + " " + b.getDouble("consumption") + " " + b.getString("quality")
        + " " + b.getInteger("intervals"));
    }
    return out;
  }

  /** Polls the series until its lines equal {@code expected} (bounded); returns the last lines seen. */
  public List<String> awaitLines(UUID meterId, String interval, String from, String to, List<String> expected) {
    return poll(() -> lines(consumption(meterId, interval, from, to)), expected::equals);
  }

  /** The first alarm of this kind on the meter, waiting for it (bounded); null if none came. */
  public JsonObject awaitAlarm(UUID meterId, String kind) {
    JsonArray items = poll(() -> http.call("listAlarms", "GET", "/alarms?kind=" + kind + "&meterId=" + meterId, token,
      null).json().getJsonArray("items"), list -> !list.isEmpty());
    return items.isEmpty() ? null : items.getJsonObject(0);
  }

  /**
   * Waits (bounded) until the metering verticle has no rebuild waiting or running, seen on five polls in a row so
   * a recompute request still travelling on the event bus is not missed. Used to let out-of-order batches arrive
   * one after another, as they do in the field.
   */
  public void settle() {
    settle(backend.app());
  }

  public static void settle(io.gridledger.Application app) {
    int quiet = 0;
    for (int i = 0; i < POLLS && quiet < 5; i++) {
      quiet = app.meteringBacklog().await() == 0 ? quiet + 1 : 0;
      sleep(POLL_MS);
    }
  }

  /** Calls {@code probe} until {@code done} accepts its value or the polls run out; returns the last value. */
  public static <T> T poll(Supplier<T> probe, Predicate<T> done) {
    T last = probe.get();
    for (int i = 0; i < POLLS && !done.test(last); i++) {
      sleep(POLL_MS);
      last = probe.get();
    }
    return last;
  }

  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
