package io.gridledger.control;

import io.gridledger.simulator.DeviceSimulator;
import io.gridledger.simulator.SimulatorOptions;
import io.gridledger.testsupport.Await;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * With an external broker (the machine's Mosquitto, GRIDLEDGER_TEST_MQTT_URL), relay commands are published through
 * the backend's broker client and confirmed from the gateway's events on the broker. The simulated gateway connects
 * to the broker, not to the backend.
 */
@DisplayName("Relay commands through an external MQTT broker")
class RelayControlBrokerTest {

  private static final String BROKER = System.getenv().getOrDefault("GRIDLEDGER_TEST_MQTT_URL", "tcp://127.0.0.1:1883");
  /** Unique per run: the broker is shared with other tests and other runs. */
  private static final String GATEWAY = "rcb-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String SERIAL = "RCB-1";

  private static TestBackend backend;
  private static Vertx simVertx;
  private static DeviceSimulator sim;
  private static ContractHttp http;
  private static String admin;
  private static UUID meterId;

  @BeforeAll
  static void start() throws Exception {
    URI broker = URI.create(BROKER);
    try (java.net.Socket probe = new java.net.Socket(broker.getHost(), broker.getPort())) {
      probe.isConnected();
    } catch (java.io.IOException e) {
      Assumptions.abort("no MQTT broker at " + BROKER + " (.ci/run starts Mosquitto)");
    }
    backend = TestBackend.start(new JsonObject().put("mqtt", new JsonObject().put("brokerUrl", BROKER)
      .put("sharedGroup", "rcb-" + UUID.randomUUID().toString().substring(0, 8))));
    http = ContractHttp.of(backend);
    admin = backend.login(TestBackend.ADMIN);
    JsonObject document = document();
    Response imported = http.call("importSite", "POST", "/sites/import", admin, document);
    assertEquals(201, imported.status(), imported::text);
    UUID siteId = UUID.fromString(imported.json().getJsonObject("site").getString("id"));
    meterId = UUID.fromString(backend.rows("SELECT id FROM meter WHERE site_id = '" + siteId + "'").getJsonObject(0)
      .getString("id"));
    simVertx = Vertx.vertx();
    sim = DeviceSimulator.start(simVertx, document, new SimulatorOptions().tickMillis(100)
      .mqttHost(broker.getHost()).mqttPort(broker.getPort()).mqttPublishInterval(Duration.ofMillis(500)))
      .await(30, TimeUnit.SECONDS);
    Await.until("gateway " + GATEWAY + " on the broker", Duration.ofSeconds(30),
      () -> sim.gatewayConnected(GATEWAY) ? true : null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (backend != null) {
      backend.close();
    }
    if (sim != null) {
      sim.close().await(30, TimeUnit.SECONDS);
    }
    if (simVertx != null) {
      simVertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("open and close are published to the gateway through the broker and confirmed from its events")
  void cutOffAndRestoreThroughTheBroker() throws Exception {
    // The backend subscribes in the background after start: retry until the command is confirmed once.
    JsonObject opened = Await.until("an open command confirmed through the broker", Duration.ofSeconds(60), () -> {
      JsonObject outcome = outcome(command("open"));
      return "confirmed".equals(outcome.getString("state")) ? outcome : null;
    });
    assertEquals(List.of("open", "mqtt"), List.of(opened.getString("reportedState"), opened.getString("protocol")));
    assertFalse(sim.meter(SERIAL).relayClosed());
    double frozen = sim.meter(SERIAL).value("energy_active_import");
    long tick = sim.tickCount();
    Await.until("five ticks", Duration.ofSeconds(30), () -> sim.tickCount() >= tick + 5 ? true : null);
    assertEquals(frozen, sim.meter(SERIAL).value("energy_active_import"), 0.0);

    JsonObject closed = outcome(command("close"));
    assertEquals(List.of("confirmed", "closed", 1), List.of(closed.getString("state"),
      String.valueOf(closed.getString("reportedState")), closed.getInteger("attempts")), closed::encode);
    assertTrue(sim.meter(SERIAL).relayClosed());
  }

  private static String command(String action) {
    Response r = http.call("createMeterCommand", "POST", "/meters/" + meterId + "/commands", admin,
      new JsonObject().put("action", action).put("reason", "broker test"));
    assertEquals(202, r.status(), r::text);
    return r.json().getString("id");
  }

  private static JsonObject outcome(String commandId) {
    try {
      return RelayFixture.awaitFinished(http, admin, commandId);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject document() {
    JsonObject site = new JsonObject().put("name", "Broker Park").put("timeZone", "Europe/Berlin").put("currency", "EUR");
    JsonObject meter = new JsonObject().put("serial", SERIAL).put("kind", "electricity").put("multiplier", 1)
      .put("registers", new JsonArray().add(new JsonObject().put("name", "energy_active_import").put("unit", "kWh")))
      .put("binding", new JsonObject().put("protocol", "mqtt").put("gateway", GATEWAY));
    return new JsonObject().put("site", site).put("buildings", new JsonArray()).put("meters", new JsonArray().add(meter));
  }
}
