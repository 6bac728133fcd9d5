package io.gridledger.db;

import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * Connection settings from the {@code db} configuration section. Accepts {@code postgresql://} URLs and
 * {@code jdbc:postgresql://} URLs alike; the reactive client and Flyway's JDBC connection are derived from the same URL.
 */
public record DatabaseSettings(PgConnectOptions connect, PoolOptions pool, NetClientOptions net) {

  public static DatabaseSettings from(JsonObject db, String url) {
    String uri = url.startsWith("jdbc:") ? url.substring(5) : url;
    PgConnectOptions connect = PgConnectOptions.fromUri(uri);
    if (db.getString("user") != null) {
      connect.setUser(db.getString("user"));
    }
    if (db.getString("password") != null) {
      connect.setPassword(db.getString("password"));
    }
    connect.setCachePreparedStatements(true)
      .setPipeliningLimit(256)
      .addProperty("TimeZone", "UTC")
      .addProperty("application_name", "gridledger");
    PoolOptions pool = new PoolOptions()
      .setMaxSize(bounded(db.getInteger("poolSize"), 1, 200, "db.poolSize"))
      .setMaxWaitQueueSize(bounded(db.getInteger("maxWaitQueueSize"), 1, 100_000, "db.maxWaitQueueSize"))
      .setConnectionTimeout(db.getInteger("connectTimeoutMs"))
      .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
      .setIdleTimeout(db.getInteger("idleTimeoutSeconds"))
      .setShared(true)
      .setName("gridledger-pool");
    NetClientOptions net = new NetClientOptions().setConnectTimeout(db.getInteger("connectTimeoutMs"));
    return new DatabaseSettings(connect, pool, net);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
  }

  private static int bounded(int value, int min, int max, String key) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }
}
