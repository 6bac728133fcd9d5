package io.gridledger.ingest;

import io.gridledger.Application;
import io.gridledger.config.GridledgerConfig;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.MeteringProbe;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TestDatabase;
import io.gridledger.testsupport.TwoSites;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.gridledger.testsupport.MeteringProbe.reading;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Durability across a crash. A gateway streams QoS 1 batches; the backend dies in the middle of the stream; a new
 * backend starts on the same database. Every batch that was acknowledged must be stored, each reading exactly once,
 * also after the gateway resends what it has no PUBACK for; and the intervals rebuilt after the restart must agree
 * with the stored readings, including intervals whose derivation the crash lost.
 */
@DisplayName("Crash recovery")
class CrashRecoveryTest {

  /** Batch i holds A-M1 and A-M2 at START + 15 min x i, value 1000 + 0.5 i: a steady 0.5 kWh per interval. */
  private static final int BATCHES = 2000;
  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  private static final int INFLIGHT = 50;

  private static Instant ts(int i) {
    return START.plus(Duration.ofMinutes(15L * i));
  }

  private static double value(int i) {
    return 1000 + 0.5 * i;
  }

  private static String batch(int i) {
    return new JsonObject().put("gateway", "gw-1").put("readings", new JsonArray()
      .add(reading("A-M1", ts(i).toString(), value(i))).add(reading("A-M2", ts(i).toString(), value(i)))).encode();
  }

  /** A gateway: publishes batches with QoS 1, at most {@link #INFLIGHT} unacknowledged, and records the PUBACKs. */
  private static final class Gateway {
    final MqttClient client;
    final Map<Integer, Integer> batchOfPacket = new ConcurrentHashMap<>();
    final Set<Integer> ackedPackets = ConcurrentHashMap.newKeySet();
    final Semaphore window = new Semaphore(INFLIGHT);
    final AtomicBoolean closed = new AtomicBoolean();

    Gateway(Vertx vertx, int port, String key) {
      client = MqttClient.create(vertx, new MqttClientOptions().setClientId("gw-1").setUsername("gw-1").setPassword(key)
        .setMaxInflightQueue(INFLIGHT));
      client.publishCompletionHandler(id -> {
        ackedPackets.add(id);
        window.release();
      });
      client.closeHandler(v -> closed.set(true));
      client.connect(port, "127.0.0.1").await();
    }

    /** Publishes the batches in order until all are out or the connection drops. */
    void publish(List<Integer> batches) {
      for (int i : batches) {
        try {
          while (!window.tryAcquire(50, TimeUnit.MILLISECONDS)) {
            if (closed.get()) {
              return;
            }
          }
          batchOfPacket.put(client.publish("gridledger/gateways/gw-1/readings", Buffer.buffer(batch(i)),
            MqttQoS.AT_LEAST_ONCE, false, false).await(), i);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (RuntimeException e) {
          return;   // the connection went away mid-publish
        }
      }
    }

    Set<Integer> ackedBatches() {
      Set<Integer> out = new java.util.TreeSet<>();
      batchOfPacket.forEach((packet, batch) -> {
        if (ackedPackets.contains(packet)) {
          out.add(batch);
        }
      });
      return out;
    }
  }

  @Test
  @DisplayName("every acknowledged reading survives a crash exactly once, and intervals are rebuilt consistently after restart")
  void acknowledgedReadingsSurviveACrash() throws Exception {
    TestBackend first = TestBackend.start();
    String dbUrl = first.dbUrl();
    Vertx gatewayVertx = Vertx.vertx();
    Vertx secondVertx = Vertx.vertx();
    Application second = null;
    try {
      TwoSites sites = TwoSites.create(first);
      UUID m1 = sites.a.get("meter1");
      UUID m2 = sites.a.get("meter2");
      String admin = first.login(TestBackend.ADMIN);
      String key = ContractHttp.of(first).call("createApiKey", "POST", "/api-keys", admin, new JsonObject()
        .put("name", "gw-1").put("siteIds", new JsonArray().add(sites.a.get("site").toString()))).json().getString("key");

      // Stream all batches; once 300 are acknowledged, kill the backend under the stream (its Vert.x, pool and MQTT
      // endpoint go at once; TestBackend.close() is not used: it would drop the database).
      Gateway gateway = new Gateway(gatewayVertx, first.mqttPort(), key);
      List<Integer> all = java.util.stream.IntStream.range(0, BATCHES).boxed().toList();
      Thread publisher = new Thread(() -> gateway.publish(all), "gateway-publisher");
      publisher.start();
      MeteringProbe.poll(() -> gateway.ackedPackets.size(), n -> n >= 300);
      first.vertx().close().await();
      publisher.join(30_000);
      assertFalse(publisher.isAlive(), "the gateway noticed the lost connection");
      Set<Integer> acked = gateway.ackedBatches();
      assertTrue(acked.size() >= 300, "acknowledged before the crash: " + acked.size());
      // The point is a crash mid-stream: batches were still unacknowledged when the backend died.
      Assumptions.assumeTrue(acked.size() < BATCHES, "the stream ended before the crash");

      // The worst moment to die: readings committed, their intervals not derived yet. Simulated for A-M2 by
      // removing its intervals; A-M1 keeps what the first backend derived.
      try (Connection c = DriverManager.getConnection(TestDatabase.jdbc(dbUrl)); Statement s = c.createStatement()) {
        s.executeUpdate("DELETE FROM interval_consumption WHERE meter_id = '" + m2 + "'");
      }

      JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
        .put("db", new JsonObject().put("url", dbUrl).put("poolSize", 4))
        .put("mqtt", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
        .put("auth", new JsonObject().put("passwordHashIterations", 1000))
        .put("log", new JsonObject().put("format", "text"));
      second = new Application(secondVertx, GridledgerConfig.of(config)).start().await();
      Application app = second;

      for (UUID meter : List.of(m1, m2)) {
        Map<Instant, Double> stored = storedReadings(app, meter);
        for (int i : acked) {
          assertEquals(value(i), stored.get(ts(i)), "acknowledged batch " + i + " of meter " + meter);
        }
        stored.forEach((t, v) -> assertEquals(value((int) (Duration.between(START, t).toMinutes() / 15)), v,
          "a stored reading is one that was sent"));
        assertIntervalsMatchReadings(app, meter, stored);
      }

      // The gateway resends every batch it has no PUBACK for, and (a PUBACK may be lost) the last 20 acknowledged.
      Gateway again = new Gateway(gatewayVertx, second.mqttPort(), key);
      List<Integer> resend = all.stream().filter(i -> !acked.contains(i) || i >= maxOf(acked) - 20).toList();
      again.publish(resend);
      assertEquals(resend.size(), MeteringProbe.poll(() -> again.ackedPackets.size(), n -> n >= resend.size()),
        "every resent batch acknowledged");
      // Now exactly one reading per batch and meter: 2000 each, none twice; intervals 1999 x 0.5 = 999.5 kWh.
      for (UUID meter : List.of(m1, m2)) {
        Map<Instant, Double> stored = storedReadings(app, meter);
        assertEquals(BATCHES, stored.size());
        assertIntervalsMatchReadings(app, meter, stored);
      }
    } finally {
      gatewayVertx.close().await();
      if (second != null) {
        second.stop().await();
      }
      secondVertx.close().await();
      TestDatabase.drop(dbUrl);
    }
  }

  private static int maxOf(Set<Integer> batches) {
    return batches.stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /** The meter's readings by ts, asserting that no (meter, register, ts) is stored twice. */
  private static Map<Instant, Double> storedReadings(Application app, UUID meter) {
    Map<Instant, Double> stored = new TreeMap<>();
    for (Row row : app.pool().preparedQuery("SELECT ts, value, count(*) OVER (PARTITION BY register, ts) AS copies "
        + "FROM reading WHERE meter_id = $1").execute(Tuple.of(meter)).await()) {
      assertEquals(1L, row.getLong("copies"), "copies of one reading");
      stored.put(row.getOffsetDateTime("ts").toInstant(), row.getDouble("value"));
    }
    return stored;
  }

  /**
   * Waits (bounded) for metering to settle, then checks the intervals against the stored readings: one interval per
   * quarter hour from the first reading to the last (readings sit on quarter hours), none negative, and their sum is
   * last - first (a steady series: exactly 0.5 per interval; a hole would be bridged linearly, so the sum stays
   * last - first up to rounding of the interpolation).
   */
  private static void assertIntervalsMatchReadings(Application app, UUID meter, Map<Instant, Double> stored) {
    Instant firstTs = ((TreeMap<Instant, Double>) stored).firstKey();
    Instant lastTs = ((TreeMap<Instant, Double>) stored).lastKey();
    long expectedCount = Duration.between(firstTs, lastTs).toMinutes() / 15;
    double expectedSum = stored.get(lastTs) - stored.get(firstTs);
    MeteringProbe.settle(app);
    Map<String, Object> seen = MeteringProbe.poll(() -> intervalStats(app, meter),
      s -> s.get("count").equals(expectedCount) && Math.abs((double) s.get("sum") - expectedSum) < 1e-9);
    assertEquals(expectedCount, seen.get("count"), () -> "intervals of " + meter + ": " + seen);
    assertEquals(expectedSum, (double) seen.get("sum"), 1e-9, () -> "sum of intervals of " + meter + ": " + seen);
    assertTrue((double) seen.get("min") >= 0, () -> "no negative interval: " + seen);
    assertEquals(firstTs, seen.get("from"));
    assertEquals(lastTs, seen.get("to"));
  }

  private static Map<String, Object> intervalStats(Application app, UUID meter) {
    Row row = app.pool().preparedQuery("SELECT count(*) AS n, coalesce(sum(consumption), 0) AS total, "
        + "coalesce(min(consumption), 0) AS low, min(interval_start) AS first_start, max(interval_end) AS last_end "
        + "FROM interval_consumption WHERE meter_id = $1").execute(Tuple.of(meter)).await().iterator().next();
    Map<String, Object> stats = new HashMap<>();
    stats.put("count", row.getLong("n"));
    stats.put("sum", row.getDouble("total"));
    stats.put("min", row.getDouble("low"));
    stats.put("from", row.getOffsetDateTime("first_start") == null ? null : row.getOffsetDateTime("first_start").toInstant());
    stats.put("to", row.getOffsetDateTime("last_end") == null ? null : row.getOffsetDateTime("last_end").toInstant());
    return stats;
  }
}
