package io.gridledger.demo;

import io.gridledger.Application;
import io.gridledger.config.GridledgerConfig;
import io.gridledger.testsupport.ContractHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Demo mode with nothing configured: embedded PostgreSQL under a data directory that outlives the process. */
@DisplayName("Demo mode on the embedded database")
class DemoRestartTest {

  @Test
  @DisplayName("seeds the demo site once and keeps it, and its logins, across a restart")
  void demoDataSurvivesRestart(@TempDir Path dataDir) throws IOException {
    JsonObject config = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("db", new JsonObject().put("embeddedDataDir", dataDir.resolve("postgres").toString())
        .put("embeddedPort", freePort()))
      .put("mqtt", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("auth", new JsonObject().put("passwordHashIterations", 1000))
      // Devices use fixed demo ports; their readings are covered by the demo's own test, not this restart check.
      .put("demo", new JsonObject().put("enabled", true).put("devices", false));

    JsonObject first = runOnce(config);
    JsonObject second = runOnce(config);

    assertEquals(first.getString("siteId"), second.getString("siteId"), "the same site, not a second seeding");
    assertEquals(1, second.getInteger("sites"));
    assertEquals(51, second.getInteger("tenants"));
    assertEquals(161, second.getInteger("meters"));
    assertEquals(5, first.getInteger("tariffs"), "electricity, water, gas, heat and cooling");
    assertEquals(5, second.getInteger("tariffs"), "tariffs are seeded once");
    assertEquals(first.getInteger("assignments"), second.getInteger("assignments"));
    assertTrue(first.getInteger("assignments") >= 51, "every demo tenant has at least its electricity tariff");
    // Every third tenant (t1, t4, ..., t49) is prepaid: 17 opening top-ups, once, one of them (tenant4) deliberately low.
    assertEquals(17, first.getInteger("openings"));
    assertEquals(17, second.getInteger("openings"), "a restart replays the openings, it does not pay twice");
    assertEquals(1, second.getInteger("lowOpenings"));
  }

  /** Starts the backend, checks the demo logins work over HTTP, reads the site back, stops everything. */
  private static JsonObject runOnce(JsonObject config) {
    Vertx vertx = Vertx.vertx();
    Application app = new Application(vertx, GridledgerConfig.of(config)).start().await();
    try {
      String base = "http://127.0.0.1:" + app.port();
      assertEquals(200, ContractHttp.send(HttpRequest.newBuilder(URI.create(base + "/health")).build()).status());
      String admin = login(base, "admin", DemoSeeder.ADMIN_PASSWORD);
      String tenant = login(base, "tenant1", DemoSeeder.TENANT_PASSWORD);
      JsonObject me = get(base, "/api/v1/auth/me", tenant);
      assertEquals("tenant", me.getString("role"));
      JsonObject sites = get(base, "/api/v1/sites", admin);
      JsonObject site = sites.getJsonArray("items").getJsonObject(0);
      String siteId = site.getString("id");
      JsonObject tariffs = get(base, "/api/v1/tenants/" + me.getString("tenantId") + "/tariffs", tenant);
      JsonObject electricity = tariffs.getJsonArray("assignments").stream().map(a -> (JsonObject) a)
        .filter(a -> a.getString("utility").equals("electricity")).findFirst().orElseThrow();
      JsonObject tariff = get(base, "/api/v1/tariffs/" + electricity.getString("tariffId"), tenant);
      assertEquals("Harbourside electricity 2026", tariff.getString("name"));
      return new JsonObject().put("siteId", siteId).put("sites", sites.getJsonArray("items").size())
        .put("tenants", count(app, "tenant")).put("meters", count(app, "meter")).put("tariffs", count(app, "tariff"))
        .put("assignments", count(app, "tariff_assignment"))
        .put("openings", count(app, "ledger_transfer WHERE kind = 'top_up' AND created_by = 'demo'"))
        .put("lowOpenings", count(app, "ledger_leg l JOIN ledger_transfer t ON t.id = l.transfer_id "
          + "WHERE t.created_by = 'demo' AND l.side = 'C' AND l.amount_minor = " + DemoWallets.LOW_MINOR));
    } finally {
      app.stop().await();
      vertx.close().await();
    }
  }

  private static String login(String base, String user, String password) {
    ContractHttp.Response r = ContractHttp.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/token"))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", user).put("password", password).encode()))
      .build());
    assertEquals(200, r.status(), r.text());
    return r.json().getString("accessToken");
  }

  private static JsonObject get(String base, String path, String token) {
    ContractHttp.Response r = ContractHttp.send(HttpRequest.newBuilder(URI.create(base + path))
      .header("Authorization", "Bearer " + token).build());
    assertEquals(200, r.status(), r.text());
    return r.json();
  }

  private static int count(Application app, String table) {
    return app.pool().query("SELECT count(*) AS n FROM " + table).execute().await().iterator().next().getInteger("n");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
