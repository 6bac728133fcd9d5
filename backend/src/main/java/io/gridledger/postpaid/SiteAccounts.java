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
