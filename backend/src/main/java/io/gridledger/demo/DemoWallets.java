package io.gridledger.demo;

import io.gridledger.ledger.AccountKind;
import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.Transfer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Opening cash top-ups for the demo's prepaid tenants, so the demo starts healthy instead of raising a low-balance
 * alarm and cutting off every prepaid tenant within its first minutes (wallets open empty). Every prepaid tenant gets
 * {@link #OPENING_MINOR}; the tenant who logs in as {@code tenant4} deliberately gets only {@link #LOW_MINOR}, below
 * the 10.00 low-balance mark, so the low-balance alarm and, once it is spent, the cut-off can be shown. The transfer
 * id derives from the tenant, so a restart replays it (ALREADY_POSTED) instead of paying twice.
 */
final class DemoWallets {

  private static final Logger LOG = LoggerFactory.getLogger(DemoWallets.class);
  static final long OPENING_MINOR = 50_000;
  static final long LOW_MINOR = 800;
  static final String LOW_TENANT_LOGIN = "tenant4";

  private DemoWallets() {
  }

  static Future<Void> seedOnce(Pool pool, LedgerService ledger, UUID siteId) {
    return ledger.openAccountsForSite(siteId)
      .compose(v -> ledger.openSiteAccount(siteId, AccountKind.CASH_CLEARING, ""))
      .compose(cash -> pool.preparedQuery("SELECT a.id AS wallet, a.currency, t.id AS tenant, "
          + "EXISTS (SELECT 1 FROM app_user u WHERE u.tenant_id = t.id AND u.username = $2) AS low "
          + "FROM tenant t JOIN site s ON s.id = t.site_id JOIN ledger_account a ON a.tenant_id = t.id "
          + "AND a.kind = 'tenant_wallet' AND a.currency = s.currency WHERE t.site_id = $1 AND t.billing_mode = 'prepaid'")
        .execute(Tuple.of(siteId, LOW_TENANT_LOGIN)).compose(rows -> {
          List<Transfer> openings = new ArrayList<>();
          for (Row r : rows) {
            UUID id = UUID.nameUUIDFromBytes(("gridledger-demo-opening|" + r.getUUID("tenant"))
              .getBytes(StandardCharsets.UTF_8));
            long amount = r.getBoolean("low") ? LOW_MINOR : OPENING_MINOR;
            openings.add(new Transfer(id, siteId, r.getString("currency"), "top_up",
              List.of(Transfer.Leg.debit(cash.id(), amount), Transfer.Leg.credit(r.getUUID("wallet"), amount)), null,
              "Demo opening balance", new JsonObject().put("demo", true), "demo"));
          }
          return ledger.postBatch(openings).map(results -> {
            long posted = results.stream().filter(x -> x.status() == io.gridledger.ledger.TransferResult.Status.POSTED).count();
            LOG.info("demo opening top-ups site={} wallets={} posted={}", siteId, openings.size(), posted);
            return null;
          });
        }));
  }
}
