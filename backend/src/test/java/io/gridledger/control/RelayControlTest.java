package io.gridledger.control;

import io.gridledger.testsupport.Await;
import io.gridledger.testsupport.ContractHttp.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.gridledger.control.RelayFixture.MAX_ATTEMPTS;
import static io.gridledger.control.RelayFixture.accepted;
import static io.gridledger.control.RelayFixture.publishAcknowledged;
import static io.gridledger.control.RelaySite.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Relay commands end to end: the real backend commands the device simulator over real Modbus TCP, OPC UA and MQTT
 * ({@link RelayFixture}), and a command counts as confirmed only when the device reports the requested state.
 */
@DisplayName("Relay cut-off and restore through each meter's own protocol")
class RelayControlTest {

  private static RelayFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new RelayFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  @Test
  @DisplayName("Modbus TCP: the coil is written and read back; open stops the energy register, close resumes it")
  void modbusCutOffAndRestore() throws Exception {
    cutOffAndRestore(MODBUS, "modbus");
  }

  @Test
  @DisplayName("OPC UA: relay_closed is written and read back; open stops the energy register, close resumes it")
  void opcUaCutOffAndRestore() throws Exception {
    cutOffAndRestore(OPCUA, "opcua");
  }

  @Test
  @DisplayName("MQTT: the gateway's acknowledgement confirms; open stops the energy register, close resumes it")
  void mqttCutOffAndRestore() throws Exception {
    cutOffAndRestore(MQTT, "mqtt");
  }

  private void cutOffAndRestore(String serial, String protocol) throws Exception {
    UUID meterId = f.meters.get(serial);
    assertTrue(f.sim.meter(serial).relayClosed());
    f.assertCounterRuns(serial);

    JsonObject open = accepted(f.command(f.admin, serial, "open", "Tenant moved out", null));
    assertEquals(List.of("open", "pending", 0, "operator", f.adminSubject, "Tenant moved out", false, protocol),
      List.of(open.getString("action"), open.getString("state"), open.getInteger("attempts"), open.getString("cause"),
        open.getString("actor"), open.getString("reason"), open.getBoolean("overrideCriticalLoad"),
        open.getString("protocol")));
    JsonObject opened = f.awaitOutcome(open.getString("id"));
    Instant openedAt = switchedAt(protocol, opened);
    assertConfirmed(opened, "open");
    assertFalse(f.sim.meter(serial).relayClosed(), "the device's relay is open");
    f.assertCounterStops(serial);
    assertStoredReadingsStandStill(serial, protocol, openedAt);
    assertRelayAndLiveEvent(meterId, "open", opened);

    JsonObject close = accepted(f.command(f.admin, serial, "close", "Tenant moved in", null));
    JsonObject closed = f.awaitOutcome(close.getString("id"));
    Instant closedAt = switchedAt(protocol, closed);
    assertConfirmed(closed, "closed");
    assertTrue(f.sim.meter(serial).relayClosed(), "the device's relay is closed again");
    f.assertCounterRuns(serial);
    List<Double> afterRestore = f.awaitReadings(serial, closedAt, 2);
    assertTrue(afterRestore.get(0) > afterRestore.get(1), "stored readings grow again: " + afterRestore);
    assertRelayAndLiveEvent(meterId, "closed", closed);

    JsonArray history = f.http.call("listMeterCommands", "GET", "/meters/" + meterId + "/commands?limit=2", f.admin,
      null).json().getJsonArray("items");
    assertEquals(List.of(close.getString("id"), open.getString("id")), ids(history), "newest first");
    for (Object item : history) {
      JsonObject c = (JsonObject) item;
      assertEquals(List.of("confirmed", "operator", f.adminSubject), List.of(c.getString("state"), c.getString("cause"),
        c.getString("actor")), c::encode);
    }
  }

  @Test
  @DisplayName("a device that does not answer (faulted offline) ends failed after the bounded attempts, with an alarm "
    + "that a later confirmed command resolves")
  void offlineDevicesFailWithAnAlarm() throws Exception {
    List<String> offline = List.of(MODBUS_OFFLINE, OPCUA_OFFLINE, MQTT_OFFLINE);
    // 20 s of wall-clock time: the commands' bounded attempts end well within it
    offline.forEach(serial -> f.sim.faults().offline(serial,
      Duration.ofSeconds((long) (20 * RelayFixture.TIME_SCALE))));
    Map<String, String> commands = new HashMap<>();
    for (String serial : offline) {
      commands.put(serial, accepted(f.command(f.admin, serial, "open", "Unpaid balance", null)).getString("id"));
    }
    for (String serial : offline) {
      JsonObject failed = f.awaitOutcome(commands.get(serial));
      assertEquals(List.of("failed", MAX_ATTEMPTS), List.of(failed.getString("state"), failed.getInteger("attempts")),
        failed::encode);
      assertNotNull(failed.getString("lastError"), failed::encode);
      assertNull(failed.getValue("confirmedAt"));
      assertTrue(f.sim.meter(serial).relayClosed(), serial + ": nothing switched");
      JsonObject alarm = f.relayAlarm(f.meters.get(serial));
      assertEquals(List.of("active", "critical", commands.get(serial), MAX_ATTEMPTS), List.of(alarm.getString("state"),
        alarm.getString("severity"), alarm.getJsonObject("details").getString("commandId"),
        alarm.getJsonObject("details").getInteger("attempts")), alarm::encode);
      assertEquals("unknown", f.relay(f.meters.get(serial)).getString("state"), "never confirmed");
    }
    for (String serial : offline) {
      Await.until(serial + " back online", Duration.ofSeconds(60), () -> f.sim.meter(serial).online() ? true : null);
      JsonObject restored = f.awaitOutcome(accepted(f.command(f.admin, serial, "close", "Device back", null))
        .getString("id"));
      assertEquals("confirmed", restored.getString("state"), restored::encode);
      JsonObject alarm = f.relayAlarm(f.meters.get(serial));
      assertEquals(List.of("cleared", "system:control"), List.of(alarm.getString("state"), alarm.getString("clearedBy")),
        alarm::encode);
    }
  }

  @Test
  @DisplayName("a critical load refuses automatic cut-offs and operator cut-offs without override; an override is recorded")
  void criticalLoadIsProtected() throws Exception {
    UUID clinic = f.meters.get(CLINIC);
    RelayControl control = f.backend.app().relayControl();
    for (CommandCause cause : List.of(CommandCause.prepaid("account:rc-t", "Balance exhausted"),
      CommandCause.schedule("schedule:night-off", "Night cut-off"))) {
      Throwable refused = assertThrows(Exception.class, () -> control.command(clinic, RelayAction.OPEN, cause).await());
      if (refused instanceof java.util.concurrent.CompletionException && refused.getCause() != null) {
        refused = refused.getCause();
      }
      assertTrue(refused instanceof RelayCommandRefused r && r.slug().equals("critical-load"), refused.toString());
    }
    Response noOverride = f.command(f.admin, CLINIC, "open", "Maintenance", null);
    assertProblem(noOverride, 422, "critical-load");
    assertEquals("/overrideCriticalLoad", noOverride.json().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertEquals(0, f.commandCount(clinic), "refused commands are not recorded");
    assertTrue(f.sim.meter(CLINIC).relayClosed());

    JsonObject overridden = f.awaitOutcome(accepted(f.command(f.admin, CLINIC, "open", "Isolation for rewiring", true))
      .getString("id"));
    assertEquals(List.of("confirmed", true, "operator"), List.of(overridden.getString("state"),
      overridden.getBoolean("overrideCriticalLoad"), overridden.getString("cause")), overridden::encode);
    assertFalse(f.sim.meter(CLINIC).relayClosed());

    // Restoring a critical load is never refused, whoever asks.
    MeterCommand restore = control.command(clinic, RelayAction.CLOSE, CommandCause.prepaid("account:rc-t", "Topped up"))
      .await();
    MeterCommand restored = control.outcome(restore.id()).await();
    assertEquals(List.of(CommandState.CONFIRMED, CommandCause.Kind.PREPAID, "account:rc-t", "Topped up", false),
      List.of(restored.state(), restored.cause().kind(), restored.cause().actor(), restored.cause().reason(),
        restored.cause().overrideCriticalLoad()));
    assertTrue(f.sim.meter(CLINIC).relayClosed());
    assertEquals(2, f.commandCount(clinic));
  }

  @Test
  @DisplayName("only admins and the site's operators command; tenants read their own meter's commands; meters "
    + "without a relay answer 422 no-relay")
  void rolesAndMetersWithoutRelay() throws Exception {
    String operator = f.backend.login("rc-operator");
    String tenant = f.backend.login("rc-tenant");
    String integration = f.backend.login("rc-integration");
    UUID shopMeter = f.meters.get(MQTT);
    long before = f.backend.count("meter_command");
    assertProblem(f.command(tenant, MQTT, "open", "Mine", null), 403, "forbidden");
    assertProblem(f.command(integration, MQTT, "open", "BMS", null), 403, "forbidden");
    assertProblem(f.command(tenant, MODBUS, "open", "Not mine", null), 404, "not-found");
    assertEquals(before, f.backend.count("meter_command"), "refused commands are not recorded");

    JsonObject byOperator = f.awaitOutcome(accepted(f.command(operator, MQTT, "close", "Check", null)).getString("id"));
    assertEquals("confirmed", byOperator.getString("state"));
    assertTrue(byOperator.getString("actor").startsWith("user:"), byOperator::encode);
    assertNotEquals(f.adminSubject, byOperator.getString("actor"));
    Response tenantHistory = f.http.call("listMeterCommands", "GET", "/meters/" + shopMeter + "/commands?limit=1",
      tenant, null);
    assertEquals(List.of(byOperator.getString("id")), ids(tenantHistory.json().getJsonArray("items")));
    assertEquals(200, f.http.call("getCommand", "GET", "/commands/" + byOperator.getString("id"), tenant, null).status());
    assertEquals("closed", f.http.call("getMeterRelay", "GET", "/meters/" + shopMeter + "/relay", tenant, null).json()
      .getString("state"));
    assertProblem(f.http.call("listMeterCommands", "GET", "/meters/" + f.meters.get(MODBUS) + "/commands", tenant,
      null), 404, "not-found");

    f.createMeter(new JsonObject().put("serial", "RC-ENV-1").put("kind", "environment")
      .put("registers", new JsonArray().add(new JsonObject().put("name", "temperature").put("unit", "degC")))
      .put("binding", new JsonObject().put("protocol", "mqtt").put("gateway", GATEWAY)));
    f.createMeter(new JsonObject().put("serial", "RC-MAN-1").put("kind", "electricity")
      .put("registers", new JsonArray().add(new JsonObject().put("name", "energy_active_import").put("unit", "kWh")))
      .put("binding", new JsonObject().put("protocol", "manual")));
    long beforeNoRelay = f.backend.count("meter_command");
    for (String serial : List.of("RC-ENV-1", "RC-MAN-1")) {
      assertProblem(f.command(f.admin, serial, "open", "Test", null), 422, "no-relay");
    }
    assertEquals(beforeNoRelay, f.backend.count("meter_command"));
  }

  @Test
  @DisplayName("only the meter's own gateway reporting the requested state confirms; a newer command supersedes one "
    + "in flight")
  void confirmationNeedsTheRequestedStateFromTheMetersGateway() throws Exception {
    String serial = "RC-FAKE-1";
    String meterId = f.createMeter(new JsonObject().put("serial", serial).put("kind", "electricity")
      .put("registers", new JsonArray().add(new JsonObject().put("name", "energy_active_import").put("unit", "kWh")))
      .put("binding", new JsonObject().put("protocol", "mqtt").put("gateway", "rc-silent")));
    // A gateway the test answers for by hand, and another that tries to answer for it.
    MqttClient silent = f.gatewayClient("rc-silent");
    MqttClient spoof = f.gatewayClient("rc-spoof");
    LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    silent.publishHandler(m -> received.add(m.payload().toJsonObject()));
    silent.subscribe("gridledger/gateways/rc-silent/commands", 1).await();
    try {
      String first = accepted(f.command(f.admin, serial, "open", "First thought", null)).getString("id");
      assertEquals(relayCommand(serial, "open", first), received.poll(15, TimeUnit.SECONDS));
      String second = accepted(f.command(f.admin, serial, "close", "Second thought", null)).getString("id");
      // The first waits for an answer that never comes; when its attempt times out it ends superseded, not retried.
      assertEquals(relayCommand(serial, "closed", second), received.poll(15, TimeUnit.SECONDS));
      JsonObject superseded = f.awaitOutcome(first);
      assertEquals(List.of("superseded", 1), List.of(superseded.getString("state"), superseded.getInteger("attempts")));

      JsonObject ack = new JsonObject().put("type", "relay").put("meter", serial).put("state", "closed")
        .put("commandId", second);
      publishAcknowledged(spoof, "gridledger/gateways/rc-spoof/events", ack);
      publishAcknowledged(spoof, "gridledger/gateways/rc-silent/events", ack);
      JsonObject stillSent = f.get(second);
      assertEquals(List.of("sent", 1), List.of(stillSent.getString("state"), stillSent.getInteger("attempts")),
        "another gateway's answer does not count");

      publishAcknowledged(silent, "gridledger/gateways/rc-silent/events", ack.copy().put("state", "open"));
      assertEquals(relayCommand(serial, "closed", second), received.poll(15, TimeUnit.SECONDS), "retried");
      assertEquals("the device reports the relay open, not closed", f.get(second).getString("lastError"));
      publishAcknowledged(silent, "gridledger/gateways/rc-silent/events", ack);
      JsonObject confirmed = f.awaitOutcome(second);
      assertEquals(List.of("confirmed", "closed", 2), List.of(confirmed.getString("state"),
        String.valueOf(confirmed.getString("reportedState")), confirmed.getInteger("attempts")), confirmed::encode);
      assertEquals(0, f.http.call("listAlarms", "GET", "/alarms?kind=relay_unconfirmed&meterId=" + meterId, f.admin,
        null).json().getJsonArray("items").size(), "a superseded command raises no alarm");
    } finally {
      silent.disconnect().await();
      spoof.disconnect().await();
    }
  }

  // ---- helpers ----

  private static JsonObject relayCommand(String serial, String state, String commandId) {
    return new JsonObject().put("command", "relay").put("meter", serial).put("state", state).put("commandId", commandId);
  }

  private static void assertConfirmed(JsonObject command, String reportedState) {
    assertEquals(List.of("confirmed", reportedState, 1), List.of(command.getString("state"),
      String.valueOf(command.getString("reportedState")), command.getInteger("attempts")), command::encode);
  }

  private static void assertRelayAndLiveEvent(UUID meterId, String state, JsonObject command) throws Exception {
    JsonObject relay = f.relay(meterId);
    assertEquals(List.of(state, command.getString("id"), command.getString("confirmedAt")), List.of(
      relay.getString("state"), String.valueOf(relay.getString("commandId")), String.valueOf(relay.getString(
        "confirmedAt"))), relay::encode);
    f.assertLiveEvent(new JsonObject().put("siteId", f.siteId.toString()).put("meterId", meterId.toString())
      .put("state", state).put("commandId", command.getString("id")).put("confirmedAt", command.getString("confirmedAt")));
  }

  /**
   * When the device switched, in the time its protocol stamps readings with: the poller's clock for Modbus, the
   * device's (simulated) clock for OPC UA and MQTT. Called after the confirmation, so the switch lies before it.
   */
  private static Instant switchedAt(String protocol, JsonObject confirmed) {
    return protocol.equals("modbus") ? Instant.parse(confirmed.getString("confirmedAt")) : f.sim.clock().instant();
  }

  /**
   * Readings stored after the cut-off all carry one value. Modbus polls and MQTT batches report every interval, so
   * two of them are awaited; OPC UA reports only changes, so after several sampling intervals there is at most one.
   */
  private static void assertStoredReadingsStandStill(String serial, String protocol, Instant after) throws Exception {
    if (!protocol.equals("opcua")) {
      List<Double> values = f.awaitReadings(serial, after, 2);
      assertEquals(values.get(0), values.get(1), 0.0, "stored readings after the cut-off stand still");
      return;
    }
    f.awaitTicks(30);   // 3 s: three sampling intervals, each of which would report a moving counter
    List<Double> values = f.readings(serial, after, 10);
    assertTrue(values.stream().distinct().count() <= 1, values::toString);
  }

  private static List<String> ids(JsonArray items) {
    return items.stream().map(i -> ((JsonObject) i).getString("id")).toList();
  }

  private static void assertProblem(Response r, int status, String slug) {
    assertEquals(status, r.status(), r::text);
    assertEquals("https://gridledger.io/problems/" + slug, r.json().getString("type"), r::text);
  }
}
