package io.gridledger.prepaid;

import io.gridledger.ledger.AccountKind;
import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.Side;
import io.gridledger.ledger.Transfer;
import io.gridledger.ledger.TransferResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Deducts prepaid consumption from tenants' wallets. Each scan, in one transaction: the meter-intervals of prepaid
 * tenants (re)computed since the watermark (minus an overlap) that are not yet charged at their current quantity,
 * plus earlier charges that were refused for insufficient funds; each is rated ({@link IntervalRating}) and the
 * difference between its amount and what was charged before is posted as one transfer with a deterministic id
 * ({@link ChargeRow#nextTransferId}), together with the updated prepaid_charge rows, in the same transaction
 * ({@link LedgerService#postWithin}). A crash anywhere leaves either both or neither; a replay changes nothing.
 */
final class PrepaidCharger {

  private static final Logger LOG = LoggerFactory.getLogger(PrepaidCharger.class);

  /** The register billed per utility (the tariff quote's defaults). */
  static final String REGISTER_CASE = "CASE m.kind WHEN 'electricity' THEN 'energy_active_import' WHEN 'water' THEN "
    + "'volume' WHEN 'gas' THEN 'volume' WHEN 'heat' THEN 'energy_heat' WHEN 'cooling' THEN 'energy_cooling' END";
  private static final String LOCAL_DAY = "(ic.interval_start AT TIME ZONE s.time_zone)::date";
  /**
   * Intervals (re)computed since the watermark on meters of prepaid tenants. The uncorrelated EXISTS is evaluated once,
   * before anything else (PostgreSQL's one-time filter): on an installation with no prepaid tenant nothing is read.
   * Without it the scan's plan decides, and one planned while a month of intervals was being loaded (statistics not
   * yet analyzed) read all 30 million new intervals for a minute, on one of the two cores.
   */
  private static final String NEW_INTERVALS = "SELECT ic.meter_id, ic.register, ic.interval_start, ic.consumption AS quantity, "
    + "ic.computed_at, m.site_id, m.kind AS utility, o.tenant_id, s.time_zone, s.currency, "
    + "(SELECT r->>'unit' FROM jsonb_array_elements(m.registers) r WHERE r->>'name' = ic.register LIMIT 1) AS unit, "
    + "pc.charged_energy_minor, pc.charged_tax_minor, pc.revision "
    + "FROM interval_consumption ic JOIN meter m ON m.id = ic.meter_id JOIN site s ON s.id = m.site_id "
    + "JOIN occupancy o ON o.unit_id = m.unit_id AND o.from_date <= " + LOCAL_DAY
    + " AND (o.to_date IS NULL OR o.to_date >= " + LOCAL_DAY + ") "
    + "JOIN tenant t ON t.id = o.tenant_id AND t.billing_mode = 'prepaid' "
    + "LEFT JOIN prepaid_charge pc ON pc.meter_id = ic.meter_id AND pc.register = ic.register "
    + "AND pc.interval_start = ic.interval_start "
    + "WHERE ic.computed_at > $1 AND ic.register = " + REGISTER_CASE + " AND (pc.meter_id IS NULL OR pc.quantity <> ic.consumption) "
    + "AND EXISTS (SELECT 1 FROM tenant WHERE billing_mode = 'prepaid') "
    + "ORDER BY ic.computed_at, ic.meter_id, ic.interval_start LIMIT $2";
  private static final String UNPAID = "SELECT pc.*, s.time_zone, s.currency, NULL AS unit FROM prepaid_charge pc "
    + "JOIN site s ON s.id = pc.site_id JOIN ledger_account a ON a.tenant_id = pc.tenant_id AND a.site_id = pc.site_id "
    + "AND a.kind = 'tenant_wallet' AND a.currency = s.currency AND a.balance_minor + a.credit_limit_minor > 0 "
    + "WHERE (pc.amount_energy_minor <> pc.charged_energy_minor "
    + "OR pc.amount_tax_minor <> pc.charged_tax_minor) ORDER BY pc.interval_start LIMIT $1";
  private static final String SAVE = "INSERT INTO prepaid_charge (meter_id, register, interval_start, site_id, tenant_id, "
    + "utility, quantity, amount_energy_minor, amount_tax_minor, charged_energy_minor, charged_tax_minor, revision, updated_at) "
    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now()) ON CONFLICT (meter_id, register, interval_start) "
    + "DO UPDATE SET quantity = EXCLUDED.quantity, amount_energy_minor = EXCLUDED.amount_energy_minor, "
    + "amount_tax_minor = EXCLUDED.amount_tax_minor, charged_energy_minor = EXCLUDED.charged_energy_minor, "
    + "charged_tax_minor = EXCLUDED.charged_tax_minor, revision = EXCLUDED.revision, updated_at = now()";

  private final LedgerService ledger;
  private final IntervalRating rating;
  private final PrepaidSettings settings;

  PrepaidCharger(LedgerService ledger, IntervalRating rating, PrepaidSettings settings) {
    this.ledger = ledger;
    this.rating = rating;
    this.settings = settings;
  }

  /** One scan inside the caller's transaction (which holds the policy lock); answers the posting to publish. */
  Future<LedgerService.Posting> scan(SqlConnection tx) {
    return tx.query("SELECT watermark, now() AS db_now FROM prepaid_scan WHERE id = 1 FOR UPDATE").execute()
      .compose(w -> {
        Row row = w.iterator().next();
        OffsetDateTime watermark = row.getOffsetDateTime("watermark");
        OffsetDateTime dbNow = row.getOffsetDateTime("db_now");
        return tx.preparedQuery(NEW_INTERVALS).execute(Tuple.of(watermark.minus(settings.scanOverlap()),
            settings.maxBatchIntervals()))
          .compose(fresh -> tx.preparedQuery(UNPAID).execute(Tuple.of(settings.maxBatchIntervals()))
            .compose(unpaid -> {
              List<ChargeRow> rows = new ArrayList<>();
              OffsetDateTime last = watermark;
              for (Row r : fresh) {
                rows.add(new ChargeRow(r, false));
                last = r.getOffsetDateTime("computed_at");
              }
              java.util.Set<String> freshKeys = new java.util.HashSet<>();
              rows.forEach(c -> freshKeys.add(c.key()));
              for (Row r : unpaid) {
                ChargeRow retry = new ChargeRow(r, true);
                if (!freshKeys.contains(retry.key())) {
                  rows.add(retry);
                }
              }
              OffsetDateTime next = fresh.size() < settings.maxBatchIntervals() ? dbNow : last;
              return rating.price(rows).compose(priced -> post(tx, priced))
                .compose(posting -> tx.preparedQuery("UPDATE prepaid_scan SET watermark = greatest(watermark, $1) "
                  + "WHERE id = 1").execute(Tuple.of(next)).map(posting));
            }));
      });
  }

  private Future<LedgerService.Posting> post(SqlConnection tx, List<ChargeRow> rows) {
    List<ChargeRow> moving = new ArrayList<>();
    List<Future<Transfer>> transfers = new ArrayList<>();
    java.util.Map<String, Future<UUID[]>> accounts = new java.util.HashMap<>();
    for (ChargeRow r : rows) {
      if (r.deltaEnergyMinor() != 0 || r.deltaTaxMinor() != 0) {
        moving.add(r);
        // Accounts are looked up once per tenant and utility per round, not per interval.
        Future<UUID[]> ids = accounts.computeIfAbsent(r.tenantId + "|" + r.utility, k -> accountsOf(r));
        transfers.add(ids.map(a -> transferFor(r, a)));
      }
    }
    return Future.all(transfers).compose(all -> {
      List<Transfer> list = new ArrayList<>();
      for (int i = 0; i < transfers.size(); i++) {
        list.add(transfers.get(i).result());
      }
      return list.isEmpty() ? Future.succeededFuture(new LedgerService.Posting(List.of(), List.of()))
        : ledger.postWithin(tx, list);
    }).compose(posting -> save(tx, rows, moving, posting.results()).map(posting));
  }

  private Future<Void> save(SqlConnection tx, List<ChargeRow> rows, List<ChargeRow> moving,
                            List<TransferResult> results) {
    List<Tuple> batch = new ArrayList<>();
    for (ChargeRow r : rows) {
      int i = moving.indexOf(r);
      boolean posted = i >= 0 && results.get(i).succeeded();
      if (i >= 0 && !posted && results.get(i).status() != TransferResult.Status.INSUFFICIENT_FUNDS) {
        LOG.warn("prepaid charge refused meter={} interval={} status={} detail={}", r.meterId, r.intervalStart,
          results.get(i).status(), results.get(i).detail());
      }
      batch.add(Tuple.from(new Object[] {r.meterId, r.register, r.intervalStart, r.siteId, r.tenantId, r.utility,
        r.quantity, r.amountEnergyMinor, r.amountTaxMinor, posted ? r.amountEnergyMinor : r.chargedEnergyMinor,
        posted ? r.amountTaxMinor : r.chargedTaxMinor, posted ? r.revision + 1 : r.revision}));
    }
    return batch.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(SAVE).executeBatch(batch).mapEmpty();
  }

  /**
   * Wallet to revenue (the utility's) and tax payable; a negative difference (a rebuilt interval that came out
   * smaller) runs the other way. Each account's net movement becomes one leg on the side its sign gives.
   */
  private static Transfer transferFor(ChargeRow r, UUID[] accounts) {
    List<Transfer.Leg> legs = new ArrayList<>();
    long total = r.deltaEnergyMinor() + r.deltaTaxMinor();
    addLeg(legs, accounts[0], -total);
    addLeg(legs, accounts[1], r.deltaEnergyMinor());
    addLeg(legs, accounts[2], r.deltaTaxMinor());
    JsonObject metadata = new JsonObject().put("meterId", r.meterId.toString()).put("register", r.register)
      .put("intervalStart", r.intervalStart.toInstant().toString()).put("quantity", r.quantity)
      .put("revision", r.revision + 1);
    return new Transfer(r.nextTransferId(), r.siteId, r.currency, "prepaid_consumption", legs, null,
      "Prepaid " + r.utility + " " + r.intervalStart.toInstant(), metadata, "prepaid");
  }

  /** The tenant's wallet, the utility's revenue and tax payable, opened if need be. */
  private Future<UUID[]> accountsOf(ChargeRow r) {
    return ledger.openTenantAccounts(r.siteId, r.tenantId).compose(accounts ->
      ledger.openSiteAccount(r.siteId, AccountKind.REVENUE, r.utility).compose(revenue ->
        ledger.openSiteAccount(r.siteId, AccountKind.TAX_PAYABLE, "").map(tax ->
          new UUID[] {accounts.wallet().id(), revenue.id(), tax.id()})));
  }

  /** A credit-normal account's net change {@code netMinor}: positive credits it, negative debits it. */
  private static void addLeg(List<Transfer.Leg> legs, UUID account, long netMinor) {
    if (netMinor > 0) {
      legs.add(new Transfer.Leg(account, Side.CREDIT, netMinor));
    } else if (netMinor < 0) {
      legs.add(new Transfer.Leg(account, Side.DEBIT, -netMinor));
    }
  }
}
