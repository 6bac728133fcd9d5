package io.gridledger.report;

import io.gridledger.allocation.AllocationHandlers;
import io.gridledger.api.OperationBinder;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.site.SiteAccess;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

import java.time.LocalDate;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/**
 * GET /reports/consumption: JSON, or CSV when asked (Accept text/csv or format=csv). A tenant token gets only its
 * own rows; a site the caller cannot see answers 404.
 */
public final class ReportHandlers implements OperationBinder {

  private final SiteAccess sites;
  private final ConsumptionReport report;

  public ReportHandlers(SiteAccess sites, ConsumptionReport report) {
    this.sites = sites;
    this.report = report;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("getConsumptionReport").addHandler(this::consumption);
  }

  private void consumption(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = queryId(rc, "site");
    LocalDate[] period = AllocationHandlers.period(rc);
    String groupBy = query(rc, "groupBy") == null ? "tenant" : query(rc, "groupBy");
    String utility = query(rc, "utility");
    String format = query(rc, "format");
    String accept = rc.request().getHeader("Accept");
    boolean csv = "csv".equals(format) || (format == null && accept != null && accept.contains("text/csv"));
    var result = sites.visibleSite(p, siteId)
      .compose(site -> report.build(siteId, period[0], period[1], groupBy, utility, p.tenantScope()));
    if (!csv) {
      ok(rc, result);
      return;
    }
    result.onSuccess(json -> rc.response().setStatusCode(200).putHeader("Content-Type", "text/csv; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"consumption-" + period[0] + "-" + period[1] + ".csv\"")
        .end(ReportCsv.of(json)))
      .onFailure(rc::fail);
  }
}
