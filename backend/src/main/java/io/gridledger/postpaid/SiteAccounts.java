package io.gridledger.postpaid;

import io.gridledger.ledger.AccountKind;
import io.gridledger.ledger.LedgerService;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The accounts a receivable posting touches, opened on demand (outside the caller's transaction: opening is
 * INSERT ... ON CONFLICT DO NOTHING, harmless to repeat, and an account with no legs changes no balance).
 */
record SiteAccounts(UUID wallet, UUID receivable, UUID tax, UUID cashClearing, Map<String, UUID> revenueByQualifier) {

  UUID revenue(String utility) {
    return revenueByQualifier.get(PostgresReceivables.revenueQualifier(utility));
  }

  /**
   * Inside a caller's transaction: read the accounts through that connection and open (through the pool) only those
   * missing. The caller's transaction already holds a pool connection; asking the pool for another one from inside
   * many concurrent transactions could starve it, so once a tenant's and the site's accounts exist (the normal case
   * for a bill run) no second connection is needed.
   */
  static Future<SiteAccounts> openWithin(io.vertx.sqlclient.SqlConnection tx, LedgerService ledger, UUID siteId,
                                         UUID tenantId, Set<String> utilities) {
    return tx.preparedQuery("SELECT a.id, a.kind, a.qualifier FROM ledger_account a JOIN site s ON s.id = a.site_id "
        + "AND s.currency = a.currency WHERE a.site_id = $1 AND (a.tenant_id = $2 OR a.tenant_id IS NULL)")
      .execute(io.vertx.sqlclient.Tuple.of(siteId, tenantId)).compose(rows -> {
        Map<String, UUID> byKey = new HashMap<>();
        rows.forEach(r -> byKey.put(r.getString("kind") + ":" + r.getString("qualifier"), r.getUUID("id")));
        Map<String, UUID> revenue = new HashMap<>();
        for (String u : utilities) {
          String q = PostgresReceivables.revenueQualifier(u);
          revenue.put(q, byKey.get("revenue:" + q));
        }
        UUID wallet = byKey.get("tenant_wallet:");
        UUID receivable = byKey.get("tenant_receivable:");
        UUID tax = byKey.get("tax_payable:");
        UUID cash = byKey.get("cash_clearing:");
        if (wallet == null || receivable == null || tax == null || cash == null || revenue.containsValue(null)) {
          return open(ledger, siteId, tenantId, utilities);
        }
        return Future.succeededFuture(new SiteAccounts(wallet, receivable, tax, cash, revenue));
      });
  }

  static Future<SiteAccounts> open(LedgerService ledger, UUID siteId, UUID tenantId, Set<String> utilities) {
    Set<String> qualifiers = new TreeSet<>();
    utilities.forEach(u -> qualifiers.add(PostgresReceivables.revenueQualifier(u)));
    Map<String, UUID> revenue = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (String q : qualifiers) {
      chain = chain.compose(v -> ledger.openSiteAccount(siteId, AccountKind.REVENUE, q).map(a -> {
        revenue.put(q, a.id());
        return null;
      }));
    }
    return chain.compose(v -> ledger.openTenantAccounts(siteId, tenantId))
      .compose(tenant -> ledger.openSiteAccount(siteId, AccountKind.TAX_PAYABLE, "")
        .compose(tax -> ledger.openSiteAccount(siteId, AccountKind.CASH_CLEARING, "")
          .map(cash -> new SiteAccounts(tenant.wallet().id(), tenant.receivable().id(), tax.id(), cash.id(), revenue))));
  }
}
