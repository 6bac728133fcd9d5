package io.gridledger.site;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.PageQuery;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.UUID;

import static io.gridledger.api.Requests.*;
import static io.gridledger.site.SiteModelSupport.*;

/** Sites: the top of the asset model, each with its own time zone and currency. */
public final class SiteHandlers implements OperationBinder {

  private static final Map<String, PageQuery.SortField> SORTS = Map.of(
    "name", new PageQuery.SortField("s.name", "text"),
    "createdAt", new PageQuery.SortField("s.created_at", "timestamptz"));

  private final Pool pool;
  private final SiteImporter importer;

  public SiteHandlers(Pool pool, SiteImporter importer) {
    this.pool = pool;
    this.importer = importer;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("listSites").addHandler(this::list);
    routes.getRoute("createSite").addHandler(this::create);
    routes.getRoute("getSite").addHandler(this::get);
    routes.getRoute("updateSite").addHandler(this::update);
    routes.getRoute("deleteSite").addHandler(this::delete);
    routes.getRoute("importSite").addHandler(this::importSite);
  }

  private void list(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    Scope scope = Scope.site(p, "s.id");
    PageQuery query = new PageQuery("site s", SiteDocs.SITE, SORTS, "name").where(scope.sql(), scope.params());
    String q = query(rc, "q");
    if (q != null) {
      query.where("s.name ILIKE ?", "%" + likeEscape(q) + "%");
    }
    ok(rc, query.page(query(rc, "cursor"), queryInt(rc, "limit"), query(rc, "sort")).run(pool, "s.id"));
  }

  private void create(RoutingContext rc) {
    requireAdmin(Authenticator.principal(rc));
    JsonObject body = body(rc);
    created(rc, insert(body));
  }

  Future<JsonObject> insert(JsonObject body) {
    String zone = validTimeZone(body.getString("timeZone"), "/timeZone");
    String currency = validCurrency(body.getString("currency"), "/currency");
    return pool.preparedQuery("INSERT INTO site AS s (id, name, time_zone, currency, address) "
        + "VALUES ($1, $2, $3, $4, $5) RETURNING " + SiteDocs.SITE + " AS doc")
      .execute(io.vertx.sqlclient.Tuple.of(UUID.randomUUID(), body.getString("name"), zone, currency,
        body.getJsonObject("address", new JsonObject())))
      .map(rows -> rows.iterator().next().getJsonObject("doc"));
  }

  private void get(RoutingContext rc) {
    ok(rc, oneDoc(pool, visible(Authenticator.principal(rc), pathId(rc, "siteId")), "site"));
  }

  private void update(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "siteId");
    JsonObject body = body(rc);
    ok(rc, oneRow(pool, visible(p, id), "site").compose(found -> {
      requireEditor(p);
      Sql sql = new Sql("UPDATE site AS s").setExpression("updated_at", "now()");
      if (body.containsKey("name")) {
        sql.set("name", body.getString("name"));
      }
      if (body.containsKey("timeZone")) {
        sql.set("time_zone", validTimeZone(body.getString("timeZone"), "/timeZone"));
      }
      if (body.containsKey("currency")) {
        sql.set("currency", validCurrency(body.getString("currency"), "/currency"));
      }
      if (body.containsKey("address")) {
        sql.set("address", body.getJsonObject("address"));
      }
      sql.append(" WHERE s.id = ? RETURNING " + SiteDocs.SITE + " AS doc", id);
      return oneDoc(pool, sql, "site");
    }));
  }

  private void delete(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "siteId");
    noContent(rc, oneRow(pool, visible(p, id), "site").compose(found -> {
      requireAdmin(p);
      return pool.preparedQuery("DELETE FROM site WHERE id = $1").execute(io.vertx.sqlclient.Tuple.of(id));
    }));
  }

  private void importSite(RoutingContext rc) {
    requireAdmin(Authenticator.principal(rc));
    created(rc, importer.importSite(body(rc)).onSuccess(result -> SiteEvents.metersChanged(rc.vertx(), "*")));
  }

  private static Sql visible(Principal p, UUID id) {
    Scope scope = Scope.site(p, "s.id");
    return new Sql("SELECT " + SiteDocs.SITE + " AS doc FROM site s WHERE s.id = ? AND ", id)
      .append(scope.sql(), scope.params());
  }

  static String likeEscape(String value) {
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  static void requireFound(boolean found, String what) {
    if (!found) {
      throw Problem.notFound(what);
    }
  }
}
