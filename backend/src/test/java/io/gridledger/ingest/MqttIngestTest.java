package io.gridledger.ingest;

import io.gridledger.Application;
import io.gridledger.ingest.mqtt.MqttGatewayServer;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.MeteringProbe;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.MqttConnectionException;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubAckMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.gridledger.testsupport.MeteringProbe.reading;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The built-in MQTT gateway endpoint, spoken to by a real MQTT client over TCP: gateways log in with client id =
 * gateway id and an API key as password, publish reading batches with QoS 1 and get the PUBACK only once the
 * readings are committed, and receive commands on their commands topic.
 */
@DisplayName("MQTT gateway ingest")
class MqttIngestTest {

  private static final String READINGS = "gridledger/gateways/gw-1/readings";
  private static final String COMMANDS = "gridledger/gateways/gw-1/commands";
  private static TestBackend backend;
  private static TwoSites sites;
  private static MeteringProbe probe;
  private static String apiKey;
  private static Vertx clientVertx;
  private MqttClient client;
  /** Packet ids the endpoint acknowledged (PUBACK), filled by the client's publishCompletionHandler. */
  private final Set<Integer> acked = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() {
    backend = TestBackend.start();
    sites = TwoSites.create(backend);
    ContractHttp http = ContractHttp.of(backend);
    String admin = backend.login(TestBackend.ADMIN);
    probe = new MeteringProbe(backend, http, admin);
    Response key = http.call("createApiKey", "POST", "/api-keys", admin, new JsonObject().put("name", "gateway gw-1")
      .put("role", "integration").put("siteIds", new JsonArray().add(sites.a.get("site").toString())));
    assertEquals(201, key.status(), key::text);
    apiKey = key.json().getString("key");
    // A meter of site A that another gateway (gw-2) reports.
    Response gw2 = http.call("createMeter", "POST", "/sites/" + sites.a.get("site") + "/meters", admin,
      MeteringProbe.meter("A-GW2").put("binding", new JsonObject().put("protocol", "mqtt").put("gateway", "gw-2")));
    assertEquals(201, gw2.status(), gw2::text);
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    clientVertx.close().await();
    backend.close();
  }

  @AfterEach
  void disconnect() {
    if (client != null && client.isConnected()) {
      client.disconnect().await();
    }
  }

  private MqttClient connect(String password) {
    client = MqttClient.create(clientVertx, new MqttClientOptions().setClientId("gw-1").setUsername("anything")
      .setPassword(password).setCleanSession(true));
    client.publishCompletionHandler(acked::add);
    client.connect(backend.mqttPort(), "127.0.0.1").await();
    return client;
  }

  /** Publishes with QoS 1 and waits (bounded) for the PUBACK of exactly that packet; fails if none comes. */
  private void publishAndAwaitAck(String payload) {
    int packetId = client.publish(READINGS, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false).await();
    assertTrue(MeteringProbe.poll(() -> acked.contains(packetId), done -> done), "PUBACK for packet " + packetId);
  }

  private static String batch(JsonObject... readings) {
    return new JsonObject().put("gateway", "gw-1").put("readings", new JsonArray(List.of((Object[]) readings))).encode();
  }

  private JsonArray readingsOf(String fixtureMeter, String from, String to) {
    UUID meterId = sites.a.get(fixtureMeter);
    return probe.http().call("listMeterReadings", "GET", "/meters/" + meterId + "/readings?from=" + from + "&to=" + to,
      probe.token(), null).json().getJsonArray("items");
  }

  private JsonArray deadLetters() {
    return probe.http().call("listDeadLetters", "GET", "/dead-letters?source=mqtt&siteId=" + sites.a.get("site"),
      probe.token(), null).json().getJsonArray("items");
  }

  @Test
  @DisplayName("a QoS 1 batch is acknowledged (PUBACK) only once its readings are in the database")
  void pubackMeansDurable() {
    connect(apiKey);
    for (int hour = 10; hour < 13; hour++) {
      String h = "2026-11-10T" + hour;
      publishAndAwaitAck(batch(reading("A-M1", h + ":00:00Z", hour * 10), reading("A-M1", h + ":15:00Z", hour * 10 + 1),
        reading("A-M1", h + ":30:00Z", hour * 10 + 2), reading("A-M1", h + ":45:00Z", hour * 10 + 3)));
      // Right after the PUBACK, no waiting: the durability contract says the four readings are already committed.
      JsonArray stored = readingsOf("meter1", h + ":00:00Z", h + ":59:00Z");
      assertEquals(4, stored.size(), () -> "after the PUBACK of hour " + h + ": " + stored.encode());
      assertEquals("mqtt", stored.getJsonObject(0).getString("source"));
      assertEquals("gw-1", stored.getJsonObject(0).getString("gateway"));
    }
    // 12 readings in total, each once (three batches, four readings each).
    assertEquals(12, readingsOf("meter1", "2026-11-10T00:00:00Z", "2026-11-11T00:00:00Z").size());
  }

  @Test
  @DisplayName("a gateway with a wrong API key is refused at CONNACK")
  void badCredentialsAreRefused() {
    Throwable refused = assertThrows(Throwable.class, () -> connect("glk_not-a-key"));
    assertInstanceOf(MqttConnectionException.class, refused);
    assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
      ((MqttConnectionException) refused).code());
    assertFalse(client.isConnected());
  }

  @Test
  @DisplayName("a gateway cannot write a meter bound to another gateway or outside its key's sites: dead-lettered, not stored")
  void foreignMetersAreDeadLettered() {
    connect(apiKey);
    int before = deadLetters().size();
    publishAndAwaitAck(batch(reading("A-GW2", "2026-11-11T10:00:00Z", 5), reading("B-M1", "2026-11-11T10:00:00Z", 6),
      reading("A-M2", "2026-11-11T10:00:00Z", 7)));
    UUID gw2Meter = UUID.fromString(backend.rows("SELECT id FROM meter WHERE serial = 'A-GW2'").getJsonObject(0).getString("id"));
    assertEquals(0, probe.readings(gw2Meter).size(), "gw-2's meter is not written by gw-1");
    assertEquals(0, probe.readings(sites.b.get("meter1")).size(), "site B is outside the key's scope");
    assertEquals(1, readingsOf("meter2", "2026-11-11T00:00:00Z", "2026-11-12T00:00:00Z").size(), "the good reading");
    JsonArray dead = deadLetters();
    assertEquals(before + 2, dead.size(), dead::encode);
    for (String serial : List.of("A-GW2", "B-M1")) {
      assertTrue(dead.stream().map(d -> (JsonObject) d).anyMatch(d -> serial.equals(d.getString("meterSerial"))
        && "gw-1".equals(d.getString("gateway")) && d.getString("reason").startsWith("unknown meter serial")),
        () -> serial + " not dead-lettered: " + dead.encode());
    }
  }

  @Test
  @DisplayName("a malformed payload is dead-lettered and acknowledged, and the connection stays usable")
  void malformedPayloadKeepsTheConnection() {
    connect(apiKey);
    publishAndAwaitAck("{\"readings\": [ this is not json");
    assertTrue(deadLetters().stream().map(d -> (JsonObject) d).anyMatch(d -> d.getString("reason").equals("malformed JSON")
      && d.getString("payload").equals("{\"readings\": [ this is not json")));
    assertTrue(client.isConnected());
    publishAndAwaitAck(batch(reading("A-M2", "2026-11-12T10:00:00Z", 70), reading("A-M2", "2026-11-12T10:15:00Z", 71)));
    assertEquals(2, readingsOf("meter2", "2026-11-12T00:00:00Z", "2026-11-13T00:00:00Z").size());
  }

  @Test
  @DisplayName("a gateway's subscription to its commands topic is granted QoS 1 and a command sent to it arrives")
  void commandsReachTheGateway() throws Exception {
    connect(apiKey);
    LinkedBlockingQueue<MqttSubAckMessage> subAcks = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<MqttPublishMessage> received = new LinkedBlockingQueue<>();
    client.subscribeCompletionHandler(subAcks::add);
    client.publishHandler(received::add);
    client.subscribe(Map.of(COMMANDS, 1)).await();
    MqttSubAckMessage granted = subAcks.poll(10, TimeUnit.SECONDS);
    assertNotNull(granted, "SUBACK");
    assertEquals(List.of(1), granted.grantedQoSLevels());
    // Another gateway's commands are not for this one: refused (0x80).
    client.subscribe(Map.of("gridledger/gateways/gw-2/commands", 1)).await();
    assertEquals(List.of(0x80), subAcks.poll(10, TimeUnit.SECONDS).grantedQoSLevels());

    // No HTTP operation sends commands yet; the endpoint verticle is reached through the application's field.
    java.lang.reflect.Field field = Application.class.getDeclaredField("mqttServer");
    field.setAccessible(true);
    MqttGatewayServer server = (MqttGatewayServer) field.get(backend.app());
    JsonObject command = new JsonObject().put("command", "relay").put("meter", "A-M1").put("state", "open")
      .put("commandId", "cmd-1");
    server.sendCommand("gw-1", command).await();
    MqttPublishMessage message = received.poll(10, TimeUnit.SECONDS);
    assertNotNull(message, "the command");
    assertEquals(COMMANDS, message.topicName());
    assertEquals(MqttQoS.AT_LEAST_ONCE, message.qosLevel());
    assertEquals(command, message.payload().toJsonObject());
    assertThrows(Exception.class, () -> server.sendCommand("gw-9", command).await(), "gw-9 is not connected");
  }
}
