package io.gridledger.control;

import io.gridledger.auth.Role;
import io.gridledger.simulator.DeviceSimulator;
import io.gridledger.simulator.SimulatorOptions;
import io.gridledger.testsupport.Await;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The relay tests' world: the real backend (short retries: {@link #MAX_ATTEMPTS} attempts, 5 s each, 0.5 s backoff)
 * with {@link RelaySite} imported, and the device simulator serving that site over Modbus TCP, OPC UA and MQTT (its
 * gateway logged in to the backend's endpoint). Simulated time starts two days back and runs {@link #TIME_SCALE}
 * times as fast, so counters visibly move between two stored readings (even in a Modbus float32) while the readings'
 * timestamps stay in the past, where ingest accepts them. Logins: admin, rc-operator, rc-integration, rc-tenant (the
 * shop's tenant).
 */
final class RelayFixture implements AutoCloseable {

  static final int MAX_ATTEMPTS = 3;
  static final double TIME_SCALE = 120;
  private static final Duration OUTCOME_WAIT = Duration.ofSeconds(60);

  final TestBackend backend;
  final ContractHttp http;
  final String admin;
  final String adminSubject;
  final UUID siteId;
  final Map<String, UUID> meters = new HashMap<>();
  final String gatewayKey;
  private final Vertx simVertx = Vertx.vertx();
  final DeviceSimulator sim;
  private final LinkedBlockingQueue<JsonObject> live = new LinkedBlockingQueue<>();

  RelayFixture() throws Exception {
    backend = TestBackend.start(new JsonObject()
      .put("control", new JsonObject().put("maxAttempts", MAX_ATTEMPTS).put("confirmTimeoutMs", 5_000)
        .put("backoffMs", 500).put("maxBackoffMs", 1_000))
      .put("field", new JsonObject().put("modbusRetries", 1).put("modbusBackoffMs", 100).put("modbusTimeoutMs", 1_000)));
    http = ContractHttp.of(backend);
    admin = backend.login(TestBackend.ADMIN);
    adminSubject = http.call("getCurrentPrincipal", "GET", "/auth/me", admin, null).json().getString("subject");
    Response imported = http.call("importSite", "POST", "/sites/import", admin, RelaySite.document("Relay Park"));
    assertEquals(201, imported.status(), imported::text);
    siteId = UUID.fromString(imported.json().getJsonObject("site").getString("id"));
    backend.rows("SELECT id, serial FROM meter WHERE site_id = '" + siteId + "'").forEach(row -> meters.put(
      ((JsonObject) row).getString("serial"), UUID.fromString(((JsonObject) row).getString("id"))));
    Response key = http.call("createApiKey", "POST", "/api-keys", admin, new JsonObject().put("name", "relay gateway")
      .put("role", "integration").put("siteIds", new JsonArray().add(siteId.toString())));
    assertEquals(201, key.status(), key::text);
    gatewayKey = key.json().getString("key");
    sim = DeviceSimulator.start(simVertx, RelaySite.document("Relay Park"), new SimulatorOptions().tickMillis(100)
      .clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(-2))).timeScale(TIME_SCALE)
      .mqttHost("127.0.0.1").mqttPort(backend.mqttPort()).mqttPublishInterval(Duration.ofMillis(500))
      .mqttCredentials(RelaySite.GATEWAY, gatewayKey)).await(30, TimeUnit.SECONDS);
    backend.vertx().eventBus().<JsonObject>consumer(RelayControl.LIVE_ADDRESS, m -> live.add(m.body()));
    UUID tenantId = UUID.fromString(backend.rows("SELECT id FROM tenant WHERE site_id = '" + siteId + "'")
      .getJsonObject(0).getString("id"));
    backend.createUser("rc-operator", Role.OPERATOR, new UUID[] {siteId}, null);
    backend.createUser("rc-integration", Role.INTEGRATION, new UUID[] {siteId}, null);
    backend.createUser("rc-tenant", Role.TENANT, new UUID[0], tenantId);
    // Every protocol is connected once each meter has delivered a reading through it.
    for (String serial : List.copyOf(meters.keySet())) {
      awaitReadings(serial, Instant.EPOCH, 1);
    }
  }

  @Override
  public void close() throws Exception {
    backend.close();
    sim.close().await(30, TimeUnit.SECONDS);
    simVertx.close().await(30, TimeUnit.SECONDS);
  }

  // ---- commands ----

  Response command(String token, String serial, String action, String reason, Boolean override) {
    JsonObject body = new JsonObject().put("action", action).put("reason", reason);
    if (override != null) {
      body.put("overrideCriticalLoad", override);
    }
    return http.call("createMeterCommand", "POST", "/meters/" + meters.get(serial) + "/commands", token, body);
  }

  static JsonObject accepted(Response r) {
    assertEquals(202, r.status(), r::text);
    return r.json();
  }

  JsonObject get(String commandId) {
    return http.call("getCommand", "GET", "/commands/" + commandId, admin, null).json();
  }

  /** The command once confirmed, failed or superseded (bounded wait). */
  JsonObject awaitOutcome(String commandId) throws InterruptedException {
    return awaitFinished(http, admin, commandId);
  }

  static JsonObject awaitFinished(ContractHttp http, String token, String commandId) throws InterruptedException {
    return Await.until("command " + commandId + " to finish", OUTCOME_WAIT, () -> {
      JsonObject c = http.call("getCommand", "GET", "/commands/" + commandId, token, null).json();
      return List.of("confirmed", "failed", "superseded").contains(c.getString("state")) ? c : null;
    });
  }

  JsonObject relay(UUID meterId) {
    return http.call("getMeterRelay", "GET", "/meters/" + meterId + "/relay", admin, null).json();
  }

  /** The one relay_unconfirmed alarm of the meter. */
  JsonObject relayAlarm(UUID meterId) {
    JsonArray alarms = http.call("listAlarms", "GET", "/alarms?kind=relay_unconfirmed&meterId=" + meterId, admin, null)
      .json().getJsonArray("items");
    assertEquals(1, alarms.size(), alarms::encode);
    return alarms.getJsonObject(0);
  }

  /** Waits (bounded) for the live event of a confirmed change, skipping others. */
  void assertLiveEvent(JsonObject expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (expected.equals(live.poll(200, TimeUnit.MILLISECONDS))) {
        return;
      }
    }
    fail("no live relay event " + expected);
  }

  long commandCount(UUID meterId) {
    return backend.rows("SELECT count(*) AS n FROM meter_command WHERE meter_id = '" + meterId + "'")
      .getJsonObject(0).getLong("n");
  }

  /** Creates a meter on the site (not served by the simulator); returns its id. */
  String createMeter(JsonObject meter) {
    Response r = http.call("createMeter", "POST", "/sites/" + siteId + "/meters", admin, meter.put("multiplier", 1));
    assertEquals(201, r.status(), r::text);
    meters.put(meter.getString("serial"), UUID.fromString(r.json().getString("id")));
    return r.json().getString("id");
  }

  // ---- the device ----

  /** Five more simulator ticks leave the energy register exactly where it was. */
  void assertCounterStops(String serial) throws InterruptedException {
    double before = sim.meter(serial).value("energy_active_import");
    awaitTicks(5);
    assertEquals(before, sim.meter(serial).value("energy_active_import"), 0.0, serial + " counts with its relay open");
  }

  void assertCounterRuns(String serial) throws InterruptedException {
    double before = sim.meter(serial).value("energy_active_import");
    awaitTicks(5);
    double after = sim.meter(serial).value("energy_active_import");
    assertTrue(after > before, serial + " does not count with its relay closed: " + before + " -> " + after);
  }

  void awaitTicks(int ticks) throws InterruptedException {
    long target = sim.tickCount() + ticks;
    Await.until(ticks + " simulator ticks", Duration.ofSeconds(30), () -> sim.tickCount() >= target ? true : null);
  }

  /** The newest {@code count} stored energy readings stamped after {@code after}, newest first. */
  List<Double> awaitReadings(String serial, Instant after, int count) throws InterruptedException {
    return Await.until(count + " readings of " + serial + " after " + after, Duration.ofSeconds(60), () -> {
      List<Double> values = readings(serial, after, count);
      return values.size() < count ? null : values;
    });
  }

  List<Double> readings(String serial, Instant after, int limit) {
    String from = URLEncoder.encode(after.plusMillis(1).toString(), StandardCharsets.UTF_8);
    return http.call("listMeterReadings", "GET", "/meters/" + meters.get(serial)
        + "/readings?register=energy_active_import&limit=" + limit + "&from=" + from, admin, null).json()
      .getJsonArray("items").stream().map(i -> ((JsonObject) i).getDouble("value")).toList();
  }

  // ---- MQTT gateways the test plays itself ----

  MqttClient gatewayClient(String gateway) {
    MqttClient client = MqttClient.create(simVertx, new MqttClientOptions().setClientId(gateway).setUsername(gateway)
      .setPassword(gatewayKey).setCleanSession(true));
    client.connect(backend.mqttPort(), "127.0.0.1").await();
    return client;
  }

  /** Publishes with QoS 1 and waits for the endpoint's PUBACK, which it sends after handing the event on. */
  static void publishAcknowledged(MqttClient client, String topic, JsonObject payload) throws InterruptedException {
    LinkedBlockingQueue<Integer> acked = new LinkedBlockingQueue<>();
    client.publishCompletionHandler(acked::add);
    int packetId = client.publish(topic, payload.toBuffer(), MqttQoS.AT_LEAST_ONCE, false, false).await();
    assertEquals(packetId, acked.poll(10, TimeUnit.SECONDS), "PUBACK of " + topic);
  }
}
