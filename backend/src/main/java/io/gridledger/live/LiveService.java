package io.gridledger.live;

import io.gridledger.api.Problem;
import io.gridledger.api.ProblemResponder;
import io.gridledger.api.WebSocketEndpoint;
import io.gridledger.site.SiteEvents;
import io.gridledger.site.SiteTopology;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The live push endpoint, {@code /api/v1/live}: authenticates the upgrade, keeps the connections, listens on the
 * {@link LiveAddresses} and pushes what changed to the clients subscribed to it (here, and through the fan-out on
 * every other instance). Everything runs on the API server's event loop.
 */
public final class LiveService implements WebSocketEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(LiveService.class);
  public static final String PATH = "/api/v1/live";
  /** Close code when the token the connection was opened with expires or its API key is revoked. */
  static final short CREDENTIALS_EXPIRED = 4401;
  /** Close code for a client that has not taken data for live.stalledCloseSeconds. */
  static final short TOO_SLOW = 4408;
  private static final long MAINTENANCE_MS = 5_000;
  private static final long API_KEY_RECHECK_MS = 60_000;
  /**
   * Pushed messages of one burst are batched into frames of up to this many characters: large enough that a tick of
   * a client's meters is one frame, small enough for any client's frame limit (browsers have none; Vert.x 64 KiB).
   */
  private static final int BATCH_FRAME_CHARS = 16_000;

  private final LiveSettings settings;
  private final LiveCredentials credentials;
  private final SiteTopology sites;
  private final LiveFanout fanout;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private LiveTopology topology;
  private LiveHub hub;
  private LiveRequests requests;
  private Context context;
  private Vertx vertx;
  private long timer = -1;
  private long topologyTimer = -1;
  private long nextClientId;
  private int handshaking;
  private long lastApiKeyCheckMs;

  public LiveService(LiveSettings settings, io.gridledger.auth.TokenService tokens,
                     io.gridledger.auth.ApiKeyStore apiKeys, SiteTopology sites) {
    this.settings = settings;
    this.credentials = new LiveCredentials(tokens, apiKeys);
    this.sites = sites;
    this.fanout = settings.redisUrl() == null ? new LocalFanout(settings.latestMaxEntries())
      : new RedisFanout(settings.redisUrl(), settings.redisKeyPrefix(), settings.redisLatestTtlSeconds());
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public Future<Void> start(Vertx vertx) {
    this.vertx = vertx;
    context = vertx.getOrCreateContext();
    topology = new LiveTopology(sites);
    hub = new LiveHub(topology, fanout, task -> context.runOnContext(v -> task.run()));
    requests = new LiveRequests(hub, sites, topology, settings.maxTopicsPerClient(), settings.maxTopicsPerMessage(),
      settings.maxClientErrors());
    LiveSources sources = new LiveSources(topology);
    this.<JsonArray>listen(LiveAddresses.READINGS, sources::readings);
    this.<JsonObject>listen(LiveAddresses.INTERVAL, m -> List.of(sources.interval(m)));
    this.<JsonObject>listen(LiveAddresses.ALARM, m -> List.of(sources.alarm(m)));
    this.<JsonObject>listen(LiveAddresses.BALANCE, m -> List.of(sources.balance(m)));
    this.<JsonObject>listen(LiveAddresses.RELAY, m -> List.of(sources.relay(m)));
    this.<JsonObject>listen(LiveAddresses.BILL_RUN, m -> List.of(sources.billRun(m)));
    consumers.add(vertx.eventBus().consumer(SiteEvents.METERS_CHANGED, m -> {
      topology.reload();
      fanout.topologyChanged();
    }));
    timer = vertx.setPeriodic(MAINTENANCE_MS, id -> maintain());
    topologyTimer = vertx.setPeriodic(settings.topologyRefreshMs(), id -> topology.reload());
    return topology.reload().compose(v -> fanout.start(context, events -> hub.arrived(events), topology::reload));
  }

  private <T> void listen(String address, Function<T, List<LiveEvent>> toEvents) {
    consumers.add(vertx.eventBus().<T>consumer(address, message -> {
      List<LiveEvent> events;
      try {
        events = toEvents.apply(message.body());
      } catch (RuntimeException e) {
        LOG.warn("live message refused address={} error={}", address, String.valueOf(e.getMessage()).replace(' ', '_'));
        return;
      }
      hub.originated(events);
    }));
  }

  @Override
  public void configure(HttpServerOptions options) {
    options.addWebSocketSubProtocol(LiveCredentials.PROTOCOL)
      .setMaxWebSocketFrameSize(settings.maxMessageBytes())
      .setMaxWebSocketMessageSize(settings.maxMessageBytes())
      // permessage-deflate keeps a zlib context per connection (hundreds of KiB of native memory each): at tens of
      // thousands of sockets that is gigabytes, for messages of a few hundred bytes.
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false);
  }

  @Override
  public void mount(Router root) {
    root.route(PATH).handler(rc -> ProblemResponder.send(rc, new Problem(426, "upgrade-required",
      "Upgrade Required", "This is a WebSocket endpoint: connect with Upgrade: websocket (see docs/protocols.md)", null)));
  }

  @Override
  public void handshake(ServerWebSocketHandshake handshake) {
    if (hub.clientCount() + handshaking >= settings.maxConnections()) {
      handshake.reject(503);
      return;
    }
    handshaking++;
    credentials.authenticate(handshake.headers()).onComplete(auth -> {
      if (auth.failed()) {
        handshaking--;
        int status = auth.cause() instanceof LiveCredentials.Refused r ? r.status : 503;
        LOG.info("live connection refused status={} remote={}", status, handshake.remoteAddress());
        handshake.reject(status);
        return;
      }
      handshake.accept().onComplete(accepted -> {
        handshaking--;
        if (accepted.succeeded()) {
          connected(accepted.result(), auth.result());
        }
      });
    });
  }

  private void connected(ServerWebSocket socket, LiveCredentials.Authenticated auth) {
    LiveClient client = new LiveClient(++nextClientId, socket, auth.principal(), settings.clientQueuedEvents(),
      settings.clientQueuedValues(), auth.expiresAtMs(), auth.apiKey(), BATCH_FRAME_CHARS);
    socket.setWriteQueueMaxSize(settings.clientWriteQueueBytes());
    socket.drainHandler(v -> client.drain());
    socket.textMessageHandler(text -> requests.text(client, text));
    socket.binaryMessageHandler(data -> requests.binary(client));
    socket.exceptionHandler(e -> LOG.debug("live socket error client={} error={}", client.id, e.getMessage()));
    socket.closeHandler(v -> {
      hub.remove(client);
      LOG.debug("live disconnected client={} subject={}", client.id, auth.principal().subject());
    });
    hub.add(client);
    LOG.debug("live connected client={} subject={} remote={}", client.id, auth.principal().subject(),
      socket.remoteAddress());
    client.control(new JsonObject().put("type", "ready").put("protocol", LiveCredentials.PROTOCOL)
      .put("subject", auth.principal().subject()).put("role", auth.principal().role().wireName())
      .put("limits", new JsonObject().put("maxTopics", settings.maxTopicsPerClient())
        .put("maxTopicsPerMessage", settings.maxTopicsPerMessage())));
  }

  /** Closes connections whose credentials ended, and clients that stopped reading for too long. */
  private void maintain() {
    long now = System.currentTimeMillis();
    boolean recheckKeys = now - lastApiKeyCheckMs > API_KEY_RECHECK_MS;
    if (recheckKeys) {
      lastApiKeyCheckMs = now;
    }
    for (LiveClient client : hub.clients()) {
      if (client.expiresAtMs > 0 && now >= client.expiresAtMs) {
        client.socket.close(CREDENTIALS_EXPIRED, "token expired");
      } else if (client.stalledLongerThan(now, settings.stalledCloseMs())) {
        LOG.info("live client too slow, closed client={} subject={}", client.id, client.principal.subject());
        client.socket.close(TOO_SLOW, "not reading");
      } else if (recheckKeys && client.apiKey != null) {
        credentials.check(client.apiKey).onFailure(e -> client.socket.close(CREDENTIALS_EXPIRED, "API key revoked"));
      }
    }
  }

  /** Counters of this instance's live push (clients, routed events, deliveries, queued and dropped). */
  public Future<JsonObject> metrics() {
    return onLoop(() -> hub.metrics());
  }

  /** Per-client queue sizes and drop counters (tests, diagnostics). */
  public Future<List<JsonObject>> clientStats() {
    return onLoop(() -> {
      List<JsonObject> out = new ArrayList<>();
      hub.clients().forEach(c -> out.add(c.stats().toJson()));
      return out;
    });
  }

  private <T> Future<T> onLoop(java.util.function.Supplier<T> read) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        promise.complete(read.get());
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  @Override
  public Future<Void> stop() {
    if (vertx == null) {
      return Future.succeededFuture();
    }
    vertx.cancelTimer(timer);
    vertx.cancelTimer(topologyTimer);
    consumers.forEach(MessageConsumer::unregister);
    return fanout.close();
  }
}
