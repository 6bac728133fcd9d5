package io.gridledger.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL for tests. By default an embedded one (zonky binaries, started once per test JVM); with
 * GRIDLEDGER_TEST_DB_URL (for example postgresql://postgres@127.0.0.1:5432/postgres) the given server instead, which
 * is how CI also runs the suite against the machine's PostgreSQL. Each test class gets a database of its own.
 */
public final class TestDatabase {

  private static String serverUrl;
  private static EmbeddedPostgres embedded;

  private TestDatabase() {
  }

  /** Creates an empty database and returns its postgresql:// URL. */
  public static synchronized String freshDatabase() {
    String server = server();
    String name = "gl_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(jdbc(server)); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database on " + server + ": " + e.getMessage(), e);
    }
    return server.substring(0, server.lastIndexOf('/') + 1) + name;
  }

  /** Drops a database made by {@link #freshDatabase()}, so repeated runs leave nothing behind on a shared server. */
  public static synchronized void drop(String databaseUrl) {
    String name = databaseUrl.substring(databaseUrl.lastIndexOf('/') + 1);
    if (!name.startsWith("gl_test_")) {
      throw new IllegalArgumentException("not a test database: " + name);
    }
    try (Connection c = DriverManager.getConnection(jdbc(server())); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
    }
  }

  public static boolean usingExternalServer() {
    return configuredUrl() != null;
  }

  private static String server() {
    if (serverUrl != null) {
      return serverUrl;
    }
    String configured = configuredUrl();
    if (configured != null) {
      serverUrl = configured.startsWith("jdbc:") ? configured.substring(5) : configured;
      return serverUrl;
    }
    try {
      embedded = EmbeddedPostgres.builder()
        .setDataDirectory(Files.createTempDirectory("gl-test-pg"))
        .setCleanDataDirectory(true)
        .setServerConfig("max_connections", "300")
        .setServerConfig("fsync", "off")
        .start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
    }
    serverUrl = "postgresql://postgres@localhost:" + embedded.getPort() + "/postgres";
    return serverUrl;
  }

  private static String configuredUrl() {
    String url = System.getProperty("gridledger.test.dbUrl");
    if (url == null || url.isBlank() || url.startsWith("${")) {
      url = System.getenv("GRIDLEDGER_TEST_DB_URL");
    }
    return url == null || url.isBlank() ? null : url;
  }

  /** postgresql://user[:pw]@host:port/db to a JDBC URL with user and password as parameters. */
  public static String jdbc(String url) {
    java.net.URI uri = java.net.URI.create(url);
    String userInfo = uri.getUserInfo();
    String user = userInfo == null ? "postgres" : userInfo.split(":", 2)[0];
    String query = "?user=" + user + (userInfo != null && userInfo.contains(":") ? "&password=" + userInfo.split(":", 2)[1] : "");
    return "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath() + query;
  }
}
