package io.gridledger.live;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real WebSocket client of /api/v1/live for tests: connects the way a browser does (credential offered as a
 * sub-protocol) and records every message it receives, in order.
 */
final class LiveTestClient implements AutoCloseable {

  final WebSocket socket;
  private final WebSocketClient client;
  private final List<JsonObject> received = new ArrayList<>();
  private volatile Short closeCode;
  private final List<String> frames = new ArrayList<>();

  private LiveTestClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    // A frame is one message (an object) or several pushed together (an array of them, in order).
    socket.textMessageHandler(text -> {
      synchronized (received) {
        if (text.startsWith("[")) {
          new JsonArray(text).forEach(m -> received.add((JsonObject) m));
        } else {
          received.add(new JsonObject(text));
        }
        frames.add(text);
      }
    });
    socket.closeHandler(v -> closeCode = socket.closeStatusCode());
  }

  static WebSocketConnectOptions options(int port) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(LiveService.PATH);
  }

  /** Connects with the token as a sub-protocol, as a browser would. */
  static LiveTestClient connect(Vertx vertx, int port, String token) {
    return connect(vertx, options(port).addSubProtocol("gridledger.v1").addSubProtocol("bearer." + token));
  }

  static LiveTestClient connect(Vertx vertx, WebSocketConnectOptions options) {
    return attempt(vertx, options, new WebSocketClientOptions()).await();
  }

  static Future<LiveTestClient> attempt(Vertx vertx, WebSocketConnectOptions options, WebSocketClientOptions client) {
    WebSocketClient ws = vertx.createWebSocketClient(client);
    // Handlers before the handshake: the server sends "ready" right after accepting, and it can arrive in the same
    // read as the handshake's response. Handlers set once connect() completed missed it on a loaded machine.
    ClientWebSocket socket = ws.webSocket();
    LiveTestClient live = new LiveTestClient(ws, socket);
    return socket.connect(options).map(connected -> live)
      .onFailure(e -> ws.close());
  }

  void send(JsonObject message) {
    socket.writeTextMessage(message.encode()).await();
  }

  void subscribe(String... topics) {
    send(new JsonObject().put("op", "subscribe").put("topics", new JsonArray(List.of(topics))));
  }

  List<JsonObject> received() {
    synchronized (received) {
      return new ArrayList<>(received);
    }
  }

  /** Frames received (each one message or an array of several). */
  int frames() {
    synchronized (received) {
      return frames.size();
    }
  }

  List<String> rawFrames() {
    synchronized (received) {
      return new ArrayList<>(frames);
    }
  }

  List<JsonObject> ofType(String type) {
    return received().stream().filter(m -> type.equals(m.getString("type"))).toList();
  }

  /** The first message received that matches, waiting (bounded) for it. */
  JsonObject await(String what, Predicate<JsonObject> match) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonObject m : received()) {
        if (match.test(m)) {
          return m;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no " + what + " within 20 s; received " + received());
  }

  JsonObject awaitType(String type) throws InterruptedException {
    return await(type, m -> type.equals(m.getString("type")));
  }

  /** Waits (bounded) until the server closed the socket; returns its close code. */
  Short awaitClosed() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline && closeCode == null) {
      Thread.sleep(20);
    }
    assertTrue(socket.isClosed(), "the server did not close the socket");
    return closeCode;
  }

  Short closeCode() {
    return closeCode;
  }

  boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void close() {
    if (!socket.isClosed()) {
      socket.close().await();
    }
    client.close().await();
  }
}
