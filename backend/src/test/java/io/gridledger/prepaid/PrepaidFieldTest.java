package io.gridledger.prepaid;

import io.gridledger.alarm.AlarmService;
import io.gridledger.auth.Role;
import io.gridledger.control.RelaySite;
import io.gridledger.ledger.AccountKind;
import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.Transfer;
import io.gridledger.simulator.DeviceSimulator;
import io.gridledger.simulator.SimulatorOptions;
import io.gridledger.tariff.TariffDocument;
import io.gridledger.tariff.TariffStore;
import io.gridledger.testsupport.Await;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole loop in the field: the device simulator serves the relay test site (the shop's prepaid tenant has two
 * MQTT meters with relays behind a gateway logged in to the backend), its simulated time runs 120 times as fast, and
 * the real backend meters it, charges it, raises the low-balance alarm, opens the relays once the wallet is exhausted
 * (not while the clock is in the friendly window), and closes them after a sandbox top-up through the API.
 */
class PrepaidFieldTest {

  private static final String TARIFF = """
    {"utility": "electricity", "unit": "kWh", "currency": "EUR", "description": "flat",
     "rounding": {"mode": "HALF_UP", "scope": "line"},
     "components": [{"id": "energy", "kind": "energy", "description": "Energy", "rate": "0.30"},
       {"id": "vat", "kind": "tax", "description": "VAT 19%", "percent": "19"}]}""";
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static TestBackend backend;
  private static ContractHttp http;
  private static final Vertx SIM_VERTX = Vertx.vertx();
  private static DeviceSimulator sim;
  private static UUID siteId;
  private static UUID tenantId;
  private static UUID walletId;
  private static final AtomicReference<Instant> NOW = new AtomicReference<>();
  private static PrepaidService service;

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackend.start(new JsonObject()
      .put("prepaid", new JsonObject().put("enabled", false))
      .put("payments", new JsonObject().put("sandboxEnabled", true))
      .put("control", new JsonObject().put("maxAttempts", 3).put("confirmTimeoutMs", 5_000).put("backoffMs", 500)
        .put("maxBackoffMs", 1_000))
      .put("field", new JsonObject().put("modbusRetries", 1).put("modbusBackoffMs", 100).put("modbusTimeoutMs", 1_000)));
    http = ContractHttp.of(backend);
    String admin = backend.login(TestBackend.ADMIN);
    Response imported = http.call("importSite", "POST", "/sites/import", admin, RelaySite.document("Prepaid Field"));
    assertEquals(201, imported.status(), imported::text);
    siteId = UUID.fromString(imported.json().getJsonObject("site").getString("id"));
    tenantId = UUID.fromString(backend.rows("SELECT id FROM tenant WHERE site_id = '" + siteId + "'")
      .getJsonObject(0).getString("id"));
    Response key = http.call("createApiKey", "POST", "/api-keys", admin, new JsonObject().put("name", "gw")
      .put("role", "integration").put("siteIds", new JsonArray().add(siteId.toString())));
    assertEquals(201, key.status(), key::text);
    UUID tariffId = backend.pool().withTransaction(c -> TariffStore.create(c, siteId, "Flat", LocalDate.of(2020, 1, 1),
      TariffDocument.parse(new JsonObject(TARIFF)))).await();
    backend.pool().withTransaction(c -> TariffStore.assign(c, siteId, tenantId, "electricity", tariffId,
      LocalDate.of(2020, 1, 1))).await();
    LedgerService ledger = backend.app().ledger();
    walletId = ledger.openTenantAccounts(siteId, tenantId).await().wallet().id();
    ledger.setWalletLimits(walletId, 0, 150).await();
    UUID cash = ledger.openSiteAccount(siteId, AccountKind.CASH_CLEARING, "").await().id();
    assertTrue(ledger.post(Transfer.of(UUID.randomUUID(), siteId, "EUR", "top_up", cash, walletId, 300, "opening",
      "test")).await().succeeded());
    backend.createUser("pp-tenant", Role.TENANT, new UUID[0], tenantId);
    Clock clock = new Clock() {
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      public Clock withZone(ZoneId zone) {
        return this;
      }

      public Instant instant() {
        return NOW.get();
      }
    };
    // Wednesday 2026-11-25, 19:00 Berlin: inside the friendly window.
    NOW.set(OffsetDateTime.of(2026, 11, 25, 19, 0, 0, 0, ZoneOffset.ofHours(1)).toInstant());
    service = new PrepaidService(backend.pool(), ledger, new AlarmService(backend.pool()), backend.app().relayControl(),
      new JsonObject().put("graceMinutes", 0).put("scanOverlapSeconds", 3600), clock);
    sim = DeviceSimulator.start(SIM_VERTX, RelaySite.document("Prepaid Field"), new SimulatorOptions().tickMillis(100)
      .clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(-2))).timeScale(120)
      .mqttHost("127.0.0.1").mqttPort(backend.mqttPort()).mqttPublishInterval(Duration.ofMillis(500))
      .mqttCredentials(RelaySite.GATEWAY, key.json().getString("key"))).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    backend.close();
    sim.close().await(30, TimeUnit.SECONDS);
    SIM_VERTX.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void balanceRunsOutSupplyIsCutTopUpRestoresIt() throws Exception {
    // Consumption is charged until the wallet is low, then exhausted.
    await("the low-balance alarm", () -> openAlarms() == 1);
    await("the wallet to be exhausted", () -> exhausted());
    // Exhausted, but it is evening: no cut-off, the meters keep counting.
    for (int i = 0; i < 3; i++) {
      service.runOnce().await();
    }
    assertEquals(0, commands("open"));
    assertCounterRuns("RC-MQ-1");

    // Next morning, a working day: both meters are opened, confirmed by the devices, and stop counting.
    NOW.set(OffsetDateTime.of(2026, 11, 26, 9, 0, 0, 0, ZoneOffset.ofHours(1)).toInstant());
    await("both relays opened and confirmed", () -> confirmed("open") == 2);
    assertCounterStops("RC-MQ-1");
    assertCounterStops("RC-MQ-2");

    // The tenant tops up through the API and confirms on the sandbox checkout page.
    String token = backend.login("pp-tenant");
    Response created = http.call("createTopUp", "POST", "/accounts/" + walletId + "/top-ups", token,
      new JsonObject().put("amountMinor", 50_000).put("provider", "sandbox").encode(), "application/json",
      Map.of("Idempotency-Key", "pp-" + UUID.randomUUID()));
    assertEquals(201, created.status(), created::text);
    Response confirm = ContractHttp.send(HttpRequest.newBuilder(URI.create(created.json().getString("checkoutUrl")
      + "/confirm")).method("POST", HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(303, confirm.status(), confirm::text);

    await("both relays closed and confirmed", () -> confirmed("close") == 2);
    assertCounterRuns("RC-MQ-1");
    assertCounterRuns("RC-MQ-2");
    assertEquals(0, openAlarms(), "the alarm clears above the mark");
    long net = backend.rows("SELECT coalesce(sum(CASE normal_side WHEN 'D' THEN balance_minor ELSE -balance_minor END), 0)"
      + " AS n FROM ledger_account WHERE site_id = '" + siteId + "'").getJsonObject(0).getLong("n");
    assertEquals(0, net, "the trial balance stays exact");
  }

  /** Runs prepaid rounds until the condition holds (bounded). */
  private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    Await.until(what, WAIT, () -> {
      service.runOnce().await();
      return condition.getAsBoolean() ? true : null;
    });
  }

  private static boolean exhausted() {
    return backend.rows("SELECT count(*) AS n FROM prepaid_tenant WHERE tenant_id = '" + tenantId
      + "' AND exhausted_since IS NOT NULL").getJsonObject(0).getLong("n") == 1;
  }

  private static long openAlarms() {
    return backend.rows("SELECT count(*) AS n FROM alarm WHERE kind = 'low_balance' AND state <> 'cleared' AND site_id = '"
      + siteId + "'").getJsonObject(0).getLong("n");
  }

  private static long commands(String action) {
    return backend.rows("SELECT count(*) AS n FROM meter_command WHERE cause = 'prepaid' AND action = '" + action + "'")
      .getJsonObject(0).getLong("n");
  }

  private static long confirmed(String action) {
    return backend.rows("SELECT count(*) AS n FROM meter_command WHERE cause = 'prepaid' AND action = '" + action
      + "' AND state = 'confirmed'").getJsonObject(0).getLong("n");
  }

  private static void assertCounterStops(String serial) throws InterruptedException {
    double before = sim.meter(serial).value("energy_active_import");
    ticks(5);
    assertEquals(before, sim.meter(serial).value("energy_active_import"), 0.0, serial + " counts with its relay open");
  }

  private static void assertCounterRuns(String serial) throws InterruptedException {
    double before = sim.meter(serial).value("energy_active_import");
    ticks(5);
    double after = sim.meter(serial).value("energy_active_import");
    assertTrue(after > before, serial + " does not count with its relay closed: " + before + " -> " + after);
  }

  private static void ticks(int n) throws InterruptedException {
    long target = sim.tickCount() + n;
    Await.until(n + " simulator ticks", Duration.ofSeconds(30), () -> sim.tickCount() >= target ? true : null);
  }
}
