package io.gridledger.site;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.PageQuery;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.gridledger.api.Requests.*;
import static io.gridledger.site.SiteModelSupport.*;

/**
 * Who occupies which unit when. Billing prorates by these dates, so two tenants in one unit on the same day would
 * bill the same consumption twice: overlaps are refused, checked under a lock on the unit row.
 */
public final class OccupancyHandlers implements OperationBinder {

  private static final Map<String, PageQuery.SortField> SORTS =
    Map.of("fromDate", new PageQuery.SortField("o.from_date", "date"));

  private final Pool pool;

  public OccupancyHandlers(Pool pool) {
    this.pool = pool;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("listOccupancies").addHandler(this::list);
    routes.getRoute("createOccupancies").addHandler(this::create);
    routes.getRoute("getOccupancy").addHandler(this::get);
    routes.getRoute("updateOccupancy").addHandler(this::update);
    routes.getRoute("deleteOccupancy").addHandler(this::delete);
  }

  private void list(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID tenantId = pathId(rc, "tenantId");
    Scope scope = Scope.occupancy(p, "o");
    ok(rc, oneRow(pool, TenantHandlers.visible(p, tenantId), "tenant").compose(t ->
      new PageQuery("occupancy o", SiteDocs.OCCUPANCY, SORTS, "fromDate")
        .where("o.tenant_id = ?", tenantId).where(scope.sql(), scope.params())
        .page(query(rc, "cursor"), queryInt(rc, "limit"), null).run(pool, "o.id")));
  }

  private void create(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID tenantId = pathId(rc, "tenantId");
    JsonObject body = body(rc);
    LocalDate from = LocalDate.parse(body.getString("fromDate"));
    LocalDate to = body.getString("toDate") == null ? null : LocalDate.parse(body.getString("toDate"));
    List<UUID> unitIds = new ArrayList<>();
    body.getJsonArray("unitIds").forEach(id -> unitIds.add(UUID.fromString((String) id)));
    created(rc, oneRow(pool, TenantHandlers.visible(p, tenantId), "tenant").compose(tenant -> {
      requireEditor(p);
      requireOrdered(from, to);
      UUID siteId = tenant.getUUID("site_id");
      return pool.withTransaction(conn -> insertAll(conn, siteId, tenantId, unitIds, from, to));
    }));
  }

  private Future<JsonArray> insertAll(SqlConnection conn, UUID siteId, UUID tenantId, List<UUID> unitIds,
                                      LocalDate from, LocalDate to) {
    List<UUID> lockOrder = new ArrayList<>(unitIds);
    lockOrder.sort(null);
    Future<Void> chain = Future.succeededFuture();
    for (UUID unitId : lockOrder) {
      String field = "/unitIds/" + unitIds.indexOf(unitId);
      chain = chain.compose(v -> lockUnitAndCheck(conn, siteId, unitId, null, from, to, field));
    }
    JsonArray created = new JsonArray();
    for (UUID unitId : unitIds) {
      chain = chain.compose(v -> oneDoc(conn, new Sql("INSERT INTO occupancy AS o (id, site_id, tenant_id, unit_id, "
        + "from_date, to_date) VALUES (?, ?, ?, ?, ?, ?) RETURNING " + SiteDocs.OCCUPANCY + " AS doc",
        UUID.randomUUID(), siteId, tenantId, unitId, from, to), "occupancy").map(doc -> {
          created.add(doc);
          return null;
        }));
    }
    return chain.map(v -> created);
  }

  /** Locks the unit (so a concurrent request for it waits), then refuses an overlapping occupancy. */
  static Future<Void> lockUnitAndCheck(SqlConnection conn, UUID siteId, UUID unitId, UUID exceptOccupancy,
                                       LocalDate from, LocalDate to, String field) {
    return conn.preparedQuery("SELECT id FROM unit WHERE id = $1 AND site_id = $2 FOR UPDATE")
      .execute(Tuple.of(unitId, siteId))
      .compose(unit -> {
        if (unit.size() == 0) {
          throw Problem.unprocessable("invalid-reference", field, "The unit is not on the tenant's site");
        }
        return conn.preparedQuery("SELECT from_date, to_date FROM occupancy WHERE unit_id = $1 "
            + "AND ($2::uuid IS NULL OR id <> $2) AND from_date <= COALESCE($4::date, 'infinity'::date) "
            + "AND COALESCE(to_date, 'infinity'::date) >= $3::date LIMIT 1")
          .execute(Tuple.of(unitId, exceptOccupancy, from, to));
      })
      .compose(overlap -> {
        if (overlap.size() > 0) {
          var row = overlap.iterator().next();
          throw Problem.unprocessable("occupancy-overlap", field, "The unit is already occupied from "
            + row.getLocalDate("from_date") + " to " + (row.getLocalDate("to_date") == null ? "open end"
            : row.getLocalDate("to_date")) + ", which overlaps the requested dates");
        }
        return Future.succeededFuture();
      });
  }

  private void get(RoutingContext rc) {
    ok(rc, oneDoc(pool, visible(Authenticator.principal(rc), pathId(rc, "occupancyId")), "occupancy"));
  }

  private void update(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "occupancyId");
    JsonObject body = body(rc);
    ok(rc, oneRow(pool, visible(p, id), "occupancy").compose(found -> {
      requireEditor(p);
      JsonObject current = found.getJsonObject("doc");
      LocalDate from = LocalDate.parse(body.getString("fromDate", current.getString("fromDate")));
      String toText = body.containsKey("toDate") ? body.getString("toDate") : current.getString("toDate");
      LocalDate to = toText == null ? null : LocalDate.parse(toText);
      requireOrdered(from, to);
      UUID unitId = UUID.fromString(current.getString("unitId"));
      UUID siteId = UUID.fromString(current.getString("siteId"));
      return pool.withTransaction(conn -> lockUnitAndCheck(conn, siteId, unitId, id, from, to, "/fromDate")
        .compose(v -> oneDoc(conn, new Sql("UPDATE occupancy AS o SET from_date = ?, to_date = ? WHERE o.id = ? "
          + "RETURNING " + SiteDocs.OCCUPANCY + " AS doc", from, to, id), "occupancy")));
    }));
  }

  private void delete(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "occupancyId");
    noContent(rc, oneRow(pool, visible(p, id), "occupancy").compose(found -> {
      requireEditor(p);
      return pool.preparedQuery("DELETE FROM occupancy WHERE id = $1").execute(Tuple.of(id));
    }));
  }

  static void requireOrdered(LocalDate from, LocalDate to) {
    if (to != null && to.isBefore(from)) {
      throw Problem.unprocessable("invalid-period", "/toDate", "toDate is before fromDate");
    }
  }

  private static Sql visible(Principal p, UUID id) {
    Scope scope = Scope.occupancy(p, "o");
    return new Sql("SELECT " + SiteDocs.OCCUPANCY + " AS doc FROM occupancy o WHERE o.id = ? AND ", id)
      .append(scope.sql(), scope.params());
  }
}
