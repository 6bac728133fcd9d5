package io.gridledger.postpaid;

import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.Transfer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The monthly bill run's reconciliation for a prepaid tenant (docs/prepaid.md): the wallet was charged interval by
 * interval for energy and the taxes on it; the final invoice also has fixed, demand and minimum charges and rounding
 * residues. One transfer moves the difference per utility and for tax between the wallet and revenue/tax payable,
 * so the wallet ends charged exactly the invoice. A wallet that cannot cover the difference pays what it can; the
 * rest is debited to the tenant's receivable and stays open on the invoice (a postpaid-style arrear with its due
 * date). A prepaid credit note gives its whole amount back to the wallet.
 *
 * <p>Runs under the prepaid charger's advisory lock, so no round deducts while the charges are summed, and the
 * period's still unpaid intervals are marked settled (they are part of the invoice now).
 */
final class PrepaidReconciliation {

  private static final String CHARGED = "SELECT utility, sum(charged_energy_minor)::bigint AS energy, "
    + "sum(charged_tax_minor)::bigint AS tax FROM prepaid_charge WHERE tenant_id = $1 AND interval_start >= $2 "
    + "AND interval_start < $3 GROUP BY utility";
  private static final String SETTLE = "UPDATE prepaid_charge SET charged_energy_minor = amount_energy_minor, "
    + "charged_tax_minor = amount_tax_minor, updated_at = now() WHERE tenant_id = $1 AND interval_start >= $2 "
    + "AND interval_start < $3 AND (amount_energy_minor <> charged_energy_minor OR amount_tax_minor <> charged_tax_minor)";

  private final LedgerService ledger;

  PrepaidReconciliation(LedgerService ledger) {
    this.ledger = ledger;
  }

  /** The utilities the tenant was charged for in the document's period (their revenue accounts are opened first). */
  static Future<Set<String>> chargedUtilities(SqlConnection tx, IssuedDocument d, ZoneId zone) {
    return tx.preparedQuery("SELECT DISTINCT utility FROM prepaid_charge WHERE tenant_id = $1 AND interval_start >= $2 "
        + "AND interval_start < $3").execute(Tuple.of(d.tenantId(), d.periodFrom().atStartOfDay(zone).toOffsetDateTime(),
        d.periodTo().atStartOfDay(zone).toOffsetDateTime()))
      .map(rows -> {
        Set<String> out = new HashSet<>();
        rows.forEach(r -> out.add(r.getString("utility")));
        return out;
      });
  }

  Future<Void> post(SqlConnection tx, IssuedDocument d, ZoneId zone, SiteAccounts accounts) {
    boolean invoice = IssuedDocument.INVOICE.equals(d.kind());
    OffsetDateTime from = d.periodFrom().atStartOfDay(zone).toOffsetDateTime();
    OffsetDateTime to = d.periodTo().atStartOfDay(zone).toOffsetDateTime();
    Tuple period = Tuple.of(d.tenantId(), from, to);
    Map<String, Long> charged = new HashMap<>();
    long[] chargedTax = {0};
    Future<?> read = !invoice ? Future.succeededFuture()
      : tx.query("SELECT pg_advisory_xact_lock(hashtext('gridledger.prepaid'))").execute()
        .compose(v -> tx.preparedQuery(CHARGED).execute(period)).map(rows -> {
          for (Row r : rows) {
            charged.merge(r.getString("utility"), r.getLong("energy"), Long::sum);
            chargedTax[0] += r.getLong("tax");
          }
          return null;
        }).compose(v -> tx.preparedQuery(SETTLE).execute(period));
    return read.compose(v -> {
      // What the wallet still owes per utility and for tax (negative: it was charged too much). A credit note gives back.
      Map<String, Long> diff = new HashMap<>();
      d.netByUtility().forEach((u, net) -> diff.merge(PostgresReceivables.revenueQualifier(u), invoice ? net : -net, Long::sum));
      charged.forEach((u, c) -> diff.merge(PostgresReceivables.revenueQualifier(u), -c, Long::sum));
      long taxDiff = invoice ? d.taxMinor() - chargedTax[0] : -d.taxMinor();
      long walletDiff = taxDiff + diff.values().stream().mapToLong(Long::longValue).sum();
      long chargedTotal = chargedTax[0] + charged.values().stream().mapToLong(Long::longValue).sum();
      for (String q : diff.keySet()) {
        if (accounts.revenue(q) == null) {
          // Charged for a utility that appeared after the accounts were opened: billing's retry opens it.
          return Future.failedFuture(new IllegalStateException("revenue account " + q + " not opened yet; retry"));
        }
      }
      return available(tx, accounts.wallet()).compose(available -> {
          long fromWallet = walletDiff > 0 ? Math.min(walletDiff, Math.max(0, available)) : walletDiff;
          long shortfall = walletDiff > 0 ? walletDiff - fromWallet : 0;
          List<Transfer.Leg> legs = new ArrayList<>();
          addLeg(legs, accounts.wallet(), fromWallet);
          addLeg(legs, accounts.receivable(), shortfall);
          diff.forEach((q, amount) -> addLeg(legs, accounts.revenue(q), -amount));
          addLeg(legs, accounts.tax(), -taxDiff);
          Future<UUID> posted = legs.isEmpty() ? Future.succeededFuture(null)
            : PostgresReceivables.postOne(ledger, tx, new Transfer(PostgresReceivables.transferId(d.documentId()),
              d.siteId(), d.currency(), "prepaid_reconciliation", legs, null,
              (invoice ? "Prepaid reconciliation of invoice " : "Prepaid credit note ") + d.number(),
              PostgresReceivables.metadata(d, zone).put("chargedMinor", chargedTotal).put("totalMinor", d.totalMinor()),
              "billing"));
          return posted.compose(id -> tx.preparedQuery("UPDATE receivable_document SET transfer_id = $2, "
            + "reconciled_minor = $3, open_minor = $4 WHERE id = $1")
            .execute(Tuple.of(d.documentId(), id, walletDiff, shortfall))).mapEmpty();
        });
    });
  }

  /**
   * Debit-positive: a positive amount debits the account, a negative one credits it; zero adds no leg. Legs:
   * wallet debited by what it pays (a credit-normal account: lowers it), revenue and tax credited by what they gain.
   */
  private static void addLeg(List<Transfer.Leg> legs, UUID account, long debit) {
    if (debit > 0) {
      legs.add(Transfer.Leg.debit(account, debit));
    } else if (debit < 0) {
      legs.add(Transfer.Leg.credit(account, -debit));
    }
  }

  /** What the wallet may still spend, read under its row lock (the ledger takes the same lock when posting). */
  private static Future<Long> available(SqlConnection tx, UUID wallet) {
    return tx.preparedQuery("SELECT balance_minor + credit_limit_minor AS available FROM ledger_account WHERE id = $1 "
      + "FOR UPDATE").execute(Tuple.of(wallet)).map(rows -> rows.iterator().next().getLong("available"));
  }
}
