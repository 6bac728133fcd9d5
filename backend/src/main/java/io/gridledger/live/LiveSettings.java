package io.gridledger.live;

import io.vertx.core.json.JsonObject;

/** The {@code live.*} and {@code redis.*} configuration, checked at start. */
public record LiveSettings(long tickMs, int maxConnections, int maxTopicsPerClient, int maxTopicsPerMessage,
                           int maxMessageBytes, int maxClientErrors, int clientQueuedEvents, int clientQueuedValues,
                           int clientWriteQueueBytes, long stalledCloseMs, long topologyRefreshMs,
                           int latestMaxEntries, String redisUrl, String redisKeyPrefix, long redisLatestTtlSeconds) {

  public static LiveSettings from(JsonObject live, JsonObject redis) {
    String url = redis.getString("url");
    return new LiveSettings(
      bounded(live, "tickMs", 1, 10_000),
      bounded(live, "maxConnections", 1, 1_000_000),
      bounded(live, "maxTopicsPerClient", 1, 100_000),
      bounded(live, "maxTopicsPerMessage", 1, 10_000),
      bounded(live, "maxMessageBytes", 256, 1 << 20),
      bounded(live, "maxClientErrors", 0, 10_000),
      bounded(live, "clientQueuedEvents", 1, 1_000_000),
      bounded(live, "clientQueuedValues", 1, 1_000_000),
      bounded(live, "clientWriteQueueBytes", 1024, 64 << 20),
      bounded(live, "stalledCloseSeconds", 1, 86_400) * 1000L,
      bounded(live, "topologyRefreshSeconds", 1, 86_400) * 1000L,
      bounded(live, "latestMaxEntries", 0, 10_000_000),
      url == null || url.isBlank() ? null : url,
      redis.getString("keyPrefix"),
      bounded(redis, "latestTtlSeconds", 1, 365 * 86_400));
  }

  private static int bounded(JsonObject section, String key, int min, int max) {
    int value = section.getInteger(key);
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }
}
