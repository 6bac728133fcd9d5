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

/** Meters: what is measured, where, through which protocol, and under which parent meter. */
public final class MeterHandlers implements OperationBinder {

  private static final Map<String, PageQuery.SortField> SORTS = Map.of(
    "serial", new PageQuery.SortField("m.serial", "text"),
    "createdAt", new PageQuery.SortField("m.created_at", "timestamptz"));

  private final Pool pool;

  public MeterHandlers(Pool pool) {
    this.pool = pool;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("listMeters").addHandler(this::list);
    routes.getRoute("createMeter").addHandler(this::create);
    routes.getRoute("getMeter").addHandler(this::get);
    routes.getRoute("updateMeter").addHandler(this::update);
    routes.getRoute("deleteMeter").addHandler(this::delete);
  }

  private void list(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    Scope scope = Scope.meter(p, "m");
    ok(rc, oneRow(pool, BuildingHandlers.visibleSite(p, siteId), "site").compose(site -> {
      PageQuery query = new PageQuery("meter m", SiteDocs.METER, SORTS, "serial")
        .where("m.site_id = ?", siteId).where(scope.sql(), scope.params());
      filter(query, "m.kind = ?", query(rc, "kind"));
      filter(query, "m.protocol = ?", query(rc, "protocol"));
      filter(query, "m.building_id = ?", queryId(rc, "buildingId"));
      filter(query, "m.floor_id = ?", queryId(rc, "floorId"));
      filter(query, "m.unit_id = ?", queryId(rc, "unitId"));
      filter(query, "m.parent_meter_id = ?", queryId(rc, "parentMeterId"));
      String q = query(rc, "q");
      if (q != null) {
        query.where("(m.serial ILIKE ? OR m.model ILIKE ?)", "%" + SiteHandlers.likeEscape(q) + "%",
          "%" + SiteHandlers.likeEscape(q) + "%");
      }
      return query.page(query(rc, "cursor"), queryInt(rc, "limit"), query(rc, "sort")).run(pool, "m.id");
    }));
  }

  private static void filter(PageQuery query, String fragment, Object value) {
    if (value != null) {
      query.where(fragment, value);
    }
  }

  private void create(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    JsonObject body = body(rc);
    UUID parentId = body.getString("parentMeterId") == null ? null : UUID.fromString(body.getString("parentMeterId"));
    created(rc, oneRow(pool, BuildingHandlers.visibleSite(p, siteId), "site").compose(site -> {
      requireEditor(p);
      MeterRules.checkRegistersAndBinding(body.getJsonArray("registers"), body.getJsonObject("binding"), "");
      return MeterRules.checkParent(pool, siteId, null, parentId)
        .compose(v -> MeterRules.checkVirtualTerms(pool, siteId, body.getString("serial"), body.getJsonObject("binding")))
        .compose(v -> MeterRules.resolveLocation(pool, siteId, body));
    }).compose(location -> oneDoc(pool, new Sql("INSERT INTO meter AS m (id, site_id, serial, kind, model, "
        + "location_level, building_id, floor_id, unit_id, parent_meter_id, multiplier, registers, protocol, binding, "
        + "critical_load) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " + SiteDocs.METER + " AS doc",
      UUID.randomUUID(), siteId, body.getString("serial"), body.getString("kind"), body.getString("model"),
      location.level(), location.buildingId(), location.floorId(), location.unitId(), parentId,
      body.getNumber("multiplier", 1).doubleValue(), body.getJsonArray("registers"),
      body.getJsonObject("binding").getString("protocol"), body.getJsonObject("binding"),
      body.getBoolean("criticalLoad", false)), "meter"))
      .onSuccess(meter -> SiteEvents.metersChanged(rc.vertx(), meter.getString("id"))));
  }

  private void get(RoutingContext rc) {
    ok(rc, oneDoc(pool, visible(Authenticator.principal(rc), pathId(rc, "meterId")), "meter"));
  }

  private void update(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "meterId");
    JsonObject body = body(rc);
    ok(rc, oneRow(pool, visible(p, id), "meter").compose(found -> {
      requireEditor(p);
      UUID siteId = found.getUUID("site_id");
      MeterRules.checkRegistersAndBinding(body.getJsonArray("registers"), body.getJsonObject("binding"), "");
      boolean moves = body.containsKey("unitId") || body.containsKey("floorId") || body.containsKey("buildingId");
      String parentText = body.getString("parentMeterId");
      UUID parentId = parentText == null ? null : UUID.fromString(parentText);
      // Parent change and move are checked and applied in one transaction, so two concurrent re-parentings cannot
      // each pass the cycle check and together close a loop.
      return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('meter-tree:' || $1))")
        .execute(Tuple.of(siteId.toString()))
        .compose(v -> body.containsKey("parentMeterId") ? MeterRules.checkParent(conn, siteId, id, parentId)
          : io.vertx.core.Future.<Void>succeededFuture())
        .compose(v -> MeterRules.checkVirtualTerms(conn, siteId, found.getJsonObject("doc").getString("serial"),
          body.getJsonObject("binding")))
        .compose(v -> moves ? MeterRules.resolveLocation(conn, siteId, body)
          : io.vertx.core.Future.<MeterRules.Location>succeededFuture(null))
        .compose(location -> {
          Sql sql = new Sql("UPDATE meter AS m");
          if (location != null) {
            sql.set("location_level", location.level()).set("building_id", location.buildingId())
              .set("floor_id", location.floorId()).set("unit_id", location.unitId());
          }
          if (body.containsKey("parentMeterId")) {
            sql.set("parent_meter_id", parentId);
          }
          if (body.containsKey("model")) {
            sql.set("model", body.getString("model"));
          }
          if (body.containsKey("multiplier")) {
            sql.set("multiplier", body.getNumber("multiplier").doubleValue());
          }
          if (body.containsKey("registers")) {
            sql.set("registers", body.getJsonArray("registers"));
          }
          if (body.containsKey("binding")) {
            sql.set("binding", body.getJsonObject("binding"))
              .set("protocol", body.getJsonObject("binding").getString("protocol"));
          }
          if (body.containsKey("criticalLoad")) {
            sql.set("critical_load", body.getBoolean("criticalLoad"));
          }
          return oneDoc(conn, sql.append(" WHERE m.id = ? RETURNING " + SiteDocs.METER + " AS doc", id), "meter");
        }));
    }).onSuccess(meter -> SiteEvents.metersChanged(rc.vertx(), id.toString())));
  }

  private void delete(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "meterId");
    noContent(rc, oneRow(pool, visible(p, id), "meter").compose(found -> {
      requireEditor(p);
      // Raw readings are never deleted with their meter: a meter that has reported stays, as the record they belong to.
      return pool.preparedQuery("SELECT 1 FROM reading WHERE meter_id = $1 LIMIT 1").execute(Tuple.of(id));
    }).compose(readings -> {
      if (readings.size() > 0) {
        throw io.gridledger.api.Problem.conflict("has-dependents", "The meter has readings; it cannot be deleted");
      }
      return pool.preparedQuery("DELETE FROM meter WHERE id = $1").execute(Tuple.of(id));
    }).onSuccess(deleted -> SiteEvents.metersChanged(rc.vertx(), id.toString())));
  }

  private static Sql visible(Principal p, UUID id) {
    Scope scope = Scope.meter(p, "m");
    return new Sql("SELECT " + SiteDocs.METER + " AS doc, m.site_id FROM meter m WHERE m.id = ? AND ", id)
      .append(scope.sql(), scope.params());
  }
}
