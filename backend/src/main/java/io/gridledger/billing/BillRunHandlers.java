package io.gridledger.billing;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.PageQuery;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.gridledger.site.Scope;
import io.gridledger.site.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/** Bill runs: start (202, runs in the background), progress, finalize, issue and the CSV export of a run. */
public final class BillRunHandlers implements OperationBinder {

  private static final Map<String, PageQuery.SortField> SORTS = Map.of(
    "createdAt", new PageQuery.SortField("r.created_at", "timestamptz"));

  private final Pool pool;
  private final SiteAccess sites;
  private final BillingService billing;

  public BillRunHandlers(Pool pool, SiteAccess sites, BillingService billing) {
    this.pool = pool;
    this.sites = sites;
    this.billing = billing;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("createBillRun").addHandler(this::create);
    routes.getRoute("listBillRuns").addHandler(this::list);
    routes.getRoute("getBillRun").addHandler(this::get);
    routes.getRoute("finalizeBillRun").addHandler(this::finalizeRun);
    routes.getRoute("issueBillRun").addHandler(this::issueRun);
    routes.getRoute("exportBillRun").addHandler(this::export);
  }

  private void create(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    JsonObject body = body(rc);
    UUID siteId = UUID.fromString(body.getString("siteId"));
    respond(rc, 202, sites.visibleSite(p, siteId).compose(site -> {
      SiteAccess.requireEditor(p);
      BillingPeriod period = BillingPeriod.of(body);
      return billing.startRun(siteId, period, p.subject());
    }).compose(this::doc));
  }

  private void list(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = queryId(rc, "siteId");
    ok(rc, sites.visibleSite(p, siteId).compose(site -> {
      Scope scope = BillingDocs.runs(p);
      return new PageQuery("bill_run r", BillingDocs.RUN, SORTS, "-createdAt").where("r.site_id = ?", siteId)
        .where(scope.sql(), scope.params()).page(query(rc, "cursor"), queryInt(rc, "limit"), null).run(pool, "r.id");
    }));
  }

  private void get(RoutingContext rc) {
    ok(rc, visible(Authenticator.principal(rc), pathId(rc, "runId")));
  }

  private void finalizeRun(RoutingContext rc) {
    runAction(rc, billing::finalizeRun);
  }

  private void issueRun(RoutingContext rc) {
    runAction(rc, billing::issueRun);
  }

  /** Finalize or issue: an editor of the run's site acts on it; the answer counts the documents it changed. */
  private void runAction(RoutingContext rc, java.util.function.Function<UUID, Future<Integer>> action) {
    Principal p = Authenticator.principal(rc);
    UUID runId = pathId(rc, "runId");
    ok(rc, visible(p, runId).compose(run -> {
      SiteAccess.requireEditor(p);
      return action.apply(runId).map(n -> new JsonObject().put("runId", runId.toString()).put("count", n));
    }));
  }

  private void export(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID runId = pathId(rc, "runId");
    visible(p, runId).compose(run -> InvoiceCsv.export(pool, UUID.fromString(run.getString("siteId")),
        new BillingPeriod(java.time.LocalDate.parse(run.getString("periodFrom")),
          java.time.LocalDate.parse(run.getString("periodTo")))))
      .onSuccess(csv -> rc.response().putHeader("Content-Type", "text/csv; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"bill-run-" + runId + ".csv\"").end(csv))
      .onFailure(rc::fail);
  }

  private Future<JsonObject> visible(Principal p, UUID runId) {
    Scope scope = BillingDocs.runs(p);
    Sql sql = new Sql("SELECT " + BillingDocs.RUN + " AS doc FROM bill_run r WHERE r.id = ? AND ", runId)
      .append(scope.sql(), scope.params());
    return pool.preparedQuery(sql.text()).execute(sql.tuple()).compose(rows -> rows.size() == 0
      ? Future.failedFuture(Problem.notFound("bill run"))
      : Future.succeededFuture(rows.iterator().next().getJsonObject("doc")));
  }

  private Future<JsonObject> doc(UUID runId) {
    return pool.preparedQuery("SELECT " + BillingDocs.RUN + " AS doc FROM bill_run r WHERE r.id = $1")
      .execute(io.vertx.sqlclient.Tuple.of(runId)).map(rows -> rows.iterator().next().getJsonObject("doc"));
  }
}
