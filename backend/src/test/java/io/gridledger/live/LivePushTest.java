package io.gridledger.live;

import io.gridledger.ingest.mqtt.GatewayTopics;
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

      JsonObject tenantStats = statsOf("user:", 3);
      assertEquals(3, tenantStats.getInteger("topics"), "the server holds exactly the three allowed topics");
    }
  }

  /** The server's view of the one client of {@code subject} prefix that has {@code topics} topics. */
  private static JsonObject statsOf(String subjectPrefix, int topics) {
    return backend.app().live().clientStats().await().stream()
      .filter(s -> s.getString("subject").startsWith(subjectPrefix) && s.getInteger("topics") == topics)
      .findFirst().orElseThrow(() -> new AssertionError("no such client on the server"));
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
}
