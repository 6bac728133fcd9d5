package io.gridledger.ingest.mqtt;

import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With an external broker configured, the backend subscribes through a shared subscription and stores what gateways
 * publish there. Runs against the machine's Mosquitto (GRIDLEDGER_TEST_MQTT_URL, default tcp://127.0.0.1:1883).
 */
@DisplayName("Ingest through an external MQTT broker")
class MqttBrokerIngestTest {

  private static final String BROKER = System.getenv().getOrDefault("GRIDLEDGER_TEST_MQTT_URL", "tcp://127.0.0.1:1883");
  private static TestBackend backend;
  private static TwoSites sites;
  private static String admin;

  @BeforeAll
  static void start() {
    java.net.URI uri = java.net.URI.create(BROKER);
    try (java.net.Socket probe = new java.net.Socket(uri.getHost(), uri.getPort())) {
      probe.isConnected();
    } catch (java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no MQTT broker at " + BROKER + " (.ci/run starts Mosquitto)");
    }
    String group = "gl-test-" + UUID.randomUUID().toString().substring(0, 8);
    backend = TestBackend.start(new JsonObject().put("mqtt", new JsonObject().put("brokerUrl", BROKER)
      .put("sharedGroup", group)));
    sites = TwoSites.create(backend);
    admin = backend.login(TestBackend.ADMIN);
  }

  @AfterAll
  static void stop() {
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  @DisplayName("a batch a gateway publishes to the broker is stored once, and another gateway's meter is refused")
  void brokerBatchIsStored() throws Exception {
    java.net.URI uri = java.net.URI.create(BROKER);
    MqttClient gateway = MqttClient.create(backend.vertx(), new MqttClientOptions().setClientId("gw-1-" + UUID.randomUUID()));
    gateway.connect(uri.getPort(), uri.getHost()).await();
    String unique = UUID.randomUUID().toString().substring(0, 6);
    JsonArray readings = new JsonArray()
      .add(reading("A-M1", "2026-09-01T00:00:00Z", 10))
      .add(reading("A-M1", "2026-09-01T00:15:00Z", 11.5));
    Buffer batch = new JsonObject().put("gateway", "gw-1").put("readings", readings).put("nonce", unique).toBuffer();
    // Published twice: the second copy must be counted as a duplicate, not stored again.
    waitForSubscription(gateway, batch);
    gateway.publish(GatewayTopics.readings("gw-1"), batch, MqttQoS.AT_LEAST_ONCE, false, false).await();
    gateway.publish(GatewayTopics.readings("gw-2"), new JsonObject().put("readings", new JsonArray()
      .add(reading("A-M2", "2026-09-01T00:00:00Z", 5))).toBuffer(), MqttQoS.AT_LEAST_ONCE, false, false).await();
    gateway.disconnect().await();

    ContractHttp http = ContractHttp.of(backend);
    String meter1 = sites.a.get("meter1").toString();
    assertEquals(2, http.call("listMeterReadings", "GET", "/meters/" + meter1 + "/readings", admin, null)
      .json().getJsonArray("items").size());
    awaitDeadLetter(http, "A-M2");
    assertEquals(0, http.call("listMeterReadings", "GET", "/meters/" + sites.a.get("meter2") + "/readings", admin, null)
      .json().getJsonArray("items").size(), "gw-2 may not report A-M2, which is bound to gw-1");
  }

  /** The backend subscribes asynchronously after start: publish until the first copy is visibly stored. */
  private static void waitForSubscription(MqttClient gateway, Buffer batch) throws InterruptedException {
    ContractHttp http = ContractHttp.of(backend);
    for (int attempt = 0; attempt < 100; attempt++) {
      gateway.publish(GatewayTopics.readings("gw-1"), batch, MqttQoS.AT_LEAST_ONCE, false, false).await();
      Thread.sleep(100);
      if (!http.call("listMeterReadings", "GET", "/meters/" + sites.a.get("meter1") + "/readings", admin, null)
        .json().getJsonArray("items").isEmpty()) {
        return;
      }
    }
    throw new AssertionError("the backend never stored a batch published to the broker");
  }

  private static void awaitDeadLetter(ContractHttp http, String serial) throws InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      JsonArray letters = http.call("listDeadLetters", "GET", "/dead-letters", admin, null).json().getJsonArray("items");
      if (letters.stream().anyMatch(l -> serial.equals(((JsonObject) l).getString("meterSerial")))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no dead letter for " + serial);
  }

  private static JsonObject reading(String serial, String ts, double value) {
    return new JsonObject().put("meter", serial).put("register", "energy_active_import").put("ts", ts)
      .put("value", value).put("unit", "kWh");
  }
}
