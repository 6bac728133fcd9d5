package io.gridledger.finance;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.ledger.LedgerAccess;
import io.gridledger.site.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/**
 * Site-wide money views for operators and admins: the financial overview and the ledger transactions (JSON pages
 * or CSV). A site the caller cannot see is 404; tenants and integrations may see the site but not these (403).
 */
public final class FinanceHandlers implements OperationBinder {

  private final SiteAccess sites;
  private final FinanceOverview overview;
  private final FinanceTransactions transactions;
  private final Clock clock;
  private final int csvMaxRows;

  /** {@code finance} is the configuration section. */
  public FinanceHandlers(Pool pool, JsonObject finance, Clock clock) {
    this.sites = new SiteAccess(pool);
    this.overview = new FinanceOverview(pool);
    this.transactions = new FinanceTransactions(pool);
    this.clock = clock;
    this.csvMaxRows = finance.getInteger("csvMaxRows", 100_000);
    if (csvMaxRows < 1 || csvMaxRows > 1_000_000) {
      throw new IllegalArgumentException("finance.csvMaxRows must be between 1 and 1000000, was " + csvMaxRows);
    }
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("getFinanceOverview").addHandler(this::overview);
    routes.getRoute("listFinanceTransactions").addHandler(this::transactions);
  }

  /** The site's currency, zone and period (default: the current site-local month). */
  private record Scoped(UUID siteId, String currency, ZoneId zone, LocalDate from, LocalDate to) {
  }

  private Future<Scoped> scoped(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = queryId(rc, "siteId");
    String fromText = query(rc, "from");
    String toText = query(rc, "to");
    return sites.visibleSite(p, siteId).map(site -> {
      LedgerAccess.requireOperator(p, "see the site's finances");
      ZoneId zone = ZoneId.of(site.getString("timeZone"));
      LocalDate today = clock.instant().atZone(zone).toLocalDate();
      LocalDate from = fromText != null ? LocalDate.parse(fromText) : today.withDayOfMonth(1);
      LocalDate to = toText != null ? LocalDate.parse(toText) : from.withDayOfMonth(1).plusMonths(1);
      if (!from.isBefore(to)) {
        throw Problem.unprocessable("invalid-period", "to", "to must be after from");
      }
      return new Scoped(siteId, site.getString("currency"), zone, from, to);
    });
  }

  private void overview(RoutingContext rc) {
    ok(rc, scoped(rc).compose(s -> overview.of(s.siteId(), s.currency(), s.zone(), s.from(), s.to())));
  }

  private void transactions(RoutingContext rc) {
    String accept = rc.request().getHeader("Accept");
    boolean csv = "csv".equals(query(rc, "format")) || (accept != null && accept.contains("text/csv"));
    String cursor = query(rc, "cursor");
    Integer limit = queryInt(rc, "limit");
    UUID tenantId = queryId(rc, "tenantId");
    String accountKind = query(rc, "accountKind");
    String kind = query(rc, "kind");
    scoped(rc).compose(s -> {
      FinanceTransactions.Filter f = new FinanceTransactions.Filter(s.siteId(), tenantId, accountKind, kind,
        s.from().atStartOfDay(s.zone()).toOffsetDateTime(), s.to().atStartOfDay(s.zone()).toOffsetDateTime());
      return csv ? transactions.csv(f, csvMaxRows).map(text -> (Object) text)
        : transactions.page(f, cursor, limit == null ? 50 : limit).map(page -> (Object) page);
    }).onSuccess(result -> {
      if (result instanceof String text) {
        rc.response().setStatusCode(200).putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"transactions.csv\"").end(text);
      } else {
        rc.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(((JsonObject) result).encode());
      }
    }).onFailure(rc::fail);
  }
}
