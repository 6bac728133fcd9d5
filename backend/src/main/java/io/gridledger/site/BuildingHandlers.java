package io.gridledger.site;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.PageQuery;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.Map;
import java.util.UUID;

import static io.gridledger.api.Requests.*;
import static io.gridledger.site.SiteModelSupport.*;

/** Buildings of a site and the floors of a building: the geometry the twin extrudes. */
public final class BuildingHandlers implements OperationBinder {

  private static final Map<String, PageQuery.SortField> BUILDING_SORTS =
    Map.of("name", new PageQuery.SortField("b.name", "text"));
  private static final Map<String, PageQuery.SortField> FLOOR_SORTS =
    Map.of("level", new PageQuery.SortField("f.level", "integer"));

  private final Pool pool;

  public BuildingHandlers(Pool pool) {
    this.pool = pool;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("listBuildings").addHandler(this::listBuildings);
    routes.getRoute("createBuilding").addHandler(this::createBuilding);
    routes.getRoute("getBuilding").addHandler(this::getBuilding);
    routes.getRoute("updateBuilding").addHandler(this::updateBuilding);
    routes.getRoute("deleteBuilding").addHandler(this::deleteBuilding);
    routes.getRoute("listFloors").addHandler(this::listFloors);
    routes.getRoute("createFloor").addHandler(this::createFloor);
    routes.getRoute("getFloor").addHandler(this::getFloor);
    routes.getRoute("updateFloor").addHandler(this::updateFloor);
    routes.getRoute("deleteFloor").addHandler(this::deleteFloor);
  }

  private void listBuildings(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    Scope scope = Scope.site(p, "b.site_id");
    ok(rc, oneRow(pool, visibleSite(p, siteId), "site").compose(site ->
      new PageQuery("building b", SiteDocs.BUILDING, BUILDING_SORTS, "name")
        .where("b.site_id = ?", siteId).where(scope.sql(), scope.params())
        .page(query(rc, "cursor"), queryInt(rc, "limit"), null).run(pool, "b.id")));
  }

  private void createBuilding(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    JsonObject body = body(rc);
    created(rc, oneRow(pool, visibleSite(p, siteId), "site").compose(site -> {
      requireEditor(p);
      JsonArray footprint = body.getJsonArray("footprint");
      if (footprint != null) {
        Geometry.requireSimplePolygon(footprint, "/footprint");
      }
      return oneDoc(pool, new Sql("INSERT INTO building AS b (id, site_id, name, footprint) VALUES (?, ?, ?, ?) "
        + "RETURNING " + SiteDocs.BUILDING + " AS doc", UUID.randomUUID(), siteId, body.getString("name"), footprint),
        "building");
    }));
  }

  private void getBuilding(RoutingContext rc) {
    ok(rc, oneDoc(pool, visibleBuilding(Authenticator.principal(rc), pathId(rc, "buildingId")), "building"));
  }

  private void updateBuilding(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "buildingId");
    JsonObject body = body(rc);
    ok(rc, oneRow(pool, visibleBuilding(p, id), "building").compose(found -> {
      requireEditor(p);
      Sql sql = new Sql("UPDATE building AS b");
      if (body.containsKey("name")) {
        sql.set("name", body.getString("name"));
      }
      if (body.containsKey("footprint")) {
        Geometry.requireSimplePolygon(body.getJsonArray("footprint"), "/footprint");
        sql.set("footprint", body.getJsonArray("footprint"));
      }
      return oneDoc(pool, sql.append(" WHERE b.id = ? RETURNING " + SiteDocs.BUILDING + " AS doc", id), "building");
    }));
  }

  private void deleteBuilding(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "buildingId");
    noContent(rc, oneRow(pool, visibleBuilding(p, id), "building").compose(found -> {
      requireEditor(p);
      return pool.preparedQuery("DELETE FROM building WHERE id = $1").execute(Tuple.of(id));
    }));
  }

  private void listFloors(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID buildingId = pathId(rc, "buildingId");
    Scope scope = Scope.site(p, "f.site_id");
    ok(rc, oneRow(pool, visibleBuilding(p, buildingId), "building").compose(b ->
      new PageQuery("floor f", SiteDocs.FLOOR, FLOOR_SORTS, "level")
        .where("f.building_id = ?", buildingId).where(scope.sql(), scope.params())
        .page(query(rc, "cursor"), queryInt(rc, "limit"), null).run(pool, "f.id")));
  }

  private void createFloor(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID buildingId = pathId(rc, "buildingId");
    JsonObject body = body(rc);
    created(rc, oneRow(pool, visibleBuilding(p, buildingId), "building").compose(building -> {
      requireEditor(p);
      Geometry.requireSimplePolygon(body.getJsonArray("footprint"), "/footprint");
      UUID siteId = UUID.fromString(building.getJsonObject("doc").getString("siteId"));
      return oneDoc(pool, new Sql("INSERT INTO floor AS f (id, site_id, building_id, level, name, elevation_m, height_m, "
        + "footprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING " + SiteDocs.FLOOR + " AS doc",
        UUID.randomUUID(), siteId, buildingId, body.getInteger("level"), body.getString("name"),
        body.getNumber("elevationM").doubleValue(), body.getNumber("heightM").doubleValue(),
        body.getJsonArray("footprint")), "floor");
    }));
  }

  private void getFloor(RoutingContext rc) {
    ok(rc, oneDoc(pool, visibleFloor(Authenticator.principal(rc), pathId(rc, "floorId")), "floor"));
  }

  private void updateFloor(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "floorId");
    JsonObject body = body(rc);
    ok(rc, oneRow(pool, visibleFloor(p, id), "floor").compose(found -> {
      requireEditor(p);
      Sql sql = new Sql("UPDATE floor AS f");
      if (body.containsKey("level")) {
        sql.set("level", body.getInteger("level"));
      }
      if (body.containsKey("name")) {
        sql.set("name", body.getString("name"));
      }
      if (body.containsKey("elevationM")) {
        sql.set("elevation_m", body.getNumber("elevationM").doubleValue());
      }
      if (body.containsKey("heightM")) {
        sql.set("height_m", body.getNumber("heightM").doubleValue());
      }
      if (body.containsKey("footprint")) {
        Geometry.requireSimplePolygon(body.getJsonArray("footprint"), "/footprint");
        sql.set("footprint", body.getJsonArray("footprint"));
      }
      return oneDoc(pool, sql.append(" WHERE f.id = ? RETURNING " + SiteDocs.FLOOR + " AS doc", id), "floor");
    }));
  }

  private void deleteFloor(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "floorId");
    noContent(rc, oneRow(pool, visibleFloor(p, id), "floor").compose(found -> {
      requireEditor(p);
      return pool.preparedQuery("DELETE FROM floor WHERE id = $1").execute(Tuple.of(id));
    }));
  }

  static Sql visibleSite(Principal p, UUID siteId) {
    Scope scope = Scope.site(p, "s.id");
    return new Sql("SELECT s.id FROM site s WHERE s.id = ? AND ", siteId).append(scope.sql(), scope.params());
  }

  private static Sql visibleBuilding(Principal p, UUID id) {
    Scope scope = Scope.site(p, "b.site_id");
    return new Sql("SELECT " + SiteDocs.BUILDING + " AS doc FROM building b WHERE b.id = ? AND ", id)
      .append(scope.sql(), scope.params());
  }

  static Sql visibleFloor(Principal p, UUID id) {
    Scope scope = Scope.site(p, "f.site_id");
    return new Sql("SELECT " + SiteDocs.FLOOR + " AS doc, f.site_id FROM floor f WHERE f.id = ? AND ", id)
      .append(scope.sql(), scope.params());
  }
}
