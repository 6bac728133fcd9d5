package io.gridledger.ingest.opcua;

import io.gridledger.simulator.DeviceSimulator;
import io.gridledger.simulator.SimulatorOptions;
import io.gridledger.testsupport.Await;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend subscribes to the device simulator's OPC UA server: readings arrive with source "opcua", the relay is
 * written through relay_closed, Bad values count as errors, and the subscription survives a server restart.
 */
@DisplayName("OPC UA subscriptions against the device simulator")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpcUaIngestTest {

  private static final int OPCUA_PORT = 15041;
  private static final String ENDPOINT = "opc.tcp://127.0.0.1:" + OPCUA_PORT + "/gridledger";
  static final String MAIN = "UA-MAIN-1", HEAT = "UA-HEAT-1", FEEDER = "UA-FEED-1";

  private static Vertx simVertx;
  private static DeviceSimulator sim;
  private static TestBackend backend;
  private static ContractHttp http;
  private static String admin;
  private static UUID siteId;
  private static final Map<String, UUID> meters = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    simVertx = Vertx.vertx();
    startSimulator();
    backend = TestBackend.start();
    http = ContractHttp.of(backend);
    admin = backend.login(TestBackend.ADMIN);
    ContractHttp.Response imported = http.call("importSite", "POST", "/sites/import", admin, document());
    assertEquals(201, imported.status(), imported::text);
    siteId = UUID.fromString(imported.json().getJsonObject("site").getString("id"));
    for (Object row : backend.rows("SELECT id, serial FROM meter WHERE site_id = '" + siteId + "'")) {
      JsonObject r = (JsonObject) row;
      meters.put(r.getString("serial"), UUID.fromString(r.getString("id")));
    }
  }

  /** Real time (scale 1): OPC UA readings carry the simulator's source timestamps, which must not be in the future. */
  private static void startSimulator() throws Exception {
    sim = DeviceSimulator.start(simVertx, document(), new SimulatorOptions().tickMillis(100).timeScale(1)
      .mqttPort(freePort())).await(30, TimeUnit.SECONDS);
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
  @Order(1)
  @DisplayName("readings of subscribed registers are stored with source opcua and match the simulator")
  void readingsArrive() throws Exception {
    for (String[] meterRegister : new String[][] {{MAIN, "energy_active_import"}, {HEAT, "energy_heat"},
      {HEAT, "volume"}}) {
      String serial = meterRegister[0], register = meterRegister[1];
      double before = sim.meter(serial).value(register);
      JsonObject reading = awaitReading(serial, register, Instant.now());
      double after = sim.meter(serial).value(register);
      assertEquals("opcua", reading.getString("source"));
      double value = reading.getDouble("value");
      double tolerance = 1e-9 * Math.max(1, Math.abs(after));
      assertTrue(before - tolerance <= value && value <= after + tolerance, before + " <= " + value + " <= " + after);
    }
    assertEquals(0, deviceHealth(MAIN).getInteger("errorCount"));
  }

  @Test
  @Order(2)
  @DisplayName("writeRelay writes relay_closed on the device")
  void relayWrite() throws Exception {
    UUID meter = meters.get(FEEDER);
    awaitReading(FEEDER, "energy_active_import", Instant.EPOCH);   // subscribed, so connected
    assertTrue(sim.meter(FEEDER).relayClosed());
    relay(meter, false);
    assertFalse(sim.meter(FEEDER).relayClosed());
    relay(meter, true);
    assertTrue(sim.meter(FEEDER).relayClosed());
  }

  @Test
  @Order(3)
  @DisplayName("Bad_NoCommunication from an offline meter counts as a communication error")
  void badStatusCountsErrors() throws Exception {
    awaitReading(HEAT, "energy_heat", Instant.EPOCH);
    sim.faults().offline(HEAT, Duration.ofSeconds(4));
    JsonObject health = Await.until("an error count for " + HEAT, Duration.ofSeconds(30), () -> {
      JsonObject h = deviceHealth(HEAT);
      return h.getInteger("errorCount") > 0 ? h : null;
    });
    assertTrue(health.getString("lastError").contains("Bad"), health::encode);
    Await.until(HEAT + " to come back", Duration.ofSeconds(30), () -> sim.meter(HEAT).online() ? true : null);
    awaitReading(HEAT, "energy_heat", Instant.now());
  }

  @Test
  @Order(4)
  @DisplayName("after the OPC UA server restarts the subscription is recreated and readings continue")
  void survivesServerRestart() throws Exception {
    awaitReading(MAIN, "energy_active_import", Instant.EPOCH);
    sim.close().await(30, TimeUnit.SECONDS);
    Thread.sleep(2_000);
    startSimulator();
    Instant restarted = Instant.now();
    JsonObject reading = awaitReading(MAIN, "energy_active_import", restarted, Duration.ofSeconds(90));
    assertEquals("opcua", reading.getString("source"));
    awaitReading(HEAT, "energy_heat", restarted, Duration.ofSeconds(30));
  }

  // ---- helpers ----

  private static void relay(UUID meter, boolean closed) {
    JsonObject reply = backend.vertx().eventBus().<JsonObject>request(OpcUaIngestVerticle.RELAY_ADDRESS,
      new JsonObject().put("meterId", meter.toString()).put("closed", closed)).await().body();
    assertEquals(closed, reply.getBoolean("closed"));
  }

  private static JsonObject deviceHealth(String serial) {
    JsonObject health = http.call("getDeviceHealth", "GET", "/sites/" + siteId + "/device-health", admin, null).json();
    return health.getJsonArray("meters").stream().map(JsonObject.class::cast)
      .filter(m -> serial.equals(m.getString("serial"))).findFirst().orElseThrow();
  }

  static JsonObject awaitReading(String serial, String register, Instant after) throws InterruptedException {
    return awaitReading(serial, register, after, Duration.ofSeconds(30));
  }

  /** The newest reading of a register with a timestamp after {@code after}, waiting for one to arrive. */
  static JsonObject awaitReading(String serial, String register, Instant after, Duration timeout)
    throws InterruptedException {
    return Await.until(register + " of " + serial + " after " + after, timeout, () -> {
      JsonArray items = http.call("listMeterReadings", "GET", "/meters/" + meters.get(serial) + "/readings?register="
        + register + "&limit=1", admin, null).json().getJsonArray("items");
      if (items.isEmpty()) {
        return null;
      }
      JsonObject newest = items.getJsonObject(0);
      return Instant.parse(newest.getString("ts")).isAfter(after) ? newest : null;
    });
  }


  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Two electricity meters and a heat meter on one OPC UA endpoint, sampled every second. */
  static JsonObject document() {
    JsonObject site = new JsonObject().put("name", "OPC Park").put("timeZone", "Europe/Berlin").put("currency", "EUR");
    JsonArray square = new JsonArray().add(new JsonArray().add(0).add(0)).add(new JsonArray().add(10).add(0))
      .add(new JsonArray().add(10).add(10)).add(new JsonArray().add(0).add(10));
    JsonObject building = new JsonObject().put("key", "b").put("name", "Block").put("floors", new JsonArray()
      .add(new JsonObject().put("key", "b-L01").put("level", 1).put("name", "Level 1").put("elevationM", 4.0)
        .put("heightM", 4.0).put("footprint", square).put("units", new JsonArray()
          .add(new JsonObject().put("key", "b-U1").put("name", "Office").put("areaM2", 100).put("use", "office")
            .put("footprint", square)))));
    JsonArray electricity = new JsonArray().add(reg("energy_active_import", "kWh")).add(reg("power_active", "kW"))
      .add(reg("voltage_l1", "V"));
    JsonArray heat = new JsonArray().add(reg("energy_heat", "MWh")).add(reg("power_thermal", "kW"))
      .add(reg("flow_rate", "m3/h")).add(reg("volume", "m3"));
    JsonArray meters = new JsonArray()
      .add(meter(MAIN, "electricity", null, electricity))
      .add(meter(FEEDER, "electricity", "b-U1", electricity.copy()))
      .add(meter(HEAT, "heat", "b-L01", heat));
    return new JsonObject().put("site", site).put("buildings", new JsonArray().add(building)).put("meters", meters);
  }

  private static JsonObject meter(String serial, String kind, String location, JsonArray registers) {
    JsonObject meter = new JsonObject().put("serial", serial).put("kind", kind).put("model", "test")
      .put("registers", registers).put("criticalLoad", false).put("multiplier", 1)
      .put("binding", new JsonObject().put("protocol", "opcua").put("endpointUrl", ENDPOINT)
        .put("nodeId", "ns=2;s=" + serial).put("pollIntervalSeconds", 1));
    if (location != null) {
      meter.put("locationKey", location);
    }
    return meter;
  }

  private static JsonObject reg(String name, String unit) {
    return new JsonObject().put("name", name).put("unit", unit);
  }
}
