package io.gridledger.simulator;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.MqttTopicSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.gridledger.simulator.TestSite.ENV;
import static io.gridledger.simulator.TestSite.GAS_SHOP;
import static io.gridledger.simulator.TestSite.GW_INDUSTRIAL;
import static io.gridledger.simulator.TestSite.GW_TOWER;
import static io.gridledger.simulator.TestSite.WATER_HALL;
import static io.gridledger.simulator.TestSite.WATER_SHOP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateways against a tiny Vert.x MQTT server in the test that records every PUBLISH it gets. */
class MqttTest {

  private static final String READINGS = "gridledger/gateways/" + GW_TOWER + "/readings";
  private static final String EVENTS = "gridledger/gateways/" + GW_TOWER + "/events";
  private static final String COMMANDS = "gridledger/gateways/" + GW_TOWER + "/commands";

  private record Received(String clientId, String topic, String payload, MqttQoS qos) { }

  private static final TestSite SITE = new TestSite();
  private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
  private static final Map<String, MqttEndpoint> CLIENTS = new ConcurrentHashMap<>();
  private static final Set<String> SUBSCRIPTIONS = ConcurrentHashMap.newKeySet();
  private static Vertx vertx;
  private static MqttServer broker;
  private static DeviceSimulator sim;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    broker = recordingBroker(0, true);
    // Ten simulated minutes per second, a batch every 100 ms: consecutive batches are a minute apart in ts.
    sim = DeviceSimulator.start(vertx, SITE.document(), new SimulatorOptions().tickMillis(50).timeScale(600)
      .mqttHost("127.0.0.1").mqttPort(broker.actualPort()).mqttPublishInterval(Duration.ofMillis(100)))
      .await(30, TimeUnit.SECONDS);
    Waiting.until("both gateways to subscribe to their commands", () -> SUBSCRIPTIONS.size() == 2);
  }

  @AfterAll
  static void stop() throws Exception {
    sim.close().await(30, TimeUnit.SECONDS);
    broker.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** A broker that acknowledges everything; with record, it keeps what it gets for the assertions. */
  private static MqttServer recordingBroker(int port, boolean record) throws Exception {
    MqttServer server = MqttServer.create(vertx, new MqttServerOptions().setHost("127.0.0.1").setPort(port));
    server.endpointHandler(endpoint -> {
      String clientId = endpoint.clientIdentifier();
      endpoint.publishAutoAck(true);
      if (!record) {
        endpoint.subscriptionAutoAck(true);
        endpoint.accept(false);
        return;
      }
      endpoint.subscribeHandler(subscribe -> {
        subscribe.topicSubscriptions().forEach(s -> SUBSCRIPTIONS.add(clientId + " " + s.topicName() + " "
          + s.qualityOfService()));
        endpoint.subscribeAcknowledge(subscribe.messageId(), subscribe.topicSubscriptions().stream()
          .map(MqttTopicSubscription::qualityOfService).toList());
      });
      endpoint.publishHandler(message -> RECEIVED.add(new Received(clientId, message.topicName(),
        message.payload().toString(), message.qosLevel())));
      CLIENTS.put(clientId, endpoint);
      endpoint.accept(false);
    });
    return server.listen().await(30, TimeUnit.SECONDS);
  }

  @Test
  void gatewaysSubscribeToTheirCommandsWithQos1() {
    assertEquals(Set.of(GW_TOWER + " " + COMMANDS + " AT_LEAST_ONCE",
      GW_INDUSTRIAL + " gridledger/gateways/" + GW_INDUSTRIAL + "/commands AT_LEAST_ONCE"), SUBSCRIPTIONS);
  }

  @Test
  void aBatchCarriesEveryRegisterOfEveryMeterOfTheGatewayInTheDocumentedFormat() {
    Received received = next(READINGS);
    assertEquals(GW_TOWER, received.clientId(), "the client id is the gateway id");
    assertEquals(MqttQoS.AT_LEAST_ONCE, received.qos());
    JsonObject batch = new JsonObject(received.payload());
    assertEquals(Set.of("gateway", "readings"), batch.fieldNames());
    assertEquals(GW_TOWER, batch.getString("gateway"));
    JsonArray readings = batch.getJsonArray("readings");
    Map<String, List<String>> registersByMeter = readings.stream().map(JsonObject.class::cast)
      .collect(Collectors.groupingBy(r -> r.getString("meter"), Collectors.mapping(r -> r.getString("register"),
        Collectors.toList())));
    assertEquals(Map.of(WATER_SHOP, List.of("volume", "flow_rate"), GAS_SHOP, List.of("volume"),
      ENV, List.of("temperature", "humidity", "co2", "pm25")), registersByMeter);
    String ts = readings.getJsonObject(0).getString("ts");
    for (Object item : readings) {
      JsonObject reading = (JsonObject) item;
      assertEquals(Set.of("meter", "register", "ts", "value", "unit"), reading.fieldNames());
      assertEquals(ts, reading.getString("ts"), "one tick per batch");
      assertTrue(reading.getValue("value") instanceof Number);
      assertTrue(reading.getString("ts").endsWith("Z"));
      Instant.parse(reading.getString("ts"));
    }
    JsonObject co2 = readings.stream().map(JsonObject.class::cast).filter(r -> r.getString("register").equals("co2"))
      .findFirst().orElseThrow();
    assertEquals("ppm", co2.getString("unit"));
    double value = co2.getDouble("value");
    assertTrue(value >= 400 && value <= 1200, "CO2 " + value);

    JsonObject industrial = new JsonObject(next("gridledger/gateways/" + GW_INDUSTRIAL + "/readings").payload());
    assertEquals(Set.of(WATER_HALL), industrial.getJsonArray("readings").stream()
      .map(r -> ((JsonObject) r).getString("meter")).collect(Collectors.toSet()));
  }

  @Test
  void duplicateNextBatchPublishesTheSameBatchTwice() {
    int from = RECEIVED.size();
    sim.faults().duplicateNextBatch(GW_TOWER);
    Waiting.until("two identical batches in a row", () -> {
      List<String> batches = payloads(READINGS, from);
      for (int i = 1; i < batches.size(); i++) {
        if (batches.get(i).equals(batches.get(i - 1))) {
          return true;
        }
      }
      return false;
    });
  }

  @Test
  void shuffleNextBatchDeliversABatchAfterItsSuccessor() {
    int from = RECEIVED.size();
    sim.faults().shuffleNextBatch(GW_TOWER);
    Waiting.until("a batch older than the one before it", () -> {
      List<Instant> times = payloads(READINGS, from).stream().map(MqttTest::batchTime).toList();
      for (int i = 1; i < times.size(); i++) {
        if (times.get(i).isBefore(times.get(i - 1))) {
          return true;
        }
      }
      return false;
    });
  }

  @Test
  void malformedNextMessageSendsInvalidJsonOnceThenRecovers() {
    int from = RECEIVED.size();
    sim.faults().malformedNextMessage(GW_TOWER);
    Waiting.until("a malformed batch followed by a good one", () -> {
      List<String> batches = payloads(READINGS, from);
      for (int i = 0; i + 1 < batches.size(); i++) {
        if (!parses(batches.get(i)) && parses(batches.get(i + 1))) {
          return true;
        }
      }
      return false;
    });
    assertEquals(1, payloads(READINGS, from).stream().filter(p -> !parses(p)).count());
  }

  @Test
  void anOfflineMeterIsMissingFromTheBatches() {
    sim.faults().offline(GAS_SHOP, Duration.ofMinutes(10)); // a second of wall time at 600x
    int from = RECEIVED.size();
    Waiting.until("a batch without the offline meter", () -> payloads(READINGS, from).stream().anyMatch(p ->
      !p.contains(GAS_SHOP) && p.contains(WATER_SHOP)));
    Waiting.until("the meter to return to the batches", () -> {
      List<String> batches = payloads(READINGS, from);
      return !batches.isEmpty() && batches.get(batches.size() - 1).contains(GAS_SHOP);
    });
  }

  @Test
  void aRelayCommandFlipsTheValveAndIsAcknowledged() {
    assertTrue(sim.meter(WATER_SHOP).relayClosed());
    int from = RECEIVED.size();
    command(new JsonObject().put("command", "relay").put("meter", WATER_SHOP).put("state", "open")
      .put("commandId", "c-1"));
    JsonObject event = event("c-1", from);
    assertEquals("relay", event.getString("type"));
    assertEquals(WATER_SHOP, event.getString("meter"));
    assertEquals("open", event.getString("state"));
    Instant.parse(event.getString("ts"));
    assertFalse(sim.meter(WATER_SHOP).relayClosed());
    assertEquals(0.0, sim.meter(WATER_SHOP).value("flow_rate"), "a closed valve stops the flow");

    command(new JsonObject().put("command", "relay").put("meter", WATER_SHOP).put("state", "closed")
      .put("commandId", "c-2"));
    assertEquals("closed", event("c-2", from).getString("state"));
    assertTrue(sim.meter(WATER_SHOP).relayClosed());
  }

  @Test
  void aCommandForAnotherGatewaysMeterIsRejected() {
    int from = RECEIVED.size();
    command(new JsonObject().put("command", "relay").put("meter", WATER_HALL).put("state", "open")
      .put("commandId", "c-3"));
    JsonObject event = event("c-3", from);
    assertEquals("command-rejected", event.getString("type"));
    assertEquals("unknown-meter", event.getString("reason"));
    assertTrue(sim.meter(WATER_HALL).relayClosed());
  }

  @Test
  void aGatewayConnectsOnceItsBrokerComesUp() throws Exception {
    int port = TestSite.freePort();
    TestSite other = new TestSite();
    DeviceSimulator late = DeviceSimulator.start(vertx, other.document(), new SimulatorOptions().tickMillis(50)
      .mqttPort(port).mqttPublishInterval(Duration.ofMillis(100))).await(30, TimeUnit.SECONDS);
    try {
      assertFalse(late.gatewayConnected(GW_TOWER), "no broker yet, and the simulator runs anyway");
      MqttServer lateBroker = recordingBroker(port, false);
      try {
        Waiting.until("the gateway to connect with backoff", () -> late.gatewayConnected(GW_TOWER));
      } finally {
        lateBroker.close().await(30, TimeUnit.SECONDS);
      }
    } finally {
      late.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static void command(JsonObject command) {
    CLIENTS.get(GW_TOWER).publish(COMMANDS, Buffer.buffer(command.encode()), MqttQoS.AT_LEAST_ONCE, false, false);
  }

  private static JsonObject event(String commandId, int from) {
    Waiting.until("an event for " + commandId, () -> payloads(EVENTS, from).stream()
      .anyMatch(p -> commandId.equals(new JsonObject(p).getString("commandId"))));
    return payloads(EVENTS, from).stream().map(JsonObject::new)
      .filter(e -> commandId.equals(e.getString("commandId"))).findFirst().orElseThrow();
  }

  private static Received next(String topic) {
    int from = RECEIVED.size();
    Waiting.until("a message on " + topic, () -> RECEIVED.stream().skip(from).anyMatch(r -> r.topic().equals(topic)));
    return RECEIVED.stream().skip(from).filter(r -> r.topic().equals(topic)).findFirst().orElseThrow();
  }

  private static List<String> payloads(String topic, int from) {
    return RECEIVED.stream().skip(from).filter(r -> r.topic().equals(topic)).map(Received::payload).toList();
  }

  private static Instant batchTime(String payload) {
    if (!parses(payload)) {
      return Instant.MIN; // another test's malformed batch
    }
    JsonArray readings = new JsonObject(payload).getJsonArray("readings");
    return readings.isEmpty() ? Instant.MIN : Instant.parse(readings.getJsonObject(0).getString("ts"));
  }

  private static boolean parses(String payload) {
    try {
      new JsonObject(payload);
      return true;
    } catch (DecodeException e) {
      return false;
    }
  }
}
