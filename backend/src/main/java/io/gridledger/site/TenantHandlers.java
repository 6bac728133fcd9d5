package io.gridledger.site;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.PageQuery;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.Map;
import java.util.UUID;

import static io.gridledger.api.Requests.*;
import static io.gridledger.site.SiteModelSupport.*;

/** Tenants of a site: who is billed, prepaid or postpaid. Occupancies live in {@link OccupancyHandlers}. */
public final class TenantHandlers implements OperationBinder {

  private static final Map<String, PageQuery.SortField> SORTS = Map.of(
    "legalName", new PageQuery.SortField("t.legal_name", "text"),
    "createdAt", new PageQuery.SortField("t.created_at", "timestamptz"));

  private final Pool pool;

  public TenantHandlers(Pool pool) {
    this.pool = pool;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("listTenants").addHandler(this::list);
    routes.getRoute("createTenant").addHandler(this::create);
    routes.getRoute("getTenant").addHandler(this::get);
    routes.getRoute("updateTenant").addHandler(this::update);
    routes.getRoute("deleteTenant").addHandler(this::delete);
  }

  private void list(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    Scope scope = Scope.tenant(p, "t");
    ok(rc, oneRow(pool, BuildingHandlers.visibleSite(p, siteId), "site").compose(site -> {
      PageQuery query = new PageQuery("tenant t", SiteDocs.TENANT, SORTS, "legalName")
        .where("t.site_id = ?", siteId).where(scope.sql(), scope.params());
      String mode = query(rc, "billingMode");
      String q = query(rc, "q");
      if (mode != null) {
        query.where("t.billing_mode = ?", mode);
      }
      if (q != null) {
        query.where("t.legal_name ILIKE ?", "%" + SiteHandlers.likeEscape(q) + "%");
      }
      return query.page(query(rc, "cursor"), queryInt(rc, "limit"), query(rc, "sort")).run(pool, "t.id");
    }));
  }

  private void create(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    JsonObject body = body(rc);
    created(rc, oneRow(pool, BuildingHandlers.visibleSite(p, siteId), "site").compose(site -> {
      requireEditor(p);
      return oneDoc(pool, new Sql("INSERT INTO tenant AS t (id, site_id, legal_name, contact, billing_mode) "
        + "VALUES (?, ?, ?, ?, ?) RETURNING " + SiteDocs.TENANT + " AS doc", UUID.randomUUID(), siteId,
        body.getString("legalName"), body.getJsonObject("contact", new JsonObject()), body.getString("billingMode")),
        "tenant");
    }));
  }

  private void get(RoutingContext rc) {
    ok(rc, oneDoc(pool, visible(Authenticator.principal(rc), pathId(rc, "tenantId")), "tenant"));
  }

  private void update(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "tenantId");
    JsonObject body = body(rc);
    ok(rc, oneRow(pool, visible(p, id), "tenant").compose(found -> {
      requireEditor(p);
      Sql sql = new Sql("UPDATE tenant AS t");
      if (body.containsKey("legalName")) {
        sql.set("legal_name", body.getString("legalName"));
      }
      if (body.containsKey("contact")) {
        sql.set("contact", body.getJsonObject("contact"));
      }
      if (body.containsKey("billingMode")) {
        sql.set("billing_mode", body.getString("billingMode"));
      }
      return oneDoc(pool, sql.append(" WHERE t.id = ? RETURNING " + SiteDocs.TENANT + " AS doc", id), "tenant");
    }));
  }

  private void delete(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "tenantId");
    noContent(rc, oneRow(pool, visible(p, id), "tenant").compose(found -> {
      requireEditor(p);
      return pool.preparedQuery("DELETE FROM tenant WHERE id = $1").execute(Tuple.of(id));
    }));
  }

  static Sql visible(Principal p, UUID id) {
    Scope scope = Scope.tenant(p, "t");
    return new Sql("SELECT " + SiteDocs.TENANT + " AS doc, t.site_id FROM tenant t WHERE t.id = ? AND ", id)
      .append(scope.sql(), scope.params());
  }
}
