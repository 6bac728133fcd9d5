package io.gridledger.config;

import io.vertx.core.json.JsonObject;

/**
 * Every configuration key with its default. docs/configuration.md documents each one; a test checks the two agree.
 * A key whose default is null is a string that is absent unless set.
 */
public final class ConfigDefaults {

  private ConfigDefaults() {
  }

  public static JsonObject defaults() {
    return new JsonObject()
      .put("http", new JsonObject()
        .put("host", "0.0.0.0")
        .put("port", 8080)
        .put("bodyLimitBytes", 4 * 1024 * 1024)
        .put("publicUrl", null))
      .put("db", new JsonObject()
        .put("url", null)
        .put("user", null)
        .put("password", null)
        .put("poolSize", 8)
        .put("maxWaitQueueSize", 256)
        .put("connectTimeoutMs", 5000)
        .put("idleTimeoutSeconds", 300)
        .put("embeddedDataDir", "./data/postgres")
        .put("embeddedPort", 54329))
      .put("auth", new JsonObject()
        .put("jwtSecret", null)
        .put("tokenTtlSeconds", 3600)
        .put("passwordHashIterations", 210_000)
        .put("loginMaxFailuresPerUser", 5)
        .put("loginMaxAttemptsPerAddress", 30)
        .put("loginWindowSeconds", 900))
      .put("mqtt", new JsonObject()
        .put("enabled", true)
        .put("host", "0.0.0.0")
        .put("port", 1884)
        .put("brokerUrl", null)
        .put("brokerUsername", null)
        .put("brokerPassword", null)
        .put("sharedGroup", "gridledger"))
      .put("ingest", new JsonObject()
        .put("batchSize", 5000)
        .put("maxPendingReadings", 200_000)
        .put("lingerMs", 5))
      .put("field", new JsonObject()
        .put("modbusEnabled", true)
        .put("modbusTimeoutMs", 2000)
        .put("modbusRetries", 3)
        .put("modbusBackoffMs", 250)
        .put("opcuaEnabled", true))
      .put("alarm", new JsonObject()
        .put("sweepIntervalSeconds", 60))
      .put("metering", new JsonObject()
        .put("rebuildDelayMs", 1000)
        .put("rebuildConcurrency", 2))
      .put("demo", new JsonObject()
        .put("enabled", false)
        .put("devices", true))
      .put("log", new JsonObject()
        .put("format", "json")
        .put("level", "INFO"))
      .put("live", new JsonObject()
        .put("tickMs", 50)
        .put("maxConnections", 20_000)
        .put("maxTopicsPerClient", 500)
        .put("maxTopicsPerMessage", 100)
        .put("maxMessageBytes", 16_384)
        .put("maxClientErrors", 10)
        .put("clientQueuedEvents", 256)
        .put("clientQueuedValues", 1024)
        .put("clientWriteQueueBytes", 65_536)
        .put("stalledCloseSeconds", 120)
        .put("topologyRefreshSeconds", 60)
        .put("latestMaxEntries", 500_000))
      .put("redis", new JsonObject()
        .put("url", null)
        .put("keyPrefix", "gridledger:")
        .put("latestTtlSeconds", 86_400));
  }
}
