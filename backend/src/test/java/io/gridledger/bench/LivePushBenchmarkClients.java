package io.gridledger.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The client side of {@link LivePushBenchmark}, in a JVM of its own (each process may hold about 20,000 sockets
 * here, and the server's heap is then measured without the clients'). Opens the WebSockets, subscribes each to its
 * meters, prints READY; between START and STOP (read from standard input) it records, for every live reading it
 * receives, the time from the reading's timestamp (set by the publishing gateway) to its arrival; at STOP it prints one
 * JSON line with the figures.
 *
 * <p>Arguments: port, token, clients, file of meter ids (one per line), topics per client.
 */
public final class LivePushBenchmarkClients {

  private static final int MAX_LATENCY_MS = 60_000;
  private static final AtomicBoolean measuring = new AtomicBoolean();
  private static final AtomicLong deliveries = new AtomicLong();
  private static final AtomicLong snapshots = new AtomicLong();
  private static final AtomicLong frames = new AtomicLong();
  private static final AtomicLong maxLatencyMs = new AtomicLong();
  private static final AtomicLongArray histogram = new AtomicLongArray(MAX_LATENCY_MS + 1);

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String token = args[1];
    int clients = Integer.parseInt(args[2]);
    List<String> meters = Files.readAllLines(Path.of(args[3]));
    int topicsPerClient = Integer.parseInt(args[4]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(clients + 100)
      .setConnectTimeout(60_000));
    CountDownLatch subscribed = new CountDownLatch(clients);
    Semaphore connecting = new Semaphore(200);
    List<WebSocket> sockets = new ArrayList<>(clients);
    for (int c = 0; c < clients; c++) {
      JsonArray topics = new JsonArray();
      for (int k = 0; k < topicsPerClient; k++) {
        topics.add("meter:" + meters.get((c * topicsPerClient + k) % meters.size()));
      }
      connecting.acquire();
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/api/v1/live").addSubProtocol("gridledger.v1").addSubProtocol("bearer." + token);
      Future<WebSocket> connected = ws.connect(options);
      connected.onComplete(done -> connecting.release());
      connected.onSuccess(socket -> {
        synchronized (sockets) {
          sockets.add(socket);
        }
        // Raw frame bytes: no UTF-8 decoding and no String per frame (text frames reach this handler too).
        socket.handler(data -> received(data, subscribed));
        socket.writeTextMessage(new JsonObject().put("op", "subscribe").put("topics", topics).encode());
      }).onFailure(e -> {
        System.err.println("client connect failed: " + e.getMessage());
        System.exit(2);
      });
    }
    if (!subscribed.await(10, TimeUnit.MINUTES)) {
      System.err.println("not every client subscribed: " + subscribed.getCount() + " left");
      System.exit(3);
    }
    System.out.println("READY " + sockets.size());
    System.out.flush();
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
    long startedNs = 0;
    long cpuAtStart = 0;
    for (String line; (line = commands.readLine()) != null; ) {
      if (line.equals("START")) {
        reset();
        startedNs = System.nanoTime();
        cpuAtStart = LivePushBenchmark.processCpuNanos();
        measuring.set(true);
      } else if (line.equals("STOP")) {
        measuring.set(false);
        double seconds = (System.nanoTime() - startedNs) / 1e9;
        System.out.println(summary(seconds).put("cpuCores",
          (LivePushBenchmark.processCpuNanos() - cpuAtStart) / 1e9 / seconds).encode());
        System.out.flush();
        break;
      }
    }
    vertx.close().await();
    System.exit(0);
  }

  private static final byte[] SUBSCRIBED = "{\"type\":\"subscribed\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ERROR = "{\"type\":\"error\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SNAPSHOT = "{\"snapshot\":true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TS = "\"ts\":\"".getBytes(StandardCharsets.US_ASCII);

  /**
   * Runs on the client event loops, once per frame (one message, or an array of the messages of one tick): a byte
   * scan for each reading's "ts", no JSON parsing, no String. Only readings carry "ts" in this benchmark.
   */
  private static void received(Buffer data, CountDownLatch subscribed) {
    long now = System.currentTimeMillis();
    frames.incrementAndGet();
    int n = data.length();
    if (startsWith(data, 0, SUBSCRIBED)) {
      subscribed.countDown();
      return;
    }
    if (startsWith(data, 0, ERROR)) {
      System.err.println("client got " + data);
      return;
    }
    boolean measure = measuring.get();
    boolean snapshot = false;
    for (int i = 0; i < n; i++) {
      byte b = data.getByte(i);
      if (b == '{' && startsWith(data, i, SNAPSHOT)) {
        snapshot = true;
      } else if (b == '{' && i + 2 < n && data.getByte(i + 2) == 't' && data.getByte(i + 3) == 'o') {
        snapshot = false; // {"topics": a live message begins
      } else if (b == '"' && startsWith(data, i, TS)) {
        int at = i + TS.length;
        if (snapshot) {
          snapshots.incrementAndGet();
        } else if (measure) {
          long latencyMs = now - epochMillis(data, at);
          histogram.incrementAndGet((int) Math.max(0, Math.min(MAX_LATENCY_MS, latencyMs)));
          deliveries.incrementAndGet();
          maxLatencyMs.accumulateAndGet(latencyMs, Math::max);
        }
        i = at;
      }
    }
  }

  private static boolean startsWith(Buffer data, int at, byte[] prefix) {
    if (at + prefix.length > data.length()) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (data.getByte(at + k) != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  /** yyyy-MM-ddTHH:mm:ss[.SSS]Z at {@code at} (what Instant.toString writes for millisecond times), in ms. */
  static long epochMillis(Buffer d, int at) {
    int year = digits(d, at, 4);
    int month = digits(d, at + 5, 2);
    int day = digits(d, at + 8, 2);
    long seconds = digits(d, at + 11, 2) * 3600L + digits(d, at + 14, 2) * 60L + digits(d, at + 17, 2);
    int millis = d.getByte(at + 19) == '.' ? digits(d, at + 20, 3) : 0;
    return (LocalDate.of(year, month, day).toEpochDay() * 86_400L + seconds) * 1000L + millis;
  }

  private static int digits(Buffer d, int at, int count) {
    int v = 0;
    for (int k = 0; k < count; k++) {
      v = v * 10 + (d.getByte(at + k) - '0');
    }
    return v;
  }

  private static void reset() {
    deliveries.set(0);
    frames.set(0);
    maxLatencyMs.set(0);
    for (int i = 0; i < histogram.length(); i++) {
      histogram.set(i, 0);
    }
  }

  private static JsonObject summary(double seconds) {
    long total = deliveries.get();
    return new JsonObject().put("deliveries", total).put("seconds", seconds)
      .put("deliveriesPerSecond", total / seconds)
      .put("framesPerSecond", frames.get() / seconds).put("p50Ms", percentile(total, 0.50))
      .put("p99Ms", percentile(total, 0.99)).put("maxMs", maxLatencyMs.get()).put("snapshots", snapshots.get());
  }

  private static long percentile(long total, double q) {
    long rank = (long) Math.ceil(total * q);
    long seen = 0;
    for (int ms = 0; ms <= MAX_LATENCY_MS; ms++) {
      seen += histogram.get(ms);
      if (seen >= rank && rank > 0) {
        return ms;
      }
    }
    return -1;
  }
}
