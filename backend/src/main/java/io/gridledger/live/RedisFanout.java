package io.gridledger.live;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Several instances: every event an instance originates is published on one Redis channel, and every instance
 * delivers to its own clients what the others published (its own messages it already delivered, and skips by origin).
 * Values are also written to a Redis hash per site (field: the value's key; the whole hash expires after the TTL
 * unless written again), which is where a client connecting to any instance gets the current values from.
 *
 * <p>Lettuce runs on its own I/O threads; every result is brought back onto the API server's event loop with
 * {@link Future#fromCompletionStage(java.util.concurrent.CompletionStage, Context)}, and nothing here waits on one.
 * Its queue of commands is bounded and refuses commands while Redis is away (local clients keep being served).
 */
final class RedisFanout implements LiveFanout {

  private static final Logger LOG = LoggerFactory.getLogger(RedisFanout.class);
  private static final long WARN_EVERY_MS = 10_000;

  private final String url;
  private final String prefix;
  private final long ttlSeconds;
  private final String origin = UUID.randomUUID().toString();
  private ClientResources resources;
  private RedisClient client;
  private StatefulRedisConnection<String, String> commands;
  private StatefulRedisPubSubConnection<String, String> subscriber;
  private Context context;
  private long lastWarnMs;
  private long publishFailures;

  RedisFanout(String url, String keyPrefix, long latestTtlSeconds) {
    this.url = url;
    this.prefix = keyPrefix;
    this.ttlSeconds = latestTtlSeconds;
  }

  private String channel() {
    return prefix + "live";
  }

  private String siteHash(UUID siteId) {
    return prefix + "live:latest:" + siteId;
  }

  @Override
  public Future<Void> start(Context context, Consumer<List<LiveEvent>> remote, Runnable topologyChanged) {
    this.context = context;
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(Duration.ofSeconds(5));
    // Building the client starts Lettuce's threads and loads Reactor, and the first connection loads most of Lettuce:
    // seconds of class loading, so all of it happens on a worker; afterwards every command is asynchronous.
    return context.owner().<Void>executeBlocking(() -> {
      resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
      client = RedisClient.create(resources, uri);
      client.setOptions(ClientOptions.builder().requestQueueSize(10_000)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
      commands = client.connect(StringCodec.UTF8, uri);
      subscriber = client.connectPubSub(StringCodec.UTF8, uri);
      subscriber.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          // Lettuce's thread: hop onto the event loop, in arrival order.
          context.runOnContext(v -> receive(message, remote, topologyChanged));
        }
      });
      subscriber.sync().subscribe(channel());
      commands.sync().hgetall(siteHash(new UUID(0, 0)));
      return null;
    }, false)
      .onSuccess(v -> LOG.info("live fan-out through redis channel={}", channel()))
      .recover(e -> close().transform(closed -> Future.failedFuture(
        new IllegalStateException("redis.url is set but Redis cannot be reached: " + e.getMessage(), e))));
  }

  private void receive(String message, Consumer<List<LiveEvent>> remote, Runnable topologyChanged) {
    JsonObject json;
    try {
      json = new JsonObject(message);
    } catch (RuntimeException e) {
      warn("live message from redis is not JSON: {}", e.getMessage());
      return;
    }
    if (origin.equals(json.getString("origin"))) {
      return;
    }
    if (json.getBoolean("topologyChanged", false)) {
      topologyChanged.run();
    }
    JsonArray wire = json.getJsonArray("events");
    if (wire == null) {
      return;
    }
    List<LiveEvent> events = new ArrayList<>(wire.size());
    for (Object o : wire) {
      try {
        events.add(LiveEvent.fromWire((JsonObject) o));
      } catch (RuntimeException e) {
        warn("live event from redis refused: {}", e.getMessage());
      }
    }
    remote.accept(events);
  }

  @Override
  public void publish(List<LiveEvent> events) {
    if (events.isEmpty() || commands == null) {
      return;
    }
    RedisAsyncCommands<String, String> redis = commands.async();
    JsonArray wire = new JsonArray(new ArrayList<>(events.size()));
    Map<UUID, Map<String, String>> latestBySite = new HashMap<>();
    for (LiveEvent e : events) {
      JsonObject w = e.toWire();
      wire.add(w);
      if (e.value()) {
        latestBySite.computeIfAbsent(e.siteId(), k -> new HashMap<>()).put(e.field(), w.encode());
      }
    }
    redis.publish(channel(), new JsonObject().put("origin", origin).put("events", wire).encode())
      .whenComplete((n, err) -> failed(err));
    latestBySite.forEach((site, fields) -> {
      redis.hset(siteHash(site), fields).whenComplete((n, err) -> failed(err));
      redis.expire(siteHash(site), ttlSeconds).whenComplete((n, err) -> failed(err));
    });
  }

  @Override
  public void topologyChanged() {
    if (commands != null) {
      commands.async().publish(channel(), new JsonObject().put("origin", origin).put("topologyChanged", true).encode())
        .whenComplete((n, err) -> failed(err));
    }
  }

  @Override
  public Future<List<LiveEvent>> latest(UUID siteId, Wanted wanted) {
    RedisAsyncCommands<String, String> redis = commands.async();
    String hash = siteHash(siteId);
    if (wanted == null) {
      return Future.fromCompletionStage(redis.hgetall(hash), context).map(fields -> parse(fields.values()));
    }
    List<Future<List<LiveEvent>>> parts = new ArrayList<>();
    if (!wanted.keys().isEmpty()) {
      parts.add(Future.fromCompletionStage(redis.hmget(hash, wanted.keys().toArray(new String[0])), context)
        .map(values -> parse(values.stream().filter(v -> v.hasValue()).map(v -> v.getValue()).toList())));
    }
    for (String keyPrefix : wanted.prefixes()) {
      parts.add(scan(hash, keyPrefix + "*", io.lettuce.core.ScanCursor.INITIAL, new ArrayList<>(), 0));
    }
    return Future.all(parts).map(all -> {
      List<LiveEvent> out = new ArrayList<>();
      parts.forEach(part -> out.addAll(part.result()));
      return out;
    });
  }

  /** HSCAN with MATCH, page by page (bounded: a prefix names one tenant's few balances). */
  private Future<List<LiveEvent>> scan(String hash, String pattern, io.lettuce.core.ScanCursor cursor,
                                       List<LiveEvent> found, int pages) {
    return Future.fromCompletionStage(commands.async().hscan(hash, cursor,
        io.lettuce.core.ScanArgs.Builder.matches(pattern).limit(1000)), context)
      .compose(page -> {
        found.addAll(parse(page.getMap().values()));
        return page.isFinished() || pages >= 1000 ? Future.succeededFuture(found)
          : scan(hash, pattern, page, found, pages + 1);
      });
  }

  private List<LiveEvent> parse(java.util.Collection<String> wires) {
    List<LiveEvent> out = new ArrayList<>(wires.size());
    for (String wire : wires) {
      try {
        out.add(LiveEvent.fromWire(new JsonObject(wire)));
      } catch (RuntimeException e) {
        warn("latest value in redis refused: {}", e.getMessage());
      }
    }
    return out;
  }

  /** Publishes that failed (Redis away, queue full): other instances missed them; local clients did not. */
  long publishFailures() {
    return publishFailures;
  }

  private void failed(Throwable err) {
    if (err != null) {
      context.runOnContext(v -> {
        publishFailures++;
        warn("live fan-out to redis failed: {}", err.getMessage());
      });
    }
  }

  private void warn(String format, String detail) {
    long now = System.currentTimeMillis();
    if (now - lastWarnMs > WARN_EVERY_MS) {
      lastWarnMs = now;
      LOG.warn(format, detail);
    }
  }

  @Override
  public Future<Void> close() {
    if (client == null) {
      return Future.succeededFuture();
    }
    RedisClient closing = client;
    client = null;
    commands = null;
    // Closing is asynchronous in Lettuce; its future completes on Lettuce's threads and is brought back here.
    return Future.fromCompletionStage(closing.shutdownAsync(0, 2, java.util.concurrent.TimeUnit.SECONDS), context)
      .eventually(() -> {
        io.vertx.core.Promise<Void> released = io.vertx.core.Promise.promise();
        resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS)
          .addListener(f -> context.runOnContext(x -> released.complete()));
        return released.future();
      })
      .mapEmpty();
  }
}
