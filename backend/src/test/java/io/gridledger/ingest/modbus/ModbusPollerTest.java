package io.gridledger.ingest.modbus;

import io.gridledger.simulator.DeviceSimulator;
import io.gridledger.simulator.SimulatorOptions;
import io.gridledger.simulator.modbus.RegisterMap;
import io.gridledger.testsupport.Await;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend polls the device simulator's Modbus TCP meters (an SDM630 endpoint with two unit ids and an EM24
 * endpoint with two) and stores their readings; relay writes reach the device; an offline meter counts errors.
 */
@DisplayName("Modbus TCP polling against the device simulator")
class ModbusPollerTest {

  // j2mod keeps slaves in a JVM-wide table keyed by port: ports no other test uses.
  private static final int SDM_PORT = 15021, EM24_PORT = 15022;
  static final String SDM_VALUES = "MB-SDM-1", SDM_RELAY = "MB-SDM-2", EM24_VALUES = "MB-EM24-1",
    EM24_OFFLINE = "MB-EM24-2";

  private static Vertx simVertx;
  private static DeviceSimulator sim;
  private static TestBackend backend;
  private static ContractHttp http;
  private static String admin;
  private static UUID siteId;
  private static final Map<String, UUID> meters = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    JsonObject document = document();
    simVertx = Vertx.vertx();
    // An hour of simulated time per second: energy counters move visibly between one-second polls.
    sim = DeviceSimulator.start(simVertx, document, new SimulatorOptions().tickMillis(50).timeScale(3600)
      .mqttPort(freePort())).await(30, TimeUnit.SECONDS);
    backend = TestBackend.start();
    http = ContractHttp.of(backend);
    admin = backend.login(TestBackend.ADMIN);
    ContractHttp.Response imported = http.call("importSite", "POST", "/sites/import", admin, document);
    assertEquals(201, imported.status(), imported::text);
    siteId = UUID.fromString(imported.json().getJsonObject("site").getString("id"));
    for (Object row : backend.rows("SELECT id, serial FROM meter WHERE site_id = '" + siteId + "'")) {
      JsonObject r = (JsonObject) row;
      meters.put(r.getString("serial"), UUID.fromString(r.getString("id")));
    }
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
  @DisplayName("energy readings of an SDM630 (float32) and an EM24 (scaled int32, low word first) match the devices")
  void readingsMatchTheSimulator() throws Exception {
    for (String serial : List.of(SDM_VALUES, EM24_VALUES)) {
      double before = sim.meter(serial).value("energy_active_import");
      Instant asked = Instant.now();
      JsonObject reading = awaitReading(serial, "energy_active_import", asked);
      double after = sim.meter(serial).value("energy_active_import");
      double value = reading.getDouble("value");
      assertEquals("modbus", reading.getString("source"));
      assertEquals("kWh", reading.getString("unit"));
      // The counter only grows: what was read lies between the simulator's value before and after (float32 and the
      // EM24's 0.1 kWh resolution aside).
      double tolerance = 0.1 + Math.abs(after) * 1e-6;
      assertTrue(before - tolerance <= value && value <= after + tolerance, before + " <= " + value + " <= " + after);
      // the other registers of the site model are polled too
      awaitReading(serial, "voltage_l1", asked);
      awaitReading(serial, "power_active", asked);
    }
    JsonObject health = deviceHealth(SDM_VALUES);
    assertEquals(0, health.getInteger("errorCount"), health::encode);
  }

  @Test
  @DisplayName("opening the relay through writeRelay stops the energy register; closing it resumes counting")
  void relayWriteStopsTheCounter() throws Exception {
    UUID meter = meters.get(SDM_RELAY);
    awaitReading(SDM_RELAY, "energy_active_import", Instant.EPOCH);
    assertEquals(true, relay(meter, null));
    assertEquals(false, relay(meter, false));
    assertFalse(sim.meter(SDM_RELAY).relayClosed());
    assertEquals(false, relay(meter, null), "readRelay reads the coil back");
    // Two successive polls after the relay opened read the same energy.
    JsonObject first = awaitReading(SDM_RELAY, "energy_active_import", Instant.now().plusMillis(200));
    JsonObject second = awaitReading(SDM_RELAY, "energy_active_import", Instant.parse(first.getString("ts")));
    assertEquals(first.getDouble("value"), second.getDouble("value"), 0.0, "an open relay stops the counter");
    assertEquals(true, relay(meter, true));
    assertTrue(sim.meter(SDM_RELAY).relayClosed());
    JsonObject third = awaitReading(SDM_RELAY, "energy_active_import", Instant.now().plusMillis(500));
    assertTrue(third.getDouble("value") > second.getDouble("value"), "closing it again resumes counting");
  }

  @Test
  @DisplayName("an offline meter's failed polls are counted in device health, and polling resumes afterwards")
  void offlineMeterCountsErrors() throws Exception {
    awaitReading(EM24_OFFLINE, "energy_active_import", Instant.EPOCH);
    sim.faults().offline(EM24_OFFLINE, Duration.ofHours(4)); // 4 s of wall time at 3600x
    JsonObject health = Await.until("an error count for " + EM24_OFFLINE, Duration.ofSeconds(30), () -> {
      JsonObject h = deviceHealth(EM24_OFFLINE);
      return h.getInteger("errorCount") > 0 ? h : null;
    });
    assertTrue(health.getString("lastError").contains("modbus"), health::encode);
    Await.until(EM24_OFFLINE + " to come back", Duration.ofSeconds(30), () -> sim.meter(EM24_OFFLINE).online() ? true : null);
    awaitReading(EM24_OFFLINE, "energy_active_import", Instant.now());
  }

  @Test
  @DisplayName("contiguous registers are read in one request, gaps the map defines are bridged, others are not")
  void readPlanCoalesces() {
    RegisterMap sdm = RegisterMap.load("eastron-sdm630");
    List<ReadPlan.Block> blocks = ReadPlan.plan(sdm, List.of("voltage_l1", "current_l1", "energy_active_import",
      "energy_active_export", "power_active"));
    // voltage_l1..current_l1 (0..7, all defined), power_active alone (52), energy import+export (72..75)
    assertEquals(3, blocks.size(), blocks::toString);
    assertEquals(0, blocks.get(0).start());
    assertEquals(8, blocks.get(0).count());
    assertEquals(52, blocks.get(1).start());
    assertEquals(72, blocks.get(2).start());
    assertEquals(4, blocks.get(2).count());
    assertEquals(2, blocks.get(2).entries().size());
  }

  // ---- helpers ----

  private static Boolean relay(UUID meter, Boolean closed) {
    JsonObject body = new JsonObject().put("meterId", meter.toString());
    if (closed != null) {
      body.put("closed", closed);
    }
    return backend.vertx().eventBus().<JsonObject>request(ModbusPollerVerticle.RELAY_ADDRESS, body)
      .await().body().getBoolean("closed");
  }

  private static JsonObject deviceHealth(String serial) {
    JsonObject health = http.call("getDeviceHealth", "GET", "/sites/" + siteId + "/device-health", admin, null).json();
    return health.getJsonArray("meters").stream().map(JsonObject.class::cast)
      .filter(m -> serial.equals(m.getString("serial"))).findFirst().orElseThrow();
  }

  /** The newest reading of a register with a timestamp after {@code after}, waiting for one to be polled. */
  static JsonObject awaitReading(String serial, String register, Instant after) throws InterruptedException {
    return Await.until(register + " of " + serial + " after " + after, Duration.ofSeconds(30), () -> {
      JsonArray items = http.call("listMeterReadings", "GET", "/meters/" + meters.get(serial) + "/readings?register="
        + register + "&limit=1", admin, null).json().getJsonArray("items");
      if (items.isEmpty()) {
        return null;
      }
      JsonObject newest = items.getJsonObject(0);
      return Instant.parse(newest.getString("ts")).isAfter(after) ? newest : null;
    });
  }


  private static int freePort() throws Exception {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A site with two Modbus endpoints of two unit ids each, polled every second. */
  static JsonObject document() {
    JsonObject site = new JsonObject().put("name", "Modbus Park").put("timeZone", "Europe/Berlin").put("currency", "EUR");
    JsonArray square = new JsonArray().add(new JsonArray().add(0).add(0)).add(new JsonArray().add(10).add(0))
      .add(new JsonArray().add(10).add(10)).add(new JsonArray().add(0).add(10));
    JsonObject building = new JsonObject().put("key", "b").put("name", "Block").put("floors", new JsonArray()
      .add(new JsonObject().put("key", "b-L01").put("level", 1).put("name", "Level 1").put("elevationM", 4.0)
        .put("heightM", 4.0).put("footprint", square).put("units", new JsonArray()
          .add(new JsonObject().put("key", "b-U1").put("name", "Office").put("areaM2", 100).put("use", "office")
            .put("footprint", square)))));
    JsonArray meters = new JsonArray()
      .add(meter(SDM_VALUES, SDM_PORT, 1, "eastron-sdm630"))
      .add(meter(SDM_RELAY, SDM_PORT, 2, "eastron-sdm630"))
      .add(meter(EM24_VALUES, EM24_PORT, 1, "carlo-gavazzi-em24"))
      .add(meter(EM24_OFFLINE, EM24_PORT, 2, "carlo-gavazzi-em24"));
    return new JsonObject().put("site", site).put("buildings", new JsonArray().add(building)).put("meters", meters);
  }

  private static JsonObject meter(String serial, int port, int unitId, String map) {
    JsonArray registers = new JsonArray().add(reg("energy_active_import", "kWh")).add(reg("power_active", "kW"))
      .add(reg("voltage_l1", "V")).add(reg("current_l1", "A"));
    return new JsonObject().put("serial", serial).put("kind", "electricity").put("model", "test")
      .put("locationKey", "b-U1").put("registers", registers).put("criticalLoad", false).put("multiplier", 1)
      .put("binding", new JsonObject().put("protocol", "modbus").put("host", "127.0.0.1").put("port", port)
        .put("unitId", unitId).put("registerMap", map).put("pollIntervalSeconds", 1));
  }

  private static JsonObject reg(String name, String unit) {
    return new JsonObject().put("name", name).put("unit", unit);
  }
}
