package io.gridledger.prepaid;

import io.gridledger.alarm.AlarmService;
import io.gridledger.control.RelaySite;
import io.gridledger.ledger.AccountKind;
import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.Transfer;
import io.gridledger.tariff.TariffDocument;
import io.gridledger.tariff.TariffStore;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prepaid loop against real PostgreSQL and the real ledger, relay control and alarms: exact deductions (flat
 * 0.30 EUR/kWh plus 19% VAT), replays and rebuilds charged once, a refused deduction, the low-balance alarm, no
 * cut-off in the friendly window, a cut-off after the grace period in working hours, and restore after a top-up.
 * Intervals are written as IntervalService writes them; the relay commands go to the site's MQTT meters (no device
 * answers here: the test asserts what the policy decided and recorded).
 */
class PrepaidLoopTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final String TARIFF = """
    {"utility": "electricity", "unit": "kWh", "currency": "EUR", "description": "flat",
     "rounding": {"mode": "HALF_UP", "scope": "line"},
     "components": [
       {"id": "standing", "kind": "fixed", "description": "Standing charge", "amount": "10.00", "per": "month"},
       {"id": "energy", "kind": "energy", "description": "Energy", "rate": "0.30"},
       {"id": "vat", "kind": "tax", "description": "VAT 19%", "percent": "19", "appliesTo": ["standing", "energy"]}]}""";

  private static TestBackend backend;
  private static UUID siteId;
  private static UUID tenantId;
  private static UUID meterId;
  private static UUID meter2Id;
  private static UUID walletId;
  private static UUID cashId;
  private static final AtomicReference<Instant> NOW = new AtomicReference<>();
  private static PrepaidService service;

  @BeforeAll
  static void start() {
    backend = TestBackend.start(new JsonObject().put("prepaid", new JsonObject().put("enabled", false)));
    ContractHttp http = ContractHttp.of(backend);
    String admin = backend.login(TestBackend.ADMIN);
    ContractHttp.Response imported = http.call("importSite", "POST", "/sites/import", admin,
      RelaySite.document("Prepaid Park"));
    assertEquals(201, imported.status(), imported::text);
    siteId = UUID.fromString(imported.json().getJsonObject("site").getString("id"));
    tenantId = UUID.fromString(backend.rows("SELECT id FROM tenant WHERE site_id = '" + siteId + "'")
      .getJsonObject(0).getString("id"));
    meterId = meter("RC-MQ-1");
    meter2Id = meter("RC-MQ-2");
    LedgerService ledger = backend.app().ledger();
    UUID tariffId = backend.pool().withTransaction(c -> TariffStore.create(c, siteId, "Flat", LocalDate.of(2020, 1, 1),
      TariffDocument.parse(new JsonObject(TARIFF)))).await();
    backend.pool().withTransaction(c -> TariffStore.assign(c, siteId, tenantId, "electricity", tariffId,
      LocalDate.of(2020, 1, 1))).await();
    walletId = ledger.openTenantAccounts(siteId, tenantId).await().wallet().id();
    cashId = ledger.openSiteAccount(siteId, AccountKind.CASH_CLEARING, "").await().id();
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
    service = new PrepaidService(backend.pool(), ledger, new AlarmService(backend.pool()), backend.app().relayControl(),
      new JsonObject().put("graceMinutes", 60), clock);
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  private static UUID meter(String serial) {
    return UUID.fromString(backend.rows("SELECT id FROM meter WHERE serial = '" + serial + "'").getJsonObject(0)
      .getString("id"));
  }

  @Test
  void consumptionIsDeductedOnceAndTheSupplyIsCutOffAndRestored() {
    // Wednesday 2026-11-25, 10:00 Berlin.
    NOW.set(OffsetDateTime.of(2026, 11, 25, 10, 0, 0, 0, ZoneOffset.ofHours(1)).toInstant());
    topUp(1000);
    OffsetDateTime first = OffsetDateTime.of(2026, 11, 25, 9, 0, 0, 0, ZoneOffset.UTC);
    interval(first, 1.0);
    round();
    // 1 kWh x 0.30 = 30 cents energy; 19% VAT on it = 5.70, HALF_UP 6 cents. Standing charge not deducted.
    assertEquals(1000 - 36, balance());
    round();
    assertEquals(964, balance(), "a replayed round charges nothing again");
    assertEquals(1, transfers());

    interval(first, 2.0); // rebuilt with late data: 60 energy + 11 VAT (11.40) = 71, so 35 more
    round();
    assertEquals(1000 - 71, balance());
    assertEquals(2, transfers());
    assertEquals(0L, trialBalanceNet());
    assertEquals(1, openAlarms("low_balance"), "929 is below the default mark of 1000");

    // 40 kWh: 1200 + 228 = 1428 cannot be covered by 929: refused, unpaid, the wallet counts as exhausted.
    NOW.set(OffsetDateTime.of(2026, 11, 25, 17, 30, 0, 0, ZoneOffset.ofHours(1)).toInstant());
    interval(first.plusMinutes(15), 40.0);
    round();
    assertEquals(929, balance());
    round(); // exhausted since 17:30
    assertEquals(0, cutOffs("opened"));
    NOW.set(NOW.get().plusSeconds(61 * 60)); // 18:31: grace over, but inside the friendly window
    round();
    assertEquals(0, cutOffs("opened"));
    assertEquals(0, prepaidCommands("open"));
    NOW.set(OffsetDateTime.of(2026, 11, 28, 10, 0, 0, 0, ZoneOffset.ofHours(1)).toInstant()); // Saturday
    round();
    assertEquals(0, prepaidCommands("open"), "never at weekends");
    backend.pool().query("UPDATE meter SET critical_load = true WHERE id = '" + meter2Id + "'").execute().await();
    NOW.set(OffsetDateTime.of(2026, 11, 26, 8, 30, 0, 0, ZoneOffset.ofHours(1)).toInstant()); // Thursday morning
    round();
    assertEquals(1, cutOffs("opened"), "the shop's ordinary meter is opened");
    assertEquals(1, cutOffs("refused"), "its critical load is not");
    assertEquals(1, prepaidCommands("open"));
    round();
    assertEquals(1, prepaidCommands("open"), "no second cut-off");

    topUp(2000);
    round(); // posts the refused 1428
    assertEquals(929 + 2000 - 1428, balance());
    round(); // sees a positive balance with nothing unpaid: closes what it opened
    assertEquals(1, prepaidCommands("close"), "only the meter the policy opened is closed");
    assertEquals(0, cutOffs("refused"));
    assertEquals(0, cutOffs("opened"));
    assertEquals(0, openAlarms("low_balance"), "1501 is above the mark");
    assertEquals(0L, trialBalanceNet());
    assertEquals(3, transfers());
  }

  private static void round() {
    assertTrue(service.runOnce().await());
  }

  private static void topUp(long amountMinor) {
    Transfer t = Transfer.of(UUID.randomUUID(), siteId, "EUR", "top_up", cashId, walletId, amountMinor, "test top-up",
      "test");
    assertTrue(backend.app().ledger().post(t).await().succeeded());
  }

  private static void interval(OffsetDateTime start, double kwh) {
    backend.pool().preparedQuery("INSERT INTO interval_consumption (meter_id, register, interval_start, interval_end, "
        + "consumption, quality) VALUES ($1, 'energy_active_import', $2, $3, $4, 'actual') ON CONFLICT (meter_id, "
        + "register, interval_start) DO UPDATE SET consumption = EXCLUDED.consumption, computed_at = now()")
      .execute(Tuple.of(meterId, start, start.plusMinutes(15), kwh)).await();
  }

  private static long balance() {
    return backend.app().ledger().account(walletId).await().balanceMinor();
  }

  private static long transfers() {
    return backend.rows("SELECT count(*) AS n FROM ledger_transfer WHERE kind = 'prepaid_consumption'")
      .getJsonObject(0).getLong("n");
  }

  private static long trialBalanceNet() {
    return backend.rows("SELECT coalesce(sum(CASE normal_side WHEN 'D' THEN balance_minor ELSE -balance_minor END), 0) "
      + "AS n FROM ledger_account WHERE site_id = '" + siteId + "'").getJsonObject(0).getLong("n");
  }

  private static long openAlarms(String kind) {
    return backend.rows("SELECT count(*) AS n FROM alarm WHERE kind = '" + kind + "' AND state <> 'cleared' "
      + "AND meter_id IN ('" + meterId + "', '" + meter2Id + "')").getJsonObject(0).getLong("n");
  }

  private static long cutOffs(String outcome) {
    return backend.rows("SELECT count(*) AS n FROM prepaid_cutoff WHERE outcome = '" + outcome + "' AND tenant_id = '"
      + tenantId + "'").getJsonObject(0).getLong("n");
  }

  private static long prepaidCommands(String action) {
    return backend.rows("SELECT count(*) AS n FROM meter_command WHERE cause = 'prepaid' AND action = '" + action
      + "' AND meter_id IN ('" + meterId + "', '" + meter2Id + "')").getJsonObject(0).getLong("n");
  }
}
