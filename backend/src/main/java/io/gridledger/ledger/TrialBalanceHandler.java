package io.gridledger.ledger;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.auth.Role;
import io.gridledger.site.SiteAccess;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;

import java.util.UUID;

import static io.gridledger.api.Requests.*;

/** GET /finance/trial-balance: for operators, admins and auditing integrations of the site; tenants may not. */
public final class TrialBalanceHandler implements OperationBinder {

  private final SiteAccess sites;
  private final TrialBalance trialBalance;

  public TrialBalanceHandler(Pool pool) {
    this.sites = new SiteAccess(pool);
    this.trialBalance = new TrialBalance(pool);
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("getTrialBalance").addHandler(this::check);
  }

  private void check(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = queryId(rc, "siteId");
    ok(rc, sites.visibleSite(p, siteId).compose(site -> {
      if (p.role() == Role.TENANT) {
        throw Problem.forbidden("The trial balance is for operators and auditors");
      }
      return trialBalance.check(siteId);
    }));
  }
}
