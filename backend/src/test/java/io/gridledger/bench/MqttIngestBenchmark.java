package io.gridledger.bench;

import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.TestBackend;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MQTT -> backend -> durable PostgreSQL rows, measured end to end on this machine. Gateways publish QoS 1 batches
 * to the backend's gateway endpoint; a PUBACK means the readings are committed, so publish-to-PUBACK is
 * publish-to-durable. Prints readings/s, messages/s, latency percentiles and heap.
 *
 * <p>Run: {@code mvn -q -B -pl backend exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.gridledger.bench.MqttIngestBenchmark -Dexec.args="60 500 8 16"} (seconds, readings per
 * message, gateways, messages in flight per gateway). Uses the embedded PostgreSQL of the tests unless GRIDLEDGER_TEST_DB_URL names a server.
 */
public final class MqttIngestBenchmark {

  private static final int METERS_PER_GATEWAY = 250;
  private static final int IN_FLIGHT_PER_GATEWAY = 16;
  private static int inFlightPerGateway = IN_FLIGHT_PER_GATEWAY;
  private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
  /** Per gateway, the highest message sequence (data minute since BASE) it has had acknowledged. */
  private static final java.util.concurrent.atomic.AtomicLongArray maxAckedSequence =
    new java.util.concurrent.atomic.AtomicLongArray(1024);

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int readingsPerMessage = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int gateways = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : IN_FLIGHT_PER_GATEWAY;
    inFlightPerGateway = inFlight;
    for (long seq : new long[] {0, 1, 7_919}) {
      if (!batch(3, readingsPerMessage, seq).equals(batchAsTree(3, readingsPerMessage, seq))) {
        throw new AssertionError("the text-built message differs from the JSON tree's encoding (sequence " + seq + ")");
      }
    }
    // A fifth argument delays interval derivation (ms), to measure raw ingest alone.
    int rebuildDelayMs = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
    // A sixth argument sets readings per INSERT (ingest.batchSize).
    int batchSize = args.length > 5 ? Integer.parseInt(args[5]) : 5000;
    try (TestBackend backend = TestBackend.start(new JsonObject()
      .put("metering", new JsonObject().put("rebuildDelayMs", rebuildDelayMs))
      .put("ingest", new JsonObject().put("batchSize", batchSize))
      .put("db", new JsonObject().put("poolSize", 8))
      // The benchmark's clock runs ~800x real time (each message is a new minute from 2026-01-01), so to the alarm
      // sweep every meter looks offline for months: its first pass (at 60 s) raised 2,000 device_offline alarms in
      // 10 s of queries inside the measured window. Real gateways report the present; keep the sweep out of the run.
      .put("alarm", new JsonObject().put("sweepIntervalSeconds", 3600))
      .put("log", new JsonObject().put("level", "WARN")))) {
      String key = setUp(backend, gateways);
      run(backend, key, seconds, readingsPerMessage, gateways);
    }
    System.exit(0);
  }

  /** A site with {@code gateways} x METERS_PER_GATEWAY meters, each bound to its gateway; returns a gateway API key. */
  private static String setUp(TestBackend backend, int gateways) {
    ContractHttp http = ContractHttp.of(backend);
    String admin = backend.login(TestBackend.ADMIN);
    JsonArray meters = new JsonArray();
    for (int g = 0; g < gateways; g++) {
      for (int m = 0; m < METERS_PER_GATEWAY; m++) {
        meters.add(new JsonObject().put("serial", serial(g, m)).put("kind", "electricity")
          .put("registers", new JsonArray().add(new JsonObject().put("name", "energy_active_import").put("unit", "kWh")))
          .put("binding", new JsonObject().put("protocol", "mqtt").put("gateway", "bench-gw-" + g)));
      }
    }
    JsonObject doc = new JsonObject().put("site", new JsonObject().put("name", "Benchmark site")
      .put("timeZone", "Europe/Berlin").put("currency", "EUR")).put("meters", meters);
    JsonObject imported = http.call("importSite", "POST", "/sites/import", admin, doc).json();
    String siteId = imported.getJsonObject("site").getString("id");
    return http.call("createApiKey", "POST", "/api-keys", admin, new JsonObject().put("name", "bench")
      .put("siteIds", new JsonArray().add(siteId))).json().getString("key");
  }

  private static void run(TestBackend backend, String key, int seconds, int readingsPerMessage, int gateways)
    throws Exception {
    Vertx vertx = Vertx.vertx();
    AtomicLong acked = new AtomicLong();
    List<Long> latenciesMicros = java.util.Collections.synchronizedList(new ArrayList<>());
    long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(gateways);
    long[] heapSamples = new long[seconds + 10];
    long[] lagSamples = new long[seconds + 10];
    List<Map<Integer, Long>> unacknowledged = new ArrayList<>();
    for (int g = 0; g < gateways; g++) {
      unacknowledged.add(startGateway(vertx, backend.mqttPort(), key, g, readingsPerMessage, warmupEnd, end, acked,
        latenciesMicros, done));
    }
    int sample = 0;
    long measuredFrom = 0;
    while (System.nanoTime() < end) {
      Thread.sleep(1000);
      if (System.nanoTime() > warmupEnd && measuredFrom == 0) {
        measuredFrom = acked.get();
      }
      if (sample < heapSamples.length) {
        lagSamples[sample] = derivationLagMinutes(backend);
        heapSamples[sample++] = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
      }
    }
    done.await(30, TimeUnit.SECONDS);
    long publishEnd = System.nanoTime();
    // Derivation keeps up when its lag stays bounded during the run and every complete interval is derived soon after
    // the last acknowledgement (the readings of the last, incomplete quarter hour wait for the next one).
    while (derivationLagMinutes(backend) >= 15 && System.nanoTime() - publishEnd < TimeUnit.SECONDS.toNanos(120)) {
      Thread.sleep(100);
    }
    double caughtUpSeconds = (System.nanoTime() - publishEnd) / 1e9;
    long messages = acked.get() - measuredFrom;
    long[] lat = latenciesMicros.stream().mapToLong(Long::longValue).sorted().toArray();
    long stored = backend.count("reading");
    System.out.printf("mqtt ingest: gateways=%d readingsPerMessage=%d inFlightPerGateway=%d seconds=%d%n", gateways,
      readingsPerMessage, inFlightPerGateway, seconds);
    System.out.printf("  acknowledged messages/s = %.0f%n", messages / (double) seconds);
    System.out.printf("  durable readings/s      = %.0f%n", messages * (double) readingsPerMessage / seconds);
    System.out.printf("  publish-to-durable ms   p50=%.1f p95=%.1f p99=%.1f max=%.1f (n=%d)%n", pct(lat, 50), pct(lat, 95),
      pct(lat, 99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1000.0, lat.length);
    System.out.printf("  rows in reading         = %d%n", stored);
    System.out.printf("  heap used MiB per second = %s%n", Arrays.toString(Arrays.copyOf(heapSamples, sample)));
    // A batch the backend refused (or lost) is never acknowledged and holds one of its gateway's in-flight slots
    // for the rest of the run: throughput drops without an error on this side, so they are counted.
    System.out.printf("  never acknowledged      = %d messages%n", unacknowledged.stream().mapToInt(Map::size).sum());
    System.out.printf("  derivation lag per second (data minutes, newest acknowledged reading to newest interval, worst gateway)"
      + " = %s%n", Arrays.toString(Arrays.copyOf(lagSamples, sample)));
    JsonObject derived = backend.rows("SELECT count(*) AS intervals, max(interval_end)::text AS derived_to, "
      + "(SELECT max(ts) FROM reading_value)::text AS readings_to FROM interval_consumption").getJsonObject(0);
    System.out.printf("  derivation caught up %.1f s after the last acknowledgement: %s%n", caughtUpSeconds, derived.encode());
    vertx.close().await();
  }

  /**
   * How far interval derivation trails the acknowledged (durable) readings, in data minutes (the benchmark's
   * timestamps run ~1,000 times faster than the clock): per gateway, its newest acknowledged message's minute less the
   * end of the newest interval of its first meter (an index probe each, so sampling costs the database next to
   * nothing); the largest of those. Under 15 when every complete quarter hour is derived; it stays bounded when
   * derivation keeps up.
   */
  private static long derivationLagMinutes(TestBackend backend) {
    long lag = 0;
    for (Object o : backend.rows("SELECT m.serial, extract(epoch FROM (SELECT coalesce(max(c.interval_end), "
      + "timestamptz '2026-01-01Z') FROM interval_consumption c WHERE c.meter_id = m.id "
      + "AND c.register = 'energy_active_import'))::bigint AS derived FROM meter m WHERE m.serial LIKE 'BENCH-%-0'")) {
      JsonObject row = (JsonObject) o;
      int g = Integer.parseInt(row.getString("serial").split("-")[1]);
      long newestMinute = BASE.getEpochSecond() / 60 + maxAckedSequence.get(g);
      lag = Math.max(lag, newestMinute - row.getLong("derived") / 60);
    }
    return lag;
  }

  /** Returns the gateway's messages published and not yet acknowledged (packet id to publish time). */
  private static Map<Integer, Long> startGateway(Vertx vertx, int port, String key, int g, int perMessage,
                                                 long warmupEnd, long end, AtomicLong acked, List<Long> latencies,
                                                 CountDownLatch done) {
    MqttClient client = MqttClient.create(vertx, new MqttClientOptions().setClientId("bench-gw-" + g)
      .setUsername("bench").setPassword(key).setMaxInflightQueue(inFlightPerGateway * 2)
      .setMaxMessageSize(8 * 1024 * 1024));
    Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
    Map<Integer, Long> sequenceOf = new ConcurrentHashMap<>();
    long[] sequence = {0};
    Runnable[] publishNext = new Runnable[1];
    client.publishCompletionHandler(id -> {
      Long t0 = sentAt.remove(id);
      Long acknowledged = sequenceOf.remove(id);
      if (acknowledged != null) {
        maxAckedSequence.accumulateAndGet(g, acknowledged, Math::max);
      }
      long now = System.nanoTime();
      if (t0 != null && t0 > warmupEnd) {
        latencies.add((now - t0) / 1000);
      }
      if (now > warmupEnd) {
        acked.incrementAndGet();
      }
      publishNext[0].run();
    });
    publishNext[0] = () -> {
      if (System.nanoTime() > end) {
        if (sentAt.isEmpty()) {
          done.countDown();
        }
        return;
      }
      long seq = sequence[0]++;
      Buffer batch = batch(g, perMessage, seq);
      long t0 = System.nanoTime();
      client.publish("gridledger/gateways/bench-gw-" + g + "/readings", batch, MqttQoS.AT_LEAST_ONCE, false, false)
        .onSuccess(id -> {
          sequenceOf.put(id, seq);
          sentAt.put(id, t0);
        });
    };
    client.connect(port, "127.0.0.1").onSuccess(ack -> {
      for (int i = 0; i < inFlightPerGateway; i++) {
        publishNext[0].run();
      }
    });
    return sentAt;
  }

  /**
   * Distinct timestamps per message, so every reading is new (a duplicate would not be written). The gateways run in
   * this JVM, on the two cores the backend and PostgreSQL also need, so the message is written as text directly: the
   * same JSON as {@code JsonObject.encode()} gives (checked once at start), without a tree of 500 objects per message,
   * which cost 15 % of the JVM's samples. A real gateway is another device.
   */
  static Buffer batch(int g, int perMessage, long sequence) {
    StringBuilder json = new StringBuilder(perMessage * 110 + 64);
    json.append("{\"gateway\":\"bench-gw-").append(g).append("\",\"readings\":[");
    Instant base = BASE.plusSeconds(sequence * 60);
    for (int i = 0; i < perMessage; i++) {
      int meter = i % METERS_PER_GATEWAY;
      Instant ts = base.plusMillis(i / METERS_PER_GATEWAY);
      json.append(i == 0 ? "{" : ",{").append("\"meter\":\"").append(serial(g, meter))
        .append("\",\"register\":\"energy_active_import\",\"ts\":\"").append(ts).append("\",\"value\":")
        .append(sequence + i * 0.001).append(",\"unit\":\"kWh\"}");
    }
    return Buffer.buffer(json.append("]}").toString());
  }

  /** The tree-built form of {@link #batch}, to check that the text form is the same message. */
  static Buffer batchAsTree(int g, int perMessage, long sequence) {
    JsonArray readings = new JsonArray();
    Instant base = BASE.plusSeconds(sequence * 60);
    for (int i = 0; i < perMessage; i++) {
      int meter = i % METERS_PER_GATEWAY;
      Instant ts = base.plusMillis(i / METERS_PER_GATEWAY);
      readings.add(new JsonObject().put("meter", serial(g, meter)).put("register", "energy_active_import")
        .put("ts", ts.toString()).put("value", sequence + i * 0.001).put("unit", "kWh"));
    }
    return new JsonObject().put("gateway", "bench-gw-" + g).put("readings", readings).toBuffer();
  }

  private static String serial(int g, int m) {
    return "BENCH-" + g + "-" + m;
  }

  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1000.0;
  }
}
