package io.gridledger.ingest;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The streaming fast path gives exactly what the tree parser gives, or steps aside. */
class StreamingBatchParserTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  @Test
  void goodBatchesParseAsTheTreeParserParsesThem() {
    List<String> batches = List.of(
      "{\"gateway\":\"gw-1\",\"readings\":[{\"meter\":\"M1\",\"register\":\"energy_active_import\","
        + "\"ts\":\"2026-01-01T00:00:00Z\",\"value\":1.5,\"unit\":\"kWh\"}]}",
      "{\"readings\":[{\"meter\":\"M1\",\"register\":\"r\",\"ts\":\"2026-02-28T23:59:59.123456789Z\",\"value\":12,"
        + "\"unit\":\"Wh\",\"quality\":\"uncertain\",\"extra\":{\"a\":[1,2]}},"
        + "{\"unit\":\"kWh\",\"value\":1e3,\"ts\":\"2024-02-29T10:15:00.5Z\",\"register\":\"r\",\"meter\":\"M2\",\"quality\":\"good\"},"
        + "{\"meter\":\"M3\",\"register\":\"r\",\"ts\":\"2026-01-01T00:00:00+01:00\",\"value\":123456789012345678901234,\"unit\":\"kWh\"}],"
        + "\"other\":[1]}",
      "{\"gateway\":\"gw\",\"readings\":[]}");
    for (String json : batches) {
      ReadingBatchParser.Parsed fast = StreamingBatchParser.tryParse(Buffer.buffer(json), NOW);
      assertNotNull(fast, json);
      assertEquals(ReadingBatchParser.parseTree(Buffer.buffer(json), NOW), fast, json);
    }
  }

  @Test
  void anythingDoubtfulIsLeftToTheTreeParser() {
    List<String> batches = List.of(
      "not json",
      "[1]",
      "{\"readings\":{}}",
      "{\"gateway\":7,\"readings\":[]}",
      "{\"readings\":[1]}",
      "{\"readings\":[{\"meter\":\"\",\"register\":\"r\",\"ts\":\"2026-01-01T00:00:00Z\",\"value\":1,\"unit\":\"kWh\"}]}",
      "{\"readings\":[{\"meter\":\"M\",\"register\":\"r\",\"ts\":\"2026-01-01T00:00:00Z\",\"value\":\"1\",\"unit\":\"kWh\"}]}",
      "{\"readings\":[{\"meter\":\"M\",\"register\":\"r\",\"ts\":\"2026-13-01T00:00:00Z\",\"value\":1,\"unit\":\"kWh\"}]}",
      "{\"readings\":[{\"meter\":\"M\",\"register\":\"r\",\"ts\":\"2026-02-30T00:00:00Z\",\"value\":1,\"unit\":\"kWh\"}]}",
      "{\"readings\":[{\"meter\":\"M\",\"register\":\"r\",\"ts\":\"2030-01-01T00:00:00Z\",\"value\":1,\"unit\":\"kWh\"}]}",
      "{\"readings\":[{\"meter\":\"M\",\"register\":\"r\",\"ts\":\"2026-01-01T00:00:00Z\",\"value\":1}]}",
      "{\"readings\":[{\"meter\":\"M\",\"register\":\"r\",\"ts\":\"2026-01-01T00:00:00Z\",\"value\":1,\"unit\":\"kWh\","
        + "\"quality\":3}]}",
      "{\"readings\":[],\"readings\":[]}",
      "{\"readings\":[]} trailing");
    for (String json : batches) {
      assertNull(StreamingBatchParser.tryParse(Buffer.buffer(json), NOW), json);
    }
  }

  @Test
  void timestampsAreReadAsInstantParseReadsThem() {
    List<String> good = List.of("2026-01-01T00:00:00Z", "1999-12-31T23:59:59.9Z", "2026-03-29T01:00:00.000001Z",
      "2000-02-29T12:34:56.123456789Z", "2026-06-30T23:59:60Z", "0001-01-01T00:00:00Z", "2026-01-01T00:00:00+02:00");
    for (String s : good) {
      assertEquals(Instant.parse(s), StreamingBatchParser.instant(s), s);
    }
    for (String s : List.of("2026-01-01T24:00:00Z", "2026-1-01T00:00:00Z", "2026-01-01T00:00:00.Z",
      "2026-01-01T00:00:00.1234567890Z", "2026-01-01 00:00:00Z", "2025-02-29T00:00:00Z")) {
      Instant expected;
      try {
        expected = Instant.parse(s);
      } catch (DateTimeParseException e) {
        expected = null;
      }
      assertEquals(expected, StreamingBatchParser.instant(s), s);
    }
  }
}
