package io.gridledger.bench;

import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.TestBackend;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live push end to end: gateways publish readings over MQTT to the backend's endpoint, the backend commits them,
 * coalesces and pushes them over WebSocket to the clients subscribed to their meters. Each meter is updated once a
 * second and has {@code topicsPerClient} subscribers, so deliveries/s = updates/s x that. Latency is from the
 * reading's timestamp (the gateway sets it to the moment it publishes) to the client's receipt, so it includes the
 * MQTT hop, the durable commit, the coalescing tick and the fan-out. The clients run in a JVM of their own
 * ({@link LivePushBenchmarkClients}); the heap printed is this (server) JVM's.
 *
 * <p>Run (the file-descriptor limit must allow clients + a few hundred per process; see docs/benchmarks.md):
 * <pre>
 * mvn -o -q -B -pl backend dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Xmx1g -cp backend/target/test-classes:backend/target/classes:$(cat backend/target/cp.txt) \
 *   io.gridledger.bench.LivePushBenchmark 10000 10000 30 5
 * </pre>
 * Arguments: clients, meter updates per second (= meters), seconds measured, topics per client, and the layout:
 * {@code unit} (default) puts the meters one client follows on one gateway, as a unit's meters are wired to its
 * floor's gateway, so they arrive in one batch; {@code spread} puts each on a different gateway (five batches).
 */
public final class LivePushBenchmark {

  private static final int GATEWAYS = 20;

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int meters = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    int topicsPerClient = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    boolean spread = args.length > 4 && args[4].equals("spread");
    // Client c follows meters c*k .. c*k+k-1 (k topics per client; see LivePushBenchmarkClients).
    int[] gatewayOf = new int[meters];
    for (int m = 0; m < meters; m++) {
      gatewayOf[m] = spread ? m % GATEWAYS : (m / topicsPerClient) % GATEWAYS;
    }
    try (TestBackend backend = TestBackend.start(new JsonObject()
      .put("live", new JsonObject().put("maxConnections", clients + 100))
      .put("db", new JsonObject().put("poolSize", 8))
      // Interval derivation for 10,000 meters reading every second is its own workload (see the MQTT ingest
      // benchmark); here it waits a minute so the figures are those of ingest plus live push.
      .put("metering", new JsonObject().put("rebuildDelayMs", 60_000))
      .put("log", new JsonObject().put("level", "WARN")))) {
      ContractHttp http = ContractHttp.of(backend);
      String admin = backend.login(TestBackend.ADMIN);
      List<String> meterIds = setUp(backend, http, admin, gatewayOf);
      System.err.println("bench: site imported, starting " + clients + " clients");
      Path file = Files.createTempFile("live-bench-meters", ".txt");
      Files.write(file, meterIds);
      ProcessBuilder clientProcess = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener", "-cp", System.getProperty("java.class.path"), LivePushBenchmarkClients.class.getName(),
        String.valueOf(backend.app().port()), admin, String.valueOf(clients), file.toString(),
        String.valueOf(topicsPerClient)).redirectError(ProcessBuilder.Redirect.INHERIT);
      clientProcess.environment().put("GRIDLEDGER_LOG_LEVEL", "WARN");
      Process client = clientProcess.start();
      BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream()));
      PrintWriter in = new PrintWriter(client.getOutputStream(), true);
      long connectStarted = System.nanoTime();
      String ready = lineStarting(out, "READY");
      double connectSeconds = (System.nanoTime() - connectStarted) / 1e9;
      System.err.println("bench: " + ready + " after " + connectSeconds + " s; publishing");
      String key = gatewayKey(http, admin, backend);
      System.err.println("bench: layout " + (spread ? "spread" : "unit"));
      run(backend, key, gatewayOf, seconds, in, out, clients, topicsPerClient, connectSeconds);
      client.waitFor();
    }
    System.exit(0);
  }

  /** One site with {@code meters} meters spread over the gateways; returns the meter ids. */
  private static List<String> setUp(TestBackend backend, ContractHttp http, String admin, int[] gatewayOf) {
    int meters = gatewayOf.length;
    JsonArray list = new JsonArray();
    for (int m = 0; m < meters; m++) {
      list.add(new JsonObject().put("serial", serial(m)).put("kind", "electricity")
        .put("registers", new JsonArray().add(new JsonObject().put("name", "energy_active_import").put("unit", "kWh")))
        .put("binding", new JsonObject().put("protocol", "mqtt").put("gateway", "bench-gw-" + gatewayOf[m])));
    }
    JsonObject doc = new JsonObject().put("site", new JsonObject().put("name", "Live benchmark site")
      .put("timeZone", "Europe/Berlin").put("currency", "EUR")).put("meters", list);
    ContractHttp.Response imported = http.call("importSite", "POST", "/sites/import", admin, doc);
    if (imported.status() != 201) {
      throw new IllegalStateException("import failed: " + imported.text());
    }
    List<String> ids = new ArrayList<>(meters);
    for (Object row : backend.rows("SELECT id FROM meter ORDER BY serial")) {
      ids.add(((JsonObject) row).getString("id"));
    }
    return ids;
  }

  private static String gatewayKey(ContractHttp http, String admin, TestBackend backend) {
    String site = backend.rows("SELECT id FROM site").getJsonObject(0).getString("id");
    return http.call("createApiKey", "POST", "/api-keys", admin, new JsonObject().put("name", "bench gateways")
      .put("siteIds", new JsonArray().add(site))).json().getString("key");
  }

  private static void run(TestBackend backend, String key, int[] gatewayOf, int seconds, PrintWriter clientIn,
                          BufferedReader clientOut, int clients, int topicsPerClient, double connectSeconds)
    throws Exception {
    Vertx gateways = Vertx.vertx();
    AtomicLong published = new AtomicLong();
    List<MqttClient> connected = new ArrayList<>();
    // Publish to PUBACK is publish to committed: the ingest part of the latency, measured apart.
    java.util.Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
    List<Long> commitMs = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int g = 0; g < GATEWAYS; g++) {
      MqttClient gw = MqttClient.create(gateways, new MqttClientOptions().setClientId("bench-gw-" + g)
        .setUsername("bench").setPassword(key).setMaxInflightQueue(100).setMaxMessageSize(8 * 1024 * 1024));
      int gateway = g;
      gw.publishCompletionHandler(id -> {
        Long t0 = sentAt.remove(gateway + "/" + id);
        if (t0 != null) {
          commitMs.add((System.nanoTime() - t0) / 1_000_000);
        }
      });
      gw.connect(backend.mqttPort(), "127.0.0.1").await();
      connected.add(gw);
    }
    long[] tick = {0};
    // Like real gateways, each publishes all its meters once a second in one batch; the gateways take turns every
    // 50 ms, so the load is even over the second and each meter is updated once a second.
    long timer = gateways.setPeriodic(1000 / GATEWAYS, id -> {
      int g = (int) (tick[0]++ % GATEWAYS);
      JsonArray readings = new JsonArray();
      String ts = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
      for (int m = 0; m < gatewayOf.length; m++) {
        if (gatewayOf[m] != g) {
          continue;
        }
        readings.add(new JsonObject().put("meter", serial(m)).put("register", "energy_active_import")
          .put("ts", ts).put("value", tick[0] + m * 0.001).put("unit", "kWh"));
      }
      published.addAndGet(readings.size());
      long t0 = System.nanoTime();
      connected.get(g).publish("gridledger/gateways/bench-gw-" + g + "/readings", new JsonObject()
        .put("gateway", "bench-gw-" + g).put("readings", readings).toBuffer(), MqttQoS.AT_LEAST_ONCE, false, false)
        .onSuccess(packetId -> sentAt.put(g + "/" + packetId, t0));
    });
    Thread.sleep(5_000);
    long publishedAtStart = published.get();
    commitMs.clear();
    long deliveriesAtStart = backend.app().live().metrics().await().getLong("deliveries");
    clientIn.println("START");
    long cpuAtStart = processCpuNanos();
    long maxHeapMiB = 0;
    for (int s = 0; s < seconds; s++) {
      Thread.sleep(1000);
      maxHeapMiB = Math.max(maxHeapMiB, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
    }
    clientIn.println("STOP");
    double serverCpu = (processCpuNanos() - cpuAtStart) / 1e9 / seconds;
    long updates = published.get() - publishedAtStart;
    long[] commits;
    synchronized (commitMs) {
      commits = commitMs.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    JsonObject result = new JsonObject(lineStarting(clientOut, "{\"deliveries\""));
    JsonObject live = backend.app().live().metrics().await();
    gateways.cancelTimer(timer);
    System.gc();
    long heapAfterGcMiB = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    System.out.printf("live push: clients=%d meters=%d topicsPerClient=%d seconds=%d (clients connected and "
      + "subscribed in %.1f s)%n", clients, gatewayOf.length, topicsPerClient, seconds, connectSeconds);
    System.out.printf("  meter updates published/s = %.0f%n", updates / (double) seconds);
    System.out.printf("  deliveries received/s     = %.0f in %.0f frames/s (server pushed %d in the window)%n",
      result.getDouble("deliveriesPerSecond"), result.getDouble("framesPerSecond"),
      live.getLong("deliveries") - deliveriesAtStart);
    System.out.printf("  publish-to-receive ms     p50=%d p99=%d max=%d (n=%d)%n", result.getLong("p50Ms"),
      result.getLong("p99Ms"), result.getLong("maxMs"), result.getLong("deliveries"));
    System.out.printf("  of which publish-to-commit ms p50=%d p99=%d (MQTT batch to PUBACK, n=%d)%n",
      commits.length == 0 ? -1 : commits[commits.length / 2],
      commits.length == 0 ? -1 : commits[Math.min(commits.length - 1, (int) Math.ceil(commits.length * 0.99) - 1)],
      commits.length);
    System.out.printf("  server heap MiB           max used=%d after GC=%d (max heap %d)%n", maxHeapMiB, heapAfterGcMiB,
      Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf("  server live metrics       %s%n", live.encode());
    System.out.printf("  CPU cores busy (avg)      server JVM %.2f (ingest, live push, gateways), clients JVM %.2f%n",
      serverCpu, result.getDouble("cpuCores"));
    System.out.printf("  load average at the end   %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    gateways.close().await();
  }

  /** This JVM's CPU time so far: with the machine shared, CPU per delivery compares where wall times do not. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The client process's next line starting with {@code prefix} (its logging may come first). */
  private static String lineStarting(BufferedReader out, String prefix) throws java.io.IOException {
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException("the client process ended without " + prefix);
  }

  private static String serial(int m) {
    return String.format("LIVE-%05d", m);
  }
}
