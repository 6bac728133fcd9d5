package io.gridledger.prepaid;

import io.gridledger.alarm.AlarmKind;
import io.gridledger.alarm.AlarmService;
import io.gridledger.control.CommandCause;
import io.gridledger.control.RelayAction;
import io.gridledger.control.RelayCommandRefused;
import io.gridledger.control.RelayControl;
import io.gridledger.tariff.TariffStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Low-balance alarms, cut-off and restore for prepaid tenants. A wallet is exhausted when nothing more can be
 * deducted: its balance is at or below minus its credit limit, or a deduction was refused for insufficient funds and
 * is still unpaid. After {@code prepaid.graceMinutes} of exhaustion, at a time {@link CutOffWindow} allows, every meter
 * of the tenant is opened (critical loads and meters without a relay are refused by relay control and recorded as
 * refused). Once the balance is positive with nothing unpaid, exactly the meters the policy opened are closed.
 */
final class PrepaidPolicy {

  private static final int MAX_TENANTS = 10_000;
  private static final String TENANTS = "SELECT t.id AS tenant_id, t.site_id, s.time_zone, a.id AS account_id, "
    + "a.balance_minor, a.credit_limit_minor, a.low_balance_minor, pt.exhausted_since, "
    + "EXISTS (SELECT 1 FROM prepaid_charge pc WHERE pc.tenant_id = t.id AND (pc.amount_energy_minor <> "
    + "pc.charged_energy_minor OR pc.amount_tax_minor <> pc.charged_tax_minor)) AS unpaid, "
    + "EXISTS (SELECT 1 FROM prepaid_cutoff c WHERE c.tenant_id = t.id) AS cut_off "
    + "FROM tenant t JOIN site s ON s.id = t.site_id "
    // The wallet is looked up per tenant by tenant_id (OFFSET 0 keeps the subquery from being flattened into the
    // join). Joined on site, currency and kind instead, with statistics stale after 10,000 tenants were bulk-created,
    // the planner estimated 30 tenants and looked each one up through the ledger_account_identity index on
    // (site_id, currency, kind), which matches every wallet of the site: 10,000 x 10,000 index rows, 6+ minutes.
    // This form costs 0.3 s under the same stale statistics (docs/benchmarks.md).
    + "JOIN LATERAL (SELECT w.id, w.site_id, w.balance_minor, w.credit_limit_minor, w.low_balance_minor "
    + "FROM ledger_account w WHERE w.tenant_id = t.id AND w.kind = 'tenant_wallet' AND w.currency = s.currency OFFSET 0) a "
    + "ON a.site_id = t.site_id LEFT JOIN prepaid_tenant pt ON pt.tenant_id = t.id "
    + "WHERE t.billing_mode = 'prepaid' ORDER BY t.id LIMIT " + MAX_TENANTS;
  private static final String METERS = "SELECT m.id, m.critical_load FROM meter m JOIN occupancy o ON o.unit_id = m.unit_id "
    + "WHERE o.tenant_id = $1 AND o.from_date <= $2 AND (o.to_date IS NULL OR o.to_date >= $2) ORDER BY m.serial, m.id";

  private final Pool pool;
  private final AlarmService alarms;
  private final RelayControl relays;
  private final TariffStore tariffs;
  private final PrepaidSettings settings;
  private final Clock clock;

  PrepaidPolicy(Pool pool, AlarmService alarms, RelayControl relays, PrepaidSettings settings, Clock clock) {
    this.pool = pool;
    this.alarms = alarms;
    this.relays = relays;
    this.tariffs = new TariffStore(pool);
    this.settings = settings;
    this.clock = clock;
  }

  Future<Void> check() {
    Instant now = clock.instant();
    return pool.query(TENANTS).execute().compose(rows -> {
      Future<Void> chain = Future.succeededFuture();
      for (Row r : rows) {
        chain = chain.compose(v -> tenant(r, now));
      }
      return chain;
    });
  }

  private Future<Void> tenant(Row r, Instant now) {
    UUID tenantId = r.getUUID("tenant_id");
    ZoneId zone = ZoneId.of(r.getString("time_zone"));
    long balance = r.getLong("balance_minor");
    long low = r.getLong("low_balance_minor") > 0 ? r.getLong("low_balance_minor") : settings.lowBalanceDefaultMinor();
    boolean exhausted = r.getBoolean("unpaid") || balance + r.getLong("credit_limit_minor") <= 0;
    LocalDate today = now.atZone(zone).toLocalDate();
    return pool.preparedQuery(METERS).execute(Tuple.of(tenantId, today)).compose(meterRows -> {
      List<Row> meters = new ArrayList<>();
      meterRows.forEach(meters::add);
      Future<Void> alarm = meters.isEmpty() ? Future.succeededFuture()
        : lowBalanceAlarm(r, meters.get(0).getUUID("id"), balance, low);
      if (exhausted) {
        return alarm.compose(v -> exhausted(r, meters, now, zone));
      }
      Future<Void> clear = alarm.compose(v -> pool.preparedQuery("UPDATE prepaid_tenant SET exhausted_since = NULL "
        + "WHERE tenant_id = $1 AND exhausted_since IS NOT NULL").execute(Tuple.of(tenantId)).mapEmpty());
      return balance > 0 && r.getBoolean("cut_off") ? clear.compose(v -> restore(r, now)) : clear;
    });
  }

  private Future<Void> lowBalanceAlarm(Row r, UUID meterId, long balance, long low) {
    if (balance > low) {
      return alarms.resolve(meterId, AlarmKind.LOW_BALANCE, "prepaid");
    }
    return pool.preparedQuery("SELECT 1 FROM alarm WHERE meter_id = $1 AND kind = $2 AND state <> 'cleared'")
      .execute(Tuple.of(meterId, AlarmKind.LOW_BALANCE.wire()))
      .compose(open -> open.size() > 0 ? Future.succeededFuture()
        : alarms.raise(r.getUUID("site_id"), meterId, AlarmKind.LOW_BALANCE, "Prepaid balance " + balance
          + " (minor units) is at or below the low-balance mark " + low, new JsonObject()
          .put("tenantId", r.getUUID("tenant_id").toString()).put("accountId", r.getUUID("account_id").toString())
          .put("balanceMinor", balance).put("lowBalanceMinor", low)));
  }

  private Future<Void> exhausted(Row r, List<Row> meters, Instant now, ZoneId zone) {
    UUID tenantId = r.getUUID("tenant_id");
    OffsetDateTime since = r.getOffsetDateTime("exhausted_since");
    if (since == null) {
      return pool.preparedQuery("INSERT INTO prepaid_tenant (tenant_id, site_id, exhausted_since) VALUES ($1, $2, $3) "
          + "ON CONFLICT (tenant_id) DO UPDATE SET exhausted_since = coalesce(prepaid_tenant.exhausted_since, "
          + "EXCLUDED.exhausted_since)")
        .execute(Tuple.of(tenantId, r.getUUID("site_id"), OffsetDateTime.ofInstant(now, ZoneOffset.UTC))).mapEmpty();
    }
    if (now.isBefore(since.toInstant().plus(settings.grace()))) {
      return Future.succeededFuture();
    }
    LocalDate today = now.atZone(zone).toLocalDate();
    return tariffs.holidays(r.getUUID("site_id"), today, today.plusDays(1)).compose(holidays -> {
      if (!new CutOffWindow(settings.friendlyStart(), settings.friendlyEnd()).allows(now, zone, holidays)) {
        return Future.succeededFuture();
      }
      Future<Void> chain = Future.succeededFuture();
      for (Row m : meters) {
        chain = chain.compose(v -> cutOff(r, m.getUUID("id"), since, now));
      }
      return chain;
    });
  }

  private Future<Void> cutOff(Row r, UUID meterId, OffsetDateTime since, Instant now) {
    UUID tenantId = r.getUUID("tenant_id");
    String reason = "Prepaid wallet exhausted since " + since.toInstant() + " (balance " + r.getLong("balance_minor")
      + ", credit limit " + r.getLong("credit_limit_minor") + (r.getBoolean("unpaid") ? ", deductions refused" : "")
      + "); grace of " + settings.grace().toMinutes() + " min over";
    return pool.preparedQuery("SELECT 1 FROM prepaid_cutoff WHERE tenant_id = $1 AND meter_id = $2")
      .execute(Tuple.of(tenantId, meterId)).compose(done -> {
        if (done.size() > 0) {
          return Future.succeededFuture();
        }
        CommandCause cause = CommandCause.prepaid("account:" + r.getUUID("account_id"), reason);
        return relays.command(meterId, RelayAction.OPEN, cause)
          .map(c -> record(tenantId, meterId, r.getUUID("site_id"), c.id(), "opened", reason, now))
          .recover(e -> e instanceof RelayCommandRefused
            ? Future.succeededFuture(record(tenantId, meterId, r.getUUID("site_id"), null, "refused",
              e.getMessage() == null ? "refused" : e.getMessage(), now))
            : Future.failedFuture(e))
          .compose(t -> pool.preparedQuery("INSERT INTO prepaid_cutoff (tenant_id, meter_id, site_id, command_id, "
            + "outcome, reason, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING").execute(t))
          .mapEmpty();
      });
  }

  private static Tuple record(UUID tenantId, UUID meterId, UUID siteId, UUID commandId, String outcome, String reason,
                              Instant now) {
    return Tuple.from(new Object[] {tenantId, meterId, siteId, commandId, outcome,
      reason.length() > 500 ? reason.substring(0, 500) : reason, OffsetDateTime.ofInstant(now, ZoneOffset.UTC)});
  }

  /** Closes the relays the policy opened for this tenant and forgets its cut-off. */
  private Future<Void> restore(Row r, Instant now) {
    UUID tenantId = r.getUUID("tenant_id");
    return pool.preparedQuery("DELETE FROM prepaid_cutoff WHERE tenant_id = $1 RETURNING meter_id, outcome")
      .execute(Tuple.of(tenantId)).compose(rows -> {
        Future<Void> chain = Future.succeededFuture();
        for (Row c : rows) {
          if ("opened".equals(c.getString("outcome"))) {
            chain = chain.compose(v -> relays.command(c.getUUID("meter_id"), RelayAction.CLOSE,
              CommandCause.prepaid("account:" + r.getUUID("account_id"), "Prepaid wallet topped up to "
                + r.getLong("balance_minor") + " (minor units) at " + now)).mapEmpty());
          }
        }
        return chain;
      });
  }
}
