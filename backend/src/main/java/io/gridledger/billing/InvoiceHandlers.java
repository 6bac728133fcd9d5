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
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/** Invoices and credit notes: list, one with its lines, its PDF, and an explicit re-rate (correction). */
public final class InvoiceHandlers implements OperationBinder {

  private static final Map<String, PageQuery.SortField> SORTS = Map.of(
    "createdAt", new PageQuery.SortField("i.created_at", "timestamptz"),
    "periodFrom", new PageQuery.SortField("i.period_from", "date"));

  private final Vertx vertx;
  private final Pool pool;
  private final BillingService billing;

  public InvoiceHandlers(Vertx vertx, Pool pool, BillingService billing) {
    this.vertx = vertx;
    this.pool = pool;
    this.billing = billing;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("listInvoices").addHandler(this::list);
    routes.getRoute("getInvoice").addHandler(this::get);
    routes.getRoute("getInvoicePdf").addHandler(this::pdf);
    routes.getRoute("reRateInvoice").addHandler(this::reRate);
  }

  private void list(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    Scope scope = BillingDocs.invoices(p);
    PageQuery page = new PageQuery("invoice i JOIN tenant t ON t.id = i.tenant_id", BillingDocs.INVOICE, SORTS,
      "createdAt").where(scope.sql(), scope.params());
    filter(page, "i.site_id = ?::uuid", query(rc, "siteId"));
    filter(page, "i.tenant_id = ?::uuid", query(rc, "tenantId"));
    filter(page, "i.run_id = ?::uuid", query(rc, "runId"));
    filter(page, "i.status = ?", query(rc, "status"));
    filter(page, "i.kind = ?", query(rc, "kind"));
    ok(rc, page.page(query(rc, "cursor"), queryInt(rc, "limit"), query(rc, "sort")).run(pool, "i.id"));
  }

  private static void filter(PageQuery page, String fragment, String value) {
    if (value != null) {
      page.where(fragment, value);
    }
  }

  private void get(RoutingContext rc) {
    ok(rc, visible(Authenticator.principal(rc), pathId(rc, "invoiceId")));
  }

  private void pdf(RoutingContext rc) {
    UUID id = pathId(rc, "invoiceId");
    visible(Authenticator.principal(rc), id)
      .compose(invoice -> BillingStore.site(pool, UUID.fromString(invoice.getString("siteId")))
        .compose(site -> vertx.executeBlocking(() -> InvoicePdf.render(invoice, site), false)))
      .onSuccess(bytes -> rc.response().putHeader("Content-Type", "application/pdf")
        .putHeader("Content-Disposition", "inline; filename=\"invoice-" + id + ".pdf\"").end(Buffer.buffer(bytes)))
      .onFailure(rc::fail);
  }

  private void reRate(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "invoiceId");
    ok(rc, visible(p, id).compose(invoice -> {
      SiteAccess.requireEditor(p);
      return billing.reRate(id);
    }));
  }

  private Future<JsonObject> visible(Principal p, UUID invoiceId) {
    Scope scope = BillingDocs.invoices(p);
    Sql sql = new Sql("SELECT " + BillingDocs.FULL_INVOICE + " AS doc FROM invoice i JOIN tenant t ON t.id = i.tenant_id "
      + "WHERE i.id = ? AND ", invoiceId).append(scope.sql(), scope.params());
    return pool.preparedQuery(sql.text()).execute(sql.tuple()).compose(rows -> rows.size() == 0
      ? Future.failedFuture(Problem.notFound("invoice"))
      : Future.succeededFuture(rows.iterator().next().getJsonObject("doc")));
  }
}
