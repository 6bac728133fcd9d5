package io.gridledger.live;

import io.gridledger.ingest.mqtt.GatewayTopics;
import io.gridledger.testsupport.Await;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Live push on one instance, over real WebSockets against the real backend: who may connect, who may subscribe to
 * what, what reaches whom after readings are ingested over MQTT, and what a client that stops reading costs.
 */
@DisplayName("Live push over WebSocket")
class LivePushTest {

  private static final int QUEUED_EVENTS = 40;
  private static TestBackend backend;
  private static TwoSites sites;
  private static ContractHttp http;
  private static String admin;
  private static Vertx clients;

  @BeforeAll
  static void start() {
    backend = TestBackend.start(new JsonObject().put("live", new JsonObject()
      .put("clientQueuedEvents", QUEUED_EVENTS).put("maxClientErrors", 3)));
    sites = TwoSites.create(backend);
    http = ContractHttp.of(backend);
    admin = backend.login(TestBackend.ADMIN);
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (clients != null) {
      clients.close().await();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private static int port() {
    return backend.app().port();
  }

  private static LiveTestClient as(String user) {
    return LiveTestClient.connect(clients, port(), backend.login(user));
  }

  private static int refusal(io.vertx.core.http.WebSocketConnectOptions options) {
    Throwable failure = LiveTestClient.attempt(clients, options, new WebSocketClientOptions())
      .map(c -> (Throwable) null).otherwise(e -> e).await();
    assertNotNull(failure, "the upgrade was accepted");
    assertInstanceOf(UpgradeRejectedException.class, failure, String.valueOf(failure));
    return ((UpgradeRejectedException) failure).getStatus();
  }

  @Test
  @DisplayName("an unauthenticated connection is refused at the upgrade; header and sub-protocol credentials work")
  void unauthenticatedIsRefused() throws Exception {
    assertEquals(401, refusal(LiveTestClient.options(port())));
    assertEquals(401, refusal(LiveTestClient.options(port()).addSubProtocol("gridledger.v1")
      .addSubProtocol("bearer.not-a-token")));
    assertEquals(401, refusal(LiveTestClient.options(port()).addHeader("X-API-Key", "glk_unknown")));
    assertEquals(400, refusal(LiveTestClient.options(port()).addSubProtocol("bearer." + admin)),
      "a credential offered without the gridledger.v1 sub-protocol");

    HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
      URI.create(backend.baseUrl() + LiveService.PATH)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(426, plain.statusCode());
    assertEquals("https://gridledger.io/problems/upgrade-required", new JsonObject(plain.body()).getString("type"));

    try (LiveTestClient header = LiveTestClient.connect(clients, LiveTestClient.options(port())
      .addHeader("Authorization", "Bearer " + backend.login("operator-a")));
         LiveTestClient browser = as("tenant-a1")) {
      assertEquals("operator", header.awaitType("ready").getString("role"));
      JsonObject ready = browser.awaitType("ready");
      assertEquals("tenant", ready.getString("role"));
      assertEquals("gridledger.v1", browser.socket.subProtocol(), "the server answers the protocol, not the token");
    }
  }

  @Test
  @DisplayName("a tenant subscribes to its own tenant, units and meters only; every other topic is refused by name")
  void tenantCannotSubscribeToOthers() throws Exception {
    TwoSites.SiteIds a = sites.a;
    TwoSites.SiteIds b = sites.b;
    try (LiveTestClient tenant = as("tenant-a1"); LiveTestClient operator = as("operator-a")) {
      tenant.awaitType("ready");
      tenant.send(new JsonObject().put("op", "subscribe").put("id", "own").put("topics", new JsonArray()
        .add("tenant:" + a.get("tenant1")).add("unit:" + a.get("unit1")).add("meter:" + a.get("meter1"))));
      JsonObject own = tenant.await("own subscription", m -> "own".equals(m.getString("id")));
      assertEquals("subscribed", own.getString("type"));
      assertEquals(Set.of("tenant:" + a.get("tenant1"), "unit:" + a.get("unit1"), "meter:" + a.get("meter1")),
        Set.copyOf(own.getJsonArray("topics").getList()));

      List<String> others = List.of("tenant:" + a.get("tenant2"), "unit:" + a.get("unit2"), "meter:" + a.get("meter2"),
        "meter:" + a.get("mainMeter"), "tenant:" + b.get("tenant1"), "meter:" + b.get("meter1"), "site:" + b.get("site"));
      tenant.send(new JsonObject().put("op", "subscribe").put("id", "others").put("topics", new JsonArray(others)));
      JsonObject notFound = tenant.await("refusal", m -> "others".equals(m.getString("id")));
      assertEquals("error", notFound.getString("type"));
      assertEquals("not-found", notFound.getString("error"));
      assertEquals(Set.copyOf(others), Set.copyOf(notFound.getJsonArray("topics").getList()));

      List<String> structure = List.of("site:" + a.get("site"), "building:" + a.get("building"),
        "floor:" + a.get("floor"));
      tenant.send(new JsonObject().put("op", "subscribe").put("id", "structure").put("topics", new JsonArray(structure)));
      JsonObject forbidden = tenant.await("forbidden", m -> "structure".equals(m.getString("id")));
      assertEquals("forbidden", forbidden.getString("error"));
      assertEquals(Set.copyOf(structure), Set.copyOf(forbidden.getJsonArray("topics").getList()));
      assertTrue(tenant.received().stream().noneMatch(m -> "subscribed".equals(m.getString("type"))
        && !"own".equals(m.getString("id"))), "nothing else was subscribed");

      operator.subscribe("site:" + b.get("site"), "site:" + a.get("site"));
      assertEquals(List.of("site:" + b.get("site")), operator.awaitType("error").getJsonArray("topics").getList());
      assertEquals(List.of("site:" + a.get("site")), operator.awaitType("subscribed").getJsonArray("topics").getList());

      JsonObject tenantStats = statsOf("tenant-a1");
      assertEquals(3, tenantStats.getInteger("topics"), "the server holds exactly the three allowed topics");
    }
  }

  /** The server's view of the connected client of {@code username} that holds topics. */
  private static JsonObject statsOf(String username) {
    String subject = "user:" + backend.rows("SELECT id FROM app_user WHERE username = '" + username + "'")
      .getJsonObject(0).getString("id");
    return backend.app().live().clientStats().await().stream()
      .filter(s -> s.getString("subject").equals(subject) && s.getInteger("topics") > 0)
      .findFirst().orElseThrow(() -> new AssertionError("no client of " + username + " on the server"));
  }

  @Test
  @DisplayName("clients cannot publish: any other operation is an error, and repeated abuse closes the socket")
  void clientsCannotPublish() throws Exception {
    try (LiveTestClient client = as("operator-a")) {
      client.awaitType("ready");
      client.send(new JsonObject().put("op", "publish").put("topic", "site:" + sites.a.get("site"))
        .put("data", new JsonObject().put("value", 1)));
      JsonObject error = client.awaitType("error");
      assertEquals("unknown-op", error.getString("error"));
      assertEquals("publish", error.getString("op"));
      client.socket.writeTextMessage("not json").await();
      client.await("invalid message", m -> "invalid-message".equals(m.getString("error")));
      client.send(new JsonObject().put("op", "subscribe").put("topics", new JsonArray().add("galaxy:42")));
      client.await("invalid topic", m -> "invalid-topic".equals(m.getString("error")));
      assertFalse(client.isClosed(), "three refusals are tolerated (live.maxClientErrors = 3)");
      client.send(new JsonObject().put("op", "delete"));
      assertEquals((short) 1008, client.awaitClosed());
    }
  }
  /** A gateway publishes a batch through the backend's MQTT endpoint and waits for the PUBACK (committed). */
  private static void gatewayPublishes(JsonArray readings) {
    String key = http.call("createApiKey", "POST", "/api-keys", admin, new JsonObject().put("name", "gw-1 " + UUID.randomUUID())
      .put("role", "integration").put("siteIds", new JsonArray().add(sites.a.get("site").toString()))).json().getString("key");
    MqttClient gateway = MqttClient.create(clients, new MqttClientOptions().setClientId("gw-1").setUsername("gw-1")
      .setPassword(key).setCleanSession(true));
    gateway.connect(backend.mqttPort(), "127.0.0.1").await();
    gateway.publish(GatewayTopics.readings("gw-1"), new JsonObject().put("gateway", "gw-1").put("readings", readings)
      .toBuffer(), MqttQoS.AT_LEAST_ONCE, false, false).await();
    gateway.disconnect().await();
  }

  private static JsonObject reading(String serial, String ts, double value, String unit) {
    return new JsonObject().put("meter", serial).put("register", "energy_active_import").put("ts", ts)
      .put("value", value).put("unit", unit);
  }

  /** A live (not snapshot) reading of {@code meter} measured at {@code ts}. */
  private static boolean readingOf(JsonObject m, UUID meter, String ts) {
    return "reading".equals(m.getString("type")) && meter.toString().equals(m.getString("meterId"))
      && ts.equals(m.getString("ts")) && !m.getBoolean("snapshot", false);
  }

  private static boolean readingOf(JsonObject m, UUID meter) {
    return "reading".equals(m.getString("type")) && meter.toString().equals(m.getString("meterId"));
  }

  @Test
  @DisplayName("the readings committed together reach a client in one frame: a JSON array of its messages, in order")
  void readingsOfOneTickComeInOneFrame() throws Exception {
    UUID meter1 = sites.a.get("meter1");
    UUID meter2 = sites.a.get("meter2");
    try (LiveTestClient operator = as("operator-a")) {
      operator.subscribe("meter:" + meter1, "meter:" + meter2);
      operator.awaitType("subscribed");
      Thread.sleep(1_000); // the current values (snapshot) of the two meters, if any, have arrived meanwhile
      int before = operator.frames();
      String at = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
      // One MQTT batch, one commit, one tick of the ingest tap: both readings in one burst.
      gatewayPublishes(new JsonArray().add(reading("A-M1", at, 11, "kWh")).add(reading("A-M2", at, 22, "kWh")));
      operator.await("meter 2's reading", m -> readingOf(m, meter2, at));
      assertEquals(before + 1, operator.frames(), "one frame for both readings: " + operator.rawFrames());
      String frame = operator.rawFrames().get(operator.rawFrames().size() - 1);
      JsonArray messages = new JsonArray(frame);
      assertEquals(2, messages.size(), frame);
      assertEquals(Set.of(meter1.toString(), meter2.toString()), messages.stream()
        .map(m -> ((JsonObject) m).getString("meterId")).collect(Collectors.toSet()));
      assertEquals(List.of("meter:" + meter2), messages.stream().map(m -> (JsonObject) m)
        .filter(m -> meter2.toString().equals(m.getString("meterId"))).findFirst().orElseThrow()
        .getJsonArray("topics").getList(), "each message names the client's topics it matched, as alone");
    }
  }

  @Test
  @DisplayName("a reading ingested over MQTT reaches the subscribers of its meter, unit, tenant and site with its value")
  void mqttReadingReachesSubscribers() throws Exception {
    TwoSites.SiteIds a = sites.a;
    UUID meter1 = a.get("meter1");
    UUID meter2 = a.get("meter2");
    try (LiveTestClient operator = as("operator-a"); LiveTestClient tenant1 = as("tenant-a1");
         LiveTestClient tenant2 = as("tenant-a2")) {
      operator.subscribe("site:" + a.get("site"), "meter:" + meter1);
      tenant1.subscribe("tenant:" + a.get("tenant1"));
      tenant2.subscribe("tenant:" + a.get("tenant2"));
      for (LiveTestClient c : List.of(operator, tenant1, tenant2)) {
        c.awaitType("subscribed");
      }
      // 1,234,567 Wh arrive as 1234.567 kWh, the register's unit. Meter 2's batch is published after meter 1's.
      // Now: newer than anything other tests stored, since live values never go back in time.
      String at = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
      gatewayPublishes(new JsonArray().add(reading("A-M1", at, 1_234_567, "Wh")));
      gatewayPublishes(new JsonArray().add(reading("A-M2", at, 777.25, "kWh")));

      JsonObject seen = operator.await("meter 1's reading", m -> readingOf(m, meter1, at));
      assertEquals(1234.567, seen.getDouble("value"), 1e-9);
      assertEquals("kWh", seen.getString("unit"));
      assertEquals(at, seen.getString("ts"));
      assertEquals(a.get("site").toString(), seen.getString("siteId"));
      assertEquals(Set.of("site:" + a.get("site"), "meter:" + meter1), Set.copyOf(seen.getJsonArray("topics").getList()),
        "one message, naming both of the operator's topics it matched");
      assertEquals(1, operator.received().stream().filter(m -> readingOf(m, meter1, at)).count());
      assertEquals(List.of("tenant:" + a.get("tenant1")),
        tenant1.await("own reading", m -> readingOf(m, meter1, at)).getJsonArray("topics").getList());
      assertEquals(777.25, tenant2.await("own reading", m -> readingOf(m, meter2, at)).getDouble("value"), 1e-9);
      // Per socket, messages keep their order: tenant 2 got meter 2's reading, so meter 1's was never sent to it.
      assertTrue(tenant2.received().stream().noneMatch(m -> readingOf(m, meter1)), "another tenant's meter");
      assertTrue(tenant1.received().stream().noneMatch(m -> readingOf(m, meter2)), "another tenant's meter");
      operator.await("meter 2's reading", m -> readingOf(m, meter2, at));

      try (LiveTestClient late = as("operator-a")) {
        late.subscribe("meter:" + meter1);
        JsonObject snapshot = late.await("current value", m -> readingOf(m, meter1));
        assertEquals(at, snapshot.getString("ts"));
        assertTrue(snapshot.getBoolean("snapshot"), "a client subscribing later gets the current value at once");
        assertEquals(1234.567, snapshot.getDouble("value"), 1e-9);
      }
    }
  }

  @Test
  @DisplayName("rebuilt intervals and alarm changes reach the meter's subscribers, not other tenants")
  void intervalsAndAlarms() throws Exception {
    TwoSites.SiteIds a = sites.a;
    UUID meter2 = a.get("meter2");
    try (LiveTestClient operator = as("operator-a"); LiveTestClient tenant1 = as("tenant-a1");
         LiveTestClient tenant2 = as("tenant-a2")) {
      operator.subscribe("site:" + a.get("site"));
      tenant1.subscribe("tenant:" + a.get("tenant1"));
      tenant2.subscribe("meter:" + meter2);
      for (LiveTestClient c : List.of(operator, tenant1, tenant2)) {
        c.awaitType("subscribed");
      }
      gatewayPublishes(new JsonArray().add(reading("A-M2", "2026-11-02T10:00:00Z", 500, "kWh"))
        .add(reading("A-M2", "2026-11-02T10:15:00Z", 501.5, "kWh")));
      JsonObject interval = tenant2.await("interval", m -> "interval".equals(m.getString("type"))
        && m.getJsonArray("intervals").stream().anyMatch(i -> "2026-11-02T10:00:00Z".equals(((JsonObject) i).getString("start"))));
      JsonObject quarter = interval.getJsonArray("intervals").stream().map(i -> (JsonObject) i)
        .filter(i -> "2026-11-02T10:00:00Z".equals(i.getString("start"))).findFirst().orElseThrow();
      assertEquals("2026-11-02T10:15:00Z", quarter.getString("end"));
      assertEquals(1.5, quarter.getDouble("consumption"), 1e-9);
      assertEquals("actual", quarter.getString("quality"));

      UUID alarmId = TwoSites.raiseQuarantineAlarm(http, admin, "A-M2", meter2);
      JsonObject raised = tenant2.await("alarm raised", m -> "alarm".equals(m.getString("type"))
        && alarmId.toString().equals(m.getJsonObject("alarm").getString("id")));
      assertEquals("raised", raised.getString("change"));
      assertEquals("quarantine", raised.getJsonObject("alarm").getString("kind"));
      assertEquals(200, http.call("acknowledgeAlarm", "POST", "/alarms/" + alarmId + "/acknowledge",
        backend.login("operator-a"), null).status());
      JsonObject acknowledged = operator.await("alarm acknowledged", m -> "alarm".equals(m.getString("type"))
        && "acknowledged".equals(m.getString("change")));
      assertEquals(alarmId.toString(), acknowledged.getJsonObject("alarm").getString("id"));
      assertEquals("acknowledged", acknowledged.getJsonObject("alarm").getString("state"));
      tenant2.await("alarm acknowledged", m -> "acknowledged".equals(m.getString("change")));
      assertTrue(tenant1.received().stream().noneMatch(m -> "alarm".equals(m.getString("type"))
        || "interval".equals(m.getString("type"))), "tenant 1 sees nothing of tenant 2's meter");
    }
  }

  @Test
  @DisplayName("balances, relay states and bill-run progress published by other capabilities reach the right topics")
  void otherCapabilities() throws Exception {
    TwoSites.SiteIds a = sites.a;
    UUID account = UUID.randomUUID();
    UUID run = UUID.randomUUID();
    try (LiveTestClient operator = as("operator-a"); LiveTestClient tenant1 = as("tenant-a1");
         LiveTestClient tenant2 = as("tenant-a2")) {
      operator.subscribe("site:" + a.get("site"));
      tenant1.subscribe("tenant:" + a.get("tenant1"));
      tenant2.subscribe("tenant:" + a.get("tenant2"));
      for (LiveTestClient c : List.of(operator, tenant1, tenant2)) {
        c.awaitType("subscribed");
      }
      var bus = backend.vertx().eventBus();
      // A publisher's mistake (a fractional amount of minor units) is refused, never delivered.
      bus.publish(LiveAddresses.BALANCE, new JsonObject().put("siteId", a.get("site").toString())
        .put("tenantId", a.get("tenant1").toString()).put("accountId", account.toString()).put("balanceMinor", 10.5)
        .put("currency", "EUR").put("status", "active"));
      bus.publish(LiveAddresses.BALANCE, new JsonObject().put("siteId", a.get("site").toString())
        .put("tenantId", a.get("tenant1").toString()).put("accountId", account.toString()).put("balanceMinor", -1250)
        .put("currency", "EUR").put("status", "low"));
      bus.publish(LiveAddresses.RELAY, new JsonObject().put("siteId", a.get("site").toString())
        .put("meterId", a.get("meter1").toString()).put("state", "open").put("commandId", UUID.randomUUID().toString())
        .put("confirmedAt", "2026-11-27T10:00:00Z"));
      bus.publish(LiveAddresses.BILL_RUN, new JsonObject().put("runId", run.toString())
        .put("siteId", a.get("site").toString()).put("state", "running").put("tenantsTotal", 2).put("tenantsDone", 1)
        .put("tenantsFailed", 0));
      bus.publish(LiveAddresses.RELAY, new JsonObject().put("siteId", a.get("site").toString())
        .put("meterId", a.get("meter2").toString()).put("state", "closed").put("commandId", UUID.randomUUID().toString())
        .put("confirmedAt", "2026-11-27T10:00:01Z"));

      JsonObject balance = tenant1.awaitType("balance");
      assertEquals(-1250L, balance.getLong("balanceMinor"));
      assertEquals("low", balance.getString("status"));
      assertEquals("open", tenant1.awaitType("relay").getString("state"));
      assertEquals("running", operator.awaitType("bill-run").getString("state"));
      assertEquals(1, operator.await("bill run", m -> "bill-run".equals(m.getString("type"))).getInteger("tenantsDone"));
      operator.await("relay of meter 2", m -> "relay".equals(m.getString("type")) && "closed".equals(m.getString("state")));
      assertEquals(1, operator.ofType("balance").size(), "the malformed balance was not delivered");
      // Tenant 2 got meter 2's relay, published last: anything meant for it would have come before.
      assertEquals("closed", tenant2.awaitType("relay").getString("state"));
      assertEquals(Set.of("relay"), tenant2.received().stream().map(m -> m.getString("type"))
        .filter(t -> !Set.of("ready", "subscribed").contains(t)).collect(Collectors.toSet()));
      assertTrue(tenant1.ofType("bill-run").isEmpty(), "bill runs are for the site's operators");

      try (LiveTestClient late = as("tenant-a1")) {
        late.subscribe("tenant:" + a.get("tenant1"));
        JsonObject current = late.await("current balance", m -> "balance".equals(m.getString("type"))
          && account.toString().equals(m.getString("accountId")));
        assertTrue(current.getBoolean("snapshot"));
        assertEquals(-1250L, current.getLong("balanceMinor"));
        late.await("current relay", m -> "relay".equals(m.getString("type")) && m.getBoolean("snapshot", false)
          && "open".equals(m.getString("state")));
      }
    }
  }

  @Test
  @DisplayName("a client that stops reading holds a bounded queue on the server; it is told how many events it missed")
  void slowClientIsBounded() throws Exception {
    UUID siteB = sites.b.get("site");
    String padding = "x".repeat(4000);
    String tag = UUID.randomUUID().toString();
    WebSocketClientOptions small = new WebSocketClientOptions().setReceiveBufferSize(4096);
    LiveTestClient slow = LiveTestClient.attempt(clients, LiveTestClient.options(port()).addSubProtocol("gridledger.v1")
      .addSubProtocol("bearer." + backend.login("operator-b")), small).await();
    try (slow) {
      slow.subscribe("site:" + siteB);
      slow.awaitType("subscribed");
      slow.socket.pause();
      UUID account = UUID.randomUUID();
      var bus = backend.vertx().eventBus();
      int published = 0;
      long maxQueued = 0;
      JsonObject stats = statsOf("operator-b");
      for (int round = 0; round < 60 && stats.getLong("droppedEvents") < 200; round++) {
        for (int i = 0; i < 250; i++) {
          bus.publish(LiveAddresses.ALARM, alarm(siteB, tag, published++, padding));
          bus.publish(LiveAddresses.BALANCE, new JsonObject().put("siteId", siteB.toString())
            .put("tenantId", sites.b.get("tenant1").toString()).put("accountId", account.toString())
            .put("balanceMinor", published).put("currency", "EUR").put("status", "active"));
        }
        stats = statsOf("operator-b");
        maxQueued = Math.max(maxQueued, stats.getLong("queuedEvents"));
        assertTrue(stats.getInteger("queuedEvents") <= QUEUED_EVENTS, stats::encode);
        assertTrue(stats.getInteger("queuedValues") <= 1, "balances of one account merge: " + stats.encode());
      }
      assertTrue(stats.getLong("droppedEvents") >= 200, "the drop counter grows: " + stats.encode());
      assertEquals(QUEUED_EVENTS, maxQueued, "the queue filled up to its bound and no further");
      long droppedOnServer = stats.getLong("droppedEvents");
      int total = published;

      slow.socket.resume();
      slow.awaitType("dropped");
      Await.until("the server's queue to drain", java.time.Duration.ofSeconds(20), () -> {
        JsonObject now = statsOf("operator-b");
        return now.getInteger("queuedEvents") == 0 && now.getInteger("queuedValues") == 0 ? now : null;
      });
      bus.publish(LiveAddresses.ALARM, alarm(siteB, tag, -1, ""));
      slow.await("the marker alarm", m -> "alarm".equals(m.getString("type"))
        && (tag + "--1").equals(m.getJsonObject("alarm").getString("message")));
      long delivered = slow.ofType("alarm").size() - 1;
      long reported = slow.ofType("dropped").stream().mapToLong(m -> m.getLong("events")).sum();
      assertEquals(droppedOnServer, reported, "the client is told exactly how many events it missed");
      assertEquals(total, delivered + reported, "every event was either delivered or counted as dropped");
      JsonObject lastBalance = slow.await("the last balance", m -> "balance".equals(m.getString("type"))
        && m.getLong("balanceMinor") == total);
      assertNotNull(lastBalance);
      assertTrue(slow.ofType("balance").size() < total, "queued balances were merged, not all delivered");
    }
  }

  private static JsonObject alarm(UUID siteId, String tag, int n, String padding) {
    return new JsonObject().put("change", "raised").put("alarm", new JsonObject().put("id", UUID.randomUUID().toString())
      .put("siteId", siteId.toString()).putNull("meterId").put("kind", "gateway_offline").put("state", "active")
      .put("message", tag + "-" + n).put("details", new JsonObject().put("padding", padding)));
  }
}
