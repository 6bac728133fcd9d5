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
      .put("ledger", new JsonObject()
        .put("maxBatchTransfers", 5000)
        .put("batchParallelism", 2)
        .put("walletCreditLimitMinor", 0)
        .put("walletLowBalanceMinor", 1000))
      .put("payments", new JsonObject()
        .put("sandboxEnabled", false)
        .put("returnUrl", null)
        .put("stripeSecretKey", null)
        .put("stripeWebhookSecret", null)
        .put("stripeApiBase", "https://api.stripe.com")
        .put("stripeWebhookToleranceSeconds", 300)
        .put("stripeTimeoutMs", 10_000));
  }
}
