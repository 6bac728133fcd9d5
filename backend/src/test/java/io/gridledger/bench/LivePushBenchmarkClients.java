package io.gridledger.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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
import java.time.Instant;
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
        socket.textMessageHandler(text -> received(text, subscribed));
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
    for (String line; (line = commands.readLine()) != null; ) {
      if (line.equals("START")) {
        reset();
        startedNs = System.nanoTime();
        measuring.set(true);
      } else if (line.equals("STOP")) {
        measuring.set(false);
        double seconds = (System.nanoTime() - startedNs) / 1e9;
        System.out.println(summary(seconds).encode());
        System.out.flush();
        break;
      }
    }
    vertx.close().await();
    System.exit(0);
  }

  /** Runs on the client event loops: only cheap string work, no JSON parsing per message. */
  private static void received(String text, CountDownLatch subscribed) {
    if (text.startsWith("{\"type\":\"subscribed\"")) {
      subscribed.countDown();
      return;
    }
    if (text.startsWith("{\"type\":\"error\"")) {
      System.err.println("client got " + text);
      return;
    }
    if (!text.contains("\"type\":\"reading\"")) {
      return;
    }
    if (text.startsWith("{\"snapshot\"")) {
      snapshots.incrementAndGet();
      return;
    }
    if (!measuring.get()) {
      return;
    }
    int at = text.indexOf("\"ts\":\"");
    int end = text.indexOf('"', at + 6);
    long latencyMs = System.currentTimeMillis() - Instant.parse(text.substring(at + 6, end)).toEpochMilli();
    long bucket = Math.max(0, Math.min(MAX_LATENCY_MS, latencyMs));
    histogram.incrementAndGet((int) bucket);
    deliveries.incrementAndGet();
    maxLatencyMs.accumulateAndGet(latencyMs, Math::max);
  }

  private static void reset() {
    deliveries.set(0);
    maxLatencyMs.set(0);
    for (int i = 0; i < histogram.length(); i++) {
      histogram.set(i, 0);
    }
  }

  private static JsonObject summary(double seconds) {
    long total = deliveries.get();
    return new JsonObject().put("deliveries", total).put("seconds", seconds)
      .put("deliveriesPerSecond", total / seconds).put("p50Ms", percentile(total, 0.50))
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
