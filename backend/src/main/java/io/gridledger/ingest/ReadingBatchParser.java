package io.gridledger.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the batch format of docs/protocols.md:
 * {@code {"gateway":"gw-1","readings":[{"meter":"<serial>","register":"energy_active_import","ts":"...","value":1.5,"unit":"kWh"}]}}.
 * A bad element is rejected on its own; the good elements of the same batch are kept. Payloads that are not such a
 * document at all are rejected whole. Batches without a bad element take a faster path ({@link StreamingBatchParser})
 * to the same result.
 */
public final class ReadingBatchParser {

  /** Readings stamped further ahead than this are a clock fault, not data. */
  public static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);
  public static final int MAX_READINGS_PER_BATCH = 10_000;
  /** Kept whole up to this size, so a rejected batch can be inspected and replayed. */
  private static final int MAX_PAYLOAD_ECHO_CHARS = 256 * 1024;

  /** The result: what can go on, what goes to the dead-letter store, and the gateway named in the batch. */
  public record Parsed(String gateway, List<IncomingReading> readings, List<Rejection> rejections) {
  }

  private ReadingBatchParser() {
  }

  public static Parsed parse(Buffer payload, Instant now) {
    Parsed allGood = StreamingBatchParser.tryParse(payload, now);
    return allGood != null ? allGood : parseTree(payload, now);
  }

  /** Parses into a JSON tree first: slower, but it is what decides and describes each rejection. */
  static Parsed parseTree(Buffer payload, Instant now) {
    JsonObject batch;
    try {
      Object decoded = io.vertx.core.json.Json.decodeValue(payload);
      if (!(decoded instanceof JsonObject)) {
        return whole(payload, "payload is not a JSON object");
      }
      batch = (JsonObject) decoded;
    } catch (DecodeException e) {
      return whole(payload, "malformed JSON");
    }
    Object readings = batch.getValue("readings");
    if (!(readings instanceof JsonArray)) {
      return whole(payload, "missing 'readings' array");
    }
    JsonArray list = (JsonArray) readings;
    if (list.size() > MAX_READINGS_PER_BATCH) {
      return whole(payload, "more than " + MAX_READINGS_PER_BATCH + " readings in one batch");
    }
    String gateway = batch.getValue("gateway") instanceof String ? batch.getString("gateway") : null;
    List<IncomingReading> good = new ArrayList<>(list.size());
    List<Rejection> bad = new ArrayList<>();
    for (Object element : list) {
      parseElement(element, now, good, bad);
    }
    return new Parsed(gateway, good, bad);
  }

  private static void parseElement(Object element, Instant now, List<IncomingReading> good, List<Rejection> bad) {
    if (!(element instanceof JsonObject)) {
      bad.add(new Rejection(null, null, "reading is not a JSON object", echo(String.valueOf(element))));
      return;
    }
    JsonObject r = (JsonObject) element;
    String serial = r.getValue("meter") instanceof String ? r.getString("meter") : null;
    String register = r.getValue("register") instanceof String ? r.getString("register") : null;
    String problem = null;
    Instant ts = null;
    double value = Double.NaN;
    if (serial == null || serial.isBlank()) {
      problem = "missing 'meter' serial";
    } else if (register == null || register.isBlank()) {
      problem = "missing 'register'";
    } else if (!(r.getValue("ts") instanceof String)) {
      problem = "missing 'ts'";
    } else if (!(r.getValue("value") instanceof Number)) {
      problem = "'value' is not a number (NaN and Infinity are not JSON numbers)";
    } else if (!(r.getValue("unit") instanceof String)) {
      problem = "missing 'unit'";
    } else {
      try {
        ts = Instant.parse(r.getString("ts"));
        value = r.getNumber("value").doubleValue();
      } catch (DateTimeParseException e) {
        problem = "'ts' is not an ISO-8601 UTC timestamp";
      }
    }
    if (problem == null && !Double.isFinite(value)) {
      problem = "'value' is not finite";
    }
    if (problem == null && ts.isAfter(now.plus(MAX_FUTURE_SKEW))) {
      problem = "'ts' is in the future (" + ts + ")";
    }
    if (problem != null) {
      bad.add(new Rejection(serial, register, problem, echo(r.encode())));
      return;
    }
    String quality = r.getValue("quality") instanceof String ? r.getString("quality") : "good";
    good.add(new IncomingReading(serial, register, ts, value, r.getString("unit"),
      "uncertain".equals(quality) ? "uncertain" : "good"));
  }

  private static Parsed whole(Buffer payload, String reason) {
    return new Parsed(null, List.of(), List.of(new Rejection(null, null, reason, echo(payload.toString()))));
  }

  static String echo(String payload) {
    return payload.length() <= MAX_PAYLOAD_ECHO_CHARS ? payload : payload.substring(0, MAX_PAYLOAD_ECHO_CHARS) + "…";
  }
}
