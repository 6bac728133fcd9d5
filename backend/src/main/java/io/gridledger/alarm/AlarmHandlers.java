package io.gridledger.alarm;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.PageQuery;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.auth.Role;
import io.gridledger.db.Sql;
import io.gridledger.site.Scope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/** Operators list, acknowledge and clear alarms; tenants see the alarms of their own meters. */
public final class AlarmHandlers implements OperationBinder {

  static final String DOC = "json_build_object('id', a.id, 'siteId', a.site_id, 'meterId', a.meter_id, 'kind', a.kind, "
    + "'severity', a.severity, 'state', a.state, 'message', a.message, 'details', a.details, 'raisedAt', a.raised_at, "
    + "'lastSeenAt', a.last_seen_at, 'occurrences', a.occurrences, 'acknowledgedBy', a.acknowledged_by, "
    + "'acknowledgedAt', a.acknowledged_at, 'clearedBy', a.cleared_by, 'clearedAt', a.cleared_at)";

  private final Pool pool;
  private final AlarmService alarms;

  public AlarmHandlers(Pool pool) {
    this(pool, new AlarmService(pool));
  }

  /** @param alarms tells live push about acknowledgements and clears */
  public AlarmHandlers(Pool pool, AlarmService alarms) {
    this.pool = pool;
    this.alarms = alarms;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("listAlarms").addHandler(this::list);
    routes.getRoute("acknowledgeAlarm").addHandler(rc -> transition(rc, "acknowledged"));
    routes.getRoute("clearAlarm").addHandler(rc -> transition(rc, "cleared"));
  }

  private void list(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    Scope scope = visibility(p);
    PageQuery query = new PageQuery("alarm a", DOC,
      Map.of("raisedAt", new PageQuery.SortField("a.raised_at", "timestamptz")), "-raisedAt")
      .where(scope.sql(), scope.params());
    UUID siteId = queryId(rc, "siteId");
    UUID meterId = queryId(rc, "meterId");
    if (siteId != null) {
      query.where("a.site_id = ?", siteId);
    }
    if (meterId != null) {
      query.where("a.meter_id = ?", meterId);
    }
    if (query(rc, "state") != null) {
      query.where("a.state = ?", query(rc, "state"));
    }
    if (query(rc, "kind") != null) {
      query.where("a.kind = ?", query(rc, "kind"));
    }
    ok(rc, query.page(query(rc, "cursor"), queryInt(rc, "limit"), null).run(pool, "a.id"));
  }

  /** active -> acknowledged -> cleared; clearing an active alarm directly is allowed, going back is not. */
  private void transition(RoutingContext rc, String target) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "alarmId");
    Scope scope = visibility(p);
    Sql find = new Sql("SELECT " + DOC + " AS doc FROM alarm a WHERE a.id = ? AND ", id).append(scope.sql(), scope.params());
    ok(rc, pool.preparedQuery(find.text()).execute(find.tuple()).compose(rows -> {
      if (rows.size() == 0) {
        throw Problem.notFound("alarm");
      }
      if (p.role() == Role.TENANT || p.role() == Role.INTEGRATION) {
        throw Problem.forbidden("Only operators acknowledge or clear alarms");
      }
      String state = rows.iterator().next().getJsonObject("doc").getString("state");
      if (state.equals("cleared") || state.equals(target)) {
        throw Problem.conflict("alarm-state", "The alarm is already " + state);
      }
      String column = target.equals("acknowledged") ? "acknowledged" : "cleared";
      return pool.preparedQuery("UPDATE alarm AS a SET state = $2, " + column + "_by = $3, " + column + "_at = now() "
          + "WHERE a.id = $1 RETURNING " + DOC + " AS doc")
        .execute(io.vertx.sqlclient.Tuple.of(id, target, p.subject()))
        .map(updated -> {
          JsonObject doc = updated.iterator().next().getJsonObject("doc");
          alarms.changed(target, doc);
          return doc;
        });
    }));
  }

  /** Operators see their sites' alarms; a tenant only those of meters in units it occupies. */
  private static Scope visibility(Principal p) {
    Scope site = Scope.site(p, "a.site_id");
    if (p.role() != Role.TENANT) {
      return site;
    }
    return new Scope(site.sql() + " AND EXISTS (SELECT 1 FROM meter m JOIN occupancy o ON o.unit_id = m.unit_id "
      + "WHERE m.id = a.meter_id AND o.tenant_id = ?::uuid)", append(site.params(), p.tenantId()));
  }

  private static Object[] append(Object[] params, Object extra) {
    Object[] out = java.util.Arrays.copyOf(params, params.length + 1);
    out[params.length] = extra;
    return out;
  }

}
