package io.gridledger.ledger;

import io.gridledger.api.Problem;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Opens and reads accounts. Accounts are opened on demand, in the site's currency, with INSERT ... ON CONFLICT DO
 * NOTHING followed by a read: two callers opening the same account at once get the same one.
 */
final class LedgerAccounts {

  private static final String OPEN_TENANT = "INSERT INTO ledger_account (id, site_id, tenant_id, kind, currency, "
    + "normal_side, enforce_limit, credit_limit_minor, low_balance_minor) "
    + "SELECT v.id, t.site_id, t.id, v.kind, s.currency, v.side, v.limited, v.credit_limit, v.low "
    + "FROM tenant t JOIN site s ON s.id = t.site_id CROSS JOIN (VALUES "
    + "($3::uuid, 'tenant_wallet', 'C', true, $4::bigint, $5::bigint), "
    + "($6::uuid, 'tenant_receivable', 'D', false, 0::bigint, 0::bigint)) AS v(id, kind, side, limited, credit_limit, low) "
    + "WHERE t.id = $1 AND t.site_id = $2 ON CONFLICT DO NOTHING";
  private static final String OPEN_SITE_TENANTS = "INSERT INTO ledger_account (id, site_id, tenant_id, kind, currency, "
    + "normal_side, enforce_limit, credit_limit_minor, low_balance_minor) "
    + "SELECT gen_random_uuid(), t.site_id, t.id, v.kind, s.currency, v.side, v.limited, v.credit_limit, v.low "
    + "FROM tenant t JOIN site s ON s.id = t.site_id CROSS JOIN (VALUES "
    + "('tenant_wallet', 'C', true, $2::bigint, $3::bigint), "
    + "('tenant_receivable', 'D', false, 0::bigint, 0::bigint)) AS v(kind, side, limited, credit_limit, low) "
    + "WHERE t.site_id = $1 ON CONFLICT DO NOTHING";
  private static final String TENANT_ACCOUNTS = "SELECT " + LedgerAccount.COLUMNS + " FROM ledger_account a "
    + "JOIN site s ON s.id = a.site_id AND s.currency = a.currency WHERE a.tenant_id = $1 AND a.site_id = $2";
  private static final String OPEN_SITE_ACCOUNT = "INSERT INTO ledger_account (id, site_id, kind, qualifier, currency, "
    + "normal_side, enforce_limit) SELECT $1, s.id, $3, $4, s.currency, $5, false FROM site s WHERE s.id = $2 "
    + "ON CONFLICT DO NOTHING";
  private static final String SITE_ACCOUNT = "SELECT " + LedgerAccount.COLUMNS + " FROM ledger_account a "
    + "JOIN site s ON s.id = a.site_id AND s.currency = a.currency "
    + "WHERE a.site_id = $1 AND a.kind = $2 AND a.qualifier = $3 AND a.tenant_id IS NULL";
  private static final String ONE = "SELECT " + LedgerAccount.COLUMNS + " FROM ledger_account a WHERE a.id = $1";
  private static final String SET_LIMITS = "UPDATE ledger_account AS a SET credit_limit_minor = $2, low_balance_minor = $3 "
    + "WHERE a.id = $1 AND a.kind = 'tenant_wallet' RETURNING " + LedgerAccount.COLUMNS;

  private final Pool pool;
  private final long walletCreditLimitMinor;
  private final long walletLowBalanceMinor;

  LedgerAccounts(Pool pool, long walletCreditLimitMinor, long walletLowBalanceMinor) {
    this.pool = pool;
    this.walletCreditLimitMinor = walletCreditLimitMinor;
    this.walletLowBalanceMinor = walletLowBalanceMinor;
  }

  /**
   * Reads before it inserts, on purpose: an INSERT ... ON CONFLICT DO NOTHING that meets an existing account whose row
   * another open transaction has updated (a posting's balance change) waits for that transaction to end. Callers
   * that open accounts on the pool while their own transaction has already posted to those accounts (issuing a
   * credit note and its rebill together) would wait on themselves. A plain read never waits.
   */
  Future<LedgerService.TenantAccounts> openTenantAccounts(UUID siteId, UUID tenantId) {
    return pool.preparedQuery(TENANT_ACCOUNTS).execute(Tuple.of(tenantId, siteId))
      .compose(existing -> existing.size() >= 2 ? Future.succeededFuture(existing)
        : pool.preparedQuery(OPEN_TENANT).execute(Tuple.of(tenantId, siteId, UUID.randomUUID(), walletCreditLimitMinor,
            walletLowBalanceMinor, UUID.randomUUID()))
          .compose(v -> pool.preparedQuery(TENANT_ACCOUNTS).execute(Tuple.of(tenantId, siteId))))
      .map(rows -> {
        LedgerAccount wallet = null;
        LedgerAccount receivable = null;
        for (Row row : rows) {
          LedgerAccount account = LedgerAccount.from(row);
          if (account.kind() == AccountKind.TENANT_WALLET) {
            wallet = account;
          } else {
            receivable = account;
          }
        }
        if (wallet == null || receivable == null) {
          throw Problem.notFound("tenant");
        }
        return new LedgerService.TenantAccounts(wallet, receivable);
      });
  }

  Future<Integer> openAccountsForSite(UUID siteId) {
    return pool.preparedQuery(OPEN_SITE_TENANTS).execute(Tuple.of(siteId, walletCreditLimitMinor, walletLowBalanceMinor))
      .map(RowSet::rowCount);
  }

  Future<LedgerAccount> openSiteAccount(UUID siteId, AccountKind kind, String qualifier) {
    String q = qualifier == null ? "" : qualifier;
    if (kind.tenantOwned() || !kind.allowsQualifier(q)) {
      return Future.failedFuture(new IllegalArgumentException("no site account " + kind.wireName() + " '" + q + "'"));
    }
    // Read first, as in openTenantAccounts: the insert is only for an account that does not exist yet.
    Tuple key = Tuple.of(siteId, kind.wireName(), q);
    return pool.preparedQuery(SITE_ACCOUNT).execute(key)
      .compose(existing -> existing.size() > 0 ? Future.succeededFuture(existing)
        : pool.preparedQuery(OPEN_SITE_ACCOUNT).execute(Tuple.of(UUID.randomUUID(), siteId, kind.wireName(), q,
            kind.normalSide().code()))
          .compose(v -> pool.preparedQuery(SITE_ACCOUNT).execute(key)))
      .map(rows -> {
        if (rows.size() == 0) {
          throw Problem.notFound("site");
        }
        return LedgerAccount.from(rows.iterator().next());
      });
  }

  Future<LedgerAccount> account(UUID accountId) {
    return pool.preparedQuery(ONE).execute(Tuple.of(accountId)).map(rows -> {
      if (rows.size() == 0) {
        throw Problem.notFound("account");
      }
      return LedgerAccount.from(rows.iterator().next());
    });
  }

  Future<LedgerAccount> setWalletLimits(UUID accountId, long creditLimitMinor, long lowBalanceMinor) {
    if (creditLimitMinor < 0) {
      return Future.failedFuture(Problem.unprocessable("invalid-limit", "/creditLimitMinor", "A credit limit is not negative"));
    }
    return pool.preparedQuery(SET_LIMITS).execute(Tuple.of(accountId, creditLimitMinor, lowBalanceMinor))
      .recover(e -> Future.failedFuture(e instanceof io.vertx.pgclient.PgException pg && "23514".equals(pg.getSqlState())
        ? Problem.unprocessable("limit-below-balance", "/creditLimitMinor",
          "The wallet is already further below zero than the new credit limit allows")
        : e))
      .map(rows -> {
        if (rows.size() == 0) {
          throw Problem.notFound("wallet");
        }
        return LedgerAccount.from(rows.iterator().next());
      });
  }
}
