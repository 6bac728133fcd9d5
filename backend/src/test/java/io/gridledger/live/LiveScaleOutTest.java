package io.gridledger.live;

import io.gridledger.ingest.mqtt.GatewayTopics;
import io.gridledger.testsupport.Await;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two backend instances sharing one PostgreSQL database, Redis and Mosquitto (external broker with a shared
 * subscription, as in a scaled-out installation): what one instance ingests reaches WebSocket clients of the other,
 * a client connecting anywhere gets the current values from Redis, and the alarm sweep runs on one instance only.
 */
@DisplayName("Live push across two instances (Redis, Mosquitto, one database)")
class LiveScaleOutTest {

  private static final String BROKER = System.getenv().getOrDefault("GRIDLEDGER_TEST_MQTT_URL", "tcp://127.0.0.1:1883");
  private static final String REDIS = System.getenv().getOrDefault("GRIDLEDGER_TEST_REDIS_URL", "redis://127.0.0.1:6379");
  private static TestBackend one;
  private static TestBackend two;
  private static TwoSites sites;
  private static Vertx clients;

  @BeforeAll
  static void start() {
    requireServer(BROKER, "an MQTT broker");
    requireServer(REDIS, "Redis");
    String unique = UUID.randomUUID().toString().substring(0, 8);
    // Both instances in one shared-subscription group, one Redis key space of their own, a sweep every second.
    JsonObject config = new JsonObject()
      .put("mqtt", new JsonObject().put("brokerUrl", BROKER).put("sharedGroup", "gl-live-" + unique))
      .put("redis", new JsonObject().put("url", REDIS).put("keyPrefix", "gl-test-" + unique + ":"))
      .put("alarm", new JsonObject().put("sweepIntervalSeconds", 1));
    one = TestBackend.start(config);
    two = TestBackend.startSharing(one, config);
    sites = TwoSites.create(one);
    clients = Vertx.vertx();
  }

  private static void requireServer(String url, String what) {
    URI uri = URI.create(url);
    try (Socket probe = new Socket(uri.getHost(), uri.getPort())) {
      probe.isConnected();
    } catch (java.io.IOException e) {
      Assumptions.abort("no " + what + " at " + url + " (.ci/run starts one)");
    }
  }

  @AfterAll
  static void stop() {
    if (clients != null) {
      clients.close().await();
    }
    if (two != null) {
      two.close();
    }
    if (one != null) {
      one.close();
    }
  }

  private static LiveTestClient connect(TestBackend instance, String user, String... topics) throws Exception {
    LiveTestClient client = LiveTestClient.connect(clients, instance.app().port(), instance.login(user));
    client.subscribe(topics);
    client.awaitType("subscribed");
    return client;
  }

  private static boolean reading(JsonObject m, UUID meter, String ts) {
    return "reading".equals(m.getString("type")) && meter.toString().equals(m.getString("meterId"))
      && ts.equals(m.getString("ts"));
  }

  private static long originated(TestBackend instance) {
    return instance.app().live().metrics().await().getLong("eventsOriginated");
  }

  @Test
  @DisplayName("a reading a gateway publishes through Mosquitto reaches the clients of both instances")
  void readingCrossesInstances() throws Exception {
    UUID meter1 = sites.a.get("meter1");
    String site = "site:" + sites.a.get("site");
    URI broker = URI.create(BROKER);
    MqttClient gateway = MqttClient.create(clients, new MqttClientOptions()
      .setClientId("gw-1-" + UUID.randomUUID()).setCleanSession(true));
    gateway.connect(broker.getPort(), broker.getHost()).await();
    try (LiveTestClient onOne = connect(one, "operator-a", site);
         LiveTestClient onTwo = connect(two, "tenant-a1", "meter:" + meter1)) {
      Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
      long before = originated(one) + originated(two);
      int published = 6;
      for (int i = 0; i < published; i++) {
        // One at a time, each awaited on both sides: $share hands each message to one instance, either one.
        String ts = start.plusSeconds(i).toString();
        double valueKwh = 100 + i * 0.25;
        JsonObject batch = new JsonObject().put("gateway", "gw-1").put("readings", new JsonArray()
          .add(new JsonObject().put("meter", "A-M1").put("register", "energy_active_import").put("ts", ts)
            .put("value", valueKwh).put("unit", "kWh")));
        JsonObject seenOne = publishUntilSeen(gateway, batch, onOne, meter1, ts, i == 0);
        JsonObject seenTwo = onTwo.await("reading " + i + " on instance two", m -> reading(m, meter1, ts));
        assertEquals(valueKwh, seenOne.getDouble("value"), 1e-9);
        assertEquals(valueKwh, seenTwo.getDouble("value"), 1e-9);
      }
      assertTrue(originated(one) + originated(two) - before >= published, "each reading was originated somewhere");
      long arrived = one.app().live().metrics().await().getLong("eventsArrived")
        + two.app().live().metrics().await().getLong("eventsArrived");
      assertTrue(arrived >= published, "every reading crossed to the other instance through Redis: " + arrived);

      // A client connecting later to either instance gets the current value at once, from Redis.
      String lastTs = start.plusSeconds(published - 1).toString();
      for (TestBackend instance : List.of(one, two)) {
        try (LiveTestClient late = connect(instance, "operator-a", "meter:" + meter1)) {
          JsonObject current = late.await("current value", m -> "reading".equals(m.getString("type")));
          assertTrue(current.getBoolean("snapshot"));
          assertEquals(lastTs, current.getString("ts"));
          assertEquals(100 + (published - 1) * 0.25, current.getDouble("value"), 1e-9);
        }
      }
    } finally {
      gateway.disconnect().await();
    }
  }

  /**
   * The instances subscribe to the broker asynchronously after they start: the first message is published again
   * until it is seen (a copy already stored is a duplicate and not pushed twice).
   */
  private static JsonObject publishUntilSeen(MqttClient gateway, JsonObject batch, LiveTestClient client, UUID meter,
                                             String ts, boolean retry) throws Exception {
    for (int attempt = 0; attempt < (retry ? 50 : 1); attempt++) {
      gateway.publish(GatewayTopics.readings("gw-1"), batch.toBuffer(), MqttQoS.AT_LEAST_ONCE, false, false).await();
      long deadline = System.nanoTime() + Duration.ofMillis(retry ? 400 : 20_000).toNanos();
      while (System.nanoTime() < deadline) {
        for (JsonObject m : client.received()) {
          if (reading(m, meter, ts)) {
            return m;
          }
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("reading " + ts + " never reached " + client.received());
  }

  @Test
  @DisplayName("an alarm raised on one instance reaches a site subscriber on the other")
  void alarmCrossesInstances() throws Exception {
    UUID meter2 = sites.a.get("meter2");
    try (LiveTestClient onTwo = connect(two, "operator-a", "site:" + sites.a.get("site"))) {
      UUID alarm = TwoSites.raiseQuarantineAlarm(ContractHttp.of(one), one.login(TestBackend.ADMIN), "A-M2", meter2);
      JsonObject pushed = onTwo.await("the alarm", m -> "alarm".equals(m.getString("type"))
        && alarm.toString().equals(m.getJsonObject("alarm").getString("id")));
      assertEquals("raised", pushed.getString("change"));
      assertEquals(meter2.toString(), pushed.getJsonObject("alarm").getString("meterId"));
    }
  }

  @Test
  @DisplayName("the alarm sweep runs on one instance only, and another takes over when its lead connection dies")
  void sweepRunsOnce() throws Exception {
    TestBackend leader = Await.until("a sweep lead", Duration.ofSeconds(30), () ->
      one.app().alarmSweepLead().runs() >= 3 ? one : two.app().alarmSweepLead().runs() >= 3 ? two : null);
    TestBackend follower = leader == one ? two : one;
    long followerRuns = follower.app().alarmSweepLead().runs();
    long skipsBefore = follower.app().alarmSweepLead().skips();
    long leaderRuns = leader.app().alarmSweepLead().runs();
    Await.until("three more sweeps", Duration.ofSeconds(30),
      () -> leader.app().alarmSweepLead().runs() >= leaderRuns + 3 ? true : null);
    assertEquals(0, followerRuns, "the follower never swept");
    assertEquals(0, follower.app().alarmSweepLead().runs(), "the follower never swept");
    assertTrue(follower.app().alarmSweepLead().skips() > skipsBefore, "the follower's timer ticked and skipped");

    // The leader's lock connection dies (a network cut, a restarted proxy): PostgreSQL releases the lock.
    one.rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
      + "'gridledger-lead-alarm-sweep' AND datname = current_database() AND pid IN (SELECT pid FROM pg_locks "
      + "WHERE locktype = 'advisory' AND granted)");
    Await.until("a lead again", Duration.ofSeconds(30), () ->
      one.app().alarmSweepLead().isLeader() || two.app().alarmSweepLead().isLeader() ? true : null);
    long total = one.app().alarmSweepLead().runs() + two.app().alarmSweepLead().runs();
    Await.until("sweeps under the new lead", Duration.ofSeconds(30), () ->
      one.app().alarmSweepLead().runs() + two.app().alarmSweepLead().runs() >= total + 3 ? true : null);
    assertFalse(one.app().alarmSweepLead().isLeader() && two.app().alarmSweepLead().isLeader(),
      "never two leads at once");
  }
}
