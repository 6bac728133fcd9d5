package io.gridledger.site;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.PageQuery;
import io.gridledger.api.Problem;
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

/** Units (spaces) on a floor: what tenants occupy and what area-based allocation divides by. */
public final class UnitHandlers implements OperationBinder {

  private static final String FROM = "unit u JOIN floor f ON f.id = u.floor_id";
  /** After a data-modifying CTE named u: the new row is only visible through the CTE, not the table. */
  private static final String FROM_CTE = "u JOIN floor f ON f.id = u.floor_id";
  private static final Map<String, PageQuery.SortField> SORTS = Map.of(
    "name", new PageQuery.SortField("u.name", "text"),
    "areaM2", new PageQuery.SortField("u.area_m2", "numeric"),
    "createdAt", new PageQuery.SortField("u.created_at", "timestamptz"));

  private final Pool pool;

  public UnitHandlers(Pool pool) {
    this.pool = pool;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("listUnits").addHandler(this::list);
    routes.getRoute("createUnit").addHandler(this::create);
    routes.getRoute("getUnit").addHandler(this::get);
    routes.getRoute("updateUnit").addHandler(this::update);
    routes.getRoute("deleteUnit").addHandler(this::delete);
  }

  private void list(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    Scope scope = Scope.unit(p, "u.id");
    ok(rc, oneRow(pool, BuildingHandlers.visibleSite(p, siteId), "site").compose(site -> {
      PageQuery query = new PageQuery(FROM, SiteDocs.UNIT, SORTS, "name")
        .where("u.site_id = ?", siteId).where(scope.sql(), scope.params());
      UUID buildingId = queryId(rc, "buildingId");
      UUID floorId = queryId(rc, "floorId");
      String use = query(rc, "use");
      String q = query(rc, "q");
      if (buildingId != null) {
        query.where("f.building_id = ?", buildingId);
      }
      if (floorId != null) {
        query.where("u.floor_id = ?", floorId);
      }
      if (use != null) {
        query.where("u.use = ?", use);
      }
      if (q != null) {
        query.where("u.name ILIKE ?", "%" + SiteHandlers.likeEscape(q) + "%");
      }
      return query.page(query(rc, "cursor"), queryInt(rc, "limit"), query(rc, "sort")).run(pool, "u.id");
    }));
  }

  private void create(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    JsonObject body = body(rc);
    UUID floorId = UUID.fromString(body.getString("floorId"));
    created(rc, oneRow(pool, BuildingHandlers.visibleSite(p, siteId), "site").compose(site -> {
      requireEditor(p);
      Geometry.requireSimplePolygon(body.getJsonArray("footprint"), "/footprint");
      return pool.preparedQuery("SELECT 1 FROM floor WHERE id = $1 AND site_id = $2").execute(Tuple.of(floorId, siteId));
    }).compose(floor -> {
      if (floor.size() == 0) {
        throw Problem.unprocessable("invalid-reference", "/floorId", "The floor is not on this site");
      }
      return oneDoc(pool, new Sql("WITH u AS (INSERT INTO unit (id, site_id, floor_id, name, area_m2, use, headcount, "
        + "footprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *) SELECT " + SiteDocs.UNIT + " AS doc FROM " + FROM_CTE,
        UUID.randomUUID(), siteId, floorId, body.getString("name"), body.getNumber("areaM2").doubleValue(),
        body.getString("use"), body.getInteger("headcount"), body.getJsonArray("footprint")), "unit");
    }));
  }

  private void get(RoutingContext rc) {
    ok(rc, oneDoc(pool, visible(Authenticator.principal(rc), pathId(rc, "unitId")), "unit"));
  }

  private void update(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "unitId");
    JsonObject body = body(rc);
    ok(rc, oneRow(pool, visible(p, id), "unit").compose(found -> {
      requireEditor(p);
      Sql sql = new Sql("WITH u AS (UPDATE unit");
      if (body.containsKey("name")) {
        sql.set("name", body.getString("name"));
      }
      if (body.containsKey("areaM2")) {
        sql.set("area_m2", body.getNumber("areaM2").doubleValue());
      }
      if (body.containsKey("use")) {
        sql.set("use", body.getString("use"));
      }
      if (body.containsKey("headcount")) {
        sql.set("headcount", body.getInteger("headcount"));
      }
      if (body.containsKey("footprint")) {
        Geometry.requireSimplePolygon(body.getJsonArray("footprint"), "/footprint");
        sql.set("footprint", body.getJsonArray("footprint"));
      }
      sql.append(" WHERE id = ? RETURNING *) SELECT " + SiteDocs.UNIT + " AS doc FROM " + FROM_CTE, id);
      return oneDoc(pool, sql, "unit");
    }));
  }

  private void delete(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "unitId");
    noContent(rc, oneRow(pool, visible(p, id), "unit").compose(found -> {
      requireEditor(p);
      return pool.preparedQuery("DELETE FROM unit WHERE id = $1").execute(Tuple.of(id));
    }));
  }

  static Sql visible(Principal p, UUID id) {
    Scope scope = Scope.unit(p, "u.id");
    return new Sql("SELECT " + SiteDocs.UNIT + " AS doc, u.site_id FROM " + FROM + " WHERE u.id = ? AND ", id)
      .append(scope.sql(), scope.params());
  }
}
