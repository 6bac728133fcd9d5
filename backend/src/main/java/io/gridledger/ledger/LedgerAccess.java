package io.gridledger.ledger;

import io.gridledger.api.Problem;
import io.gridledger.auth.Principal;
import io.gridledger.auth.Role;
import io.gridledger.db.Sql;
import io.gridledger.site.Scope;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.UUID;

/**
 * Who may see which account, in SQL: an account of another site, or (for a tenant) any account but the tenant's own,
 * is not found. Shared by the accounts API and the payment API.
 */
public final class LedgerAccess {

  private final Pool pool;

  public LedgerAccess(Pool pool) {
    this.pool = pool;
  }

  /** The account if the caller may see it, else a 404 problem. */
  public Future<LedgerAccount> visibleAccount(Principal p, UUID accountId) {
    Scope site = Scope.site(p, "a.site_id");
    Sql sql = new Sql("SELECT " + LedgerAccount.COLUMNS + " FROM ledger_account a WHERE a.id = ? AND ", accountId)
      .append(site.sql(), site.params())
      .append(" AND (?::uuid IS NULL OR a.tenant_id = ?::uuid)", p.tenantScope(), p.tenantScope());
    return pool.preparedQuery(sql.text()).execute(sql.tuple()).map(rows -> {
      if (rows.size() == 0) {
        throw Problem.notFound("account");
      }
      return LedgerAccount.from(rows.iterator().next());
    });
  }

  /** The tenant's site if the caller may see the tenant, else a 404 problem. */
  public Future<UUID> visibleTenantSite(Principal p, UUID tenantId) {
    Scope scope = Scope.tenant(p, "t");
    Sql sql = new Sql("SELECT t.site_id FROM tenant t WHERE t.id = ? AND ", tenantId).append(scope.sql(), scope.params());
    return pool.preparedQuery(sql.text()).execute(sql.tuple()).map(rows -> {
      if (rows.size() == 0) {
        throw Problem.notFound("tenant");
      }
      return rows.iterator().next().getUUID("site_id");
    });
  }

  /** Raises 403 unless the caller runs the site's money (operators of the site and admins). */
  public static void requireOperator(Principal p, String action) {
    if (p.role() != Role.ADMIN && p.role() != Role.OPERATOR) {
      throw Problem.forbidden("Only operators and admins may " + action);
    }
  }
}
