package io.gridledger.demo;

import io.gridledger.Application;
import io.gridledger.config.GridledgerConfig;
import io.gridledger.testsupport.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo as a user runs it: backend plus simulated field on the demo's own ports. Every demo meter must report
 * through the protocol it is bound to (Modbus, OPC UA, MQTT), heat and environment values included.
 */
@DisplayName("The demo's field devices")
class DemoFieldTest {

  @Test
  @DisplayName("within two minutes every demo meter has readings through its own protocol")
  void everyMeterReportsThroughItsProtocol() throws InterruptedException {
    String dbUrl = TestDatabase.freshDatabase();
    JsonObject config = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("db", new JsonObject().put("url", dbUrl))
      .put("mqtt", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("auth", new JsonObject().put("passwordHashIterations", 1000))
      .put("demo", new JsonObject().put("enabled", true).put("devices", true));
    Vertx vertx = Vertx.vertx();
    Application app = new Application(vertx, GridledgerConfig.of(config)).start().await();
    try {
      Map<String, Integer> silent = null;
      for (int attempt = 0; attempt < 120; attempt++) {
        silent = silentMetersByProtocol(app);
        if (silent.isEmpty()) {
          break;
        }
        Thread.sleep(1000);
      }
      assertEquals(Map.of(), silent, "meters without a reading through their own protocol, by protocol");
      Map<String, Integer> kinds = readingsByKind(app);
      assertTrue(kinds.getOrDefault("heat", 0) > 0 && kinds.getOrDefault("cooling", 0) > 0, kinds.toString());
      assertTrue(kinds.getOrDefault("environment", 0) > 0, kinds.toString());
      assertEquals(161, app.pool().query("SELECT count(DISTINCT meter_id) AS n FROM reading").execute().await()
        .iterator().next().getInteger("n"));
    } finally {
      app.stop().await();
      vertx.close().await();
      TestDatabase.drop(dbUrl);   // a shared server (CI's second pass) keeps no database per run
    }
  }

  private static Map<String, Integer> silentMetersByProtocol(Application app) {
    Map<String, Integer> silent = new TreeMap<>();
    for (Row row : app.pool().query("SELECT m.protocol, count(*) AS n FROM meter m WHERE NOT EXISTS ("
      + "SELECT 1 FROM reading r WHERE r.meter_id = m.id AND r.source = m.protocol) GROUP BY m.protocol").execute().await()) {
      silent.put(row.getString("protocol"), row.getInteger("n"));
    }
    return silent;
  }

  private static Map<String, Integer> readingsByKind(Application app) {
    Map<String, Integer> kinds = new TreeMap<>();
    for (Row row : app.pool().query("SELECT m.kind, count(*) AS n FROM reading r JOIN meter m ON m.id = r.meter_id "
      + "GROUP BY m.kind").execute().await()) {
      kinds.put(row.getString("kind"), row.getInteger("n"));
    }
    return kinds;
  }
}
