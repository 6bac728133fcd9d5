package io.gridledger.tariff;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.site.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/**
 * Which tariff rates a tenant for each utility from which date, and the site's holiday calendar. Both are replaced
 * whole (PUT), checked completely before one transaction writes them, serialised per tenant or site.
 */
public final class TariffAssignmentHandlers implements OperationBinder {

  private final Pool pool;
  private final SiteAccess sites;

  public TariffAssignmentHandlers(Pool pool, SiteAccess sites) {
    this.pool = pool;
    this.sites = sites;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("getTenantTariffs").addHandler(this::getAssignments);
    routes.getRoute("putTenantTariffs").addHandler(this::putAssignments);
    routes.getRoute("getSiteHolidays").addHandler(this::getHolidays);
    routes.getRoute("putSiteHolidays").addHandler(this::putHolidays);
  }

  private void getAssignments(RoutingContext rc) {
    UUID tenantId = pathId(rc, "tenantId");
    ok(rc, sites.visibleTenant(Authenticator.principal(rc), tenantId).compose(t -> assignments(pool, tenantId)));
  }

  private void putAssignments(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID tenantId = pathId(rc, "tenantId");
    JsonArray wanted = body(rc).getJsonArray("assignments");
    ok(rc, sites.visibleTenant(p, tenantId).compose(tenant -> {
      SiteAccess.requireEditor(p);
      UUID siteId = UUID.fromString(tenant.getString("siteId"));
      return checkAssignments(siteId, wanted).compose(v -> pool.withTransaction(conn ->
        conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('tariff_assignment:' || $1))")
          .execute(Tuple.of(tenantId.toString()))
          .compose(x -> conn.preparedQuery("DELETE FROM tariff_assignment WHERE tenant_id = $1").execute(Tuple.of(tenantId)))
          .compose(x -> insertAssignments(conn, siteId, tenantId, wanted))))
        .compose(v -> assignments(pool, tenantId));
    }));
  }

  /** Every tariff must be one of the tenant's site for the named utility, and no utility starts twice on a day. */
  private Future<Void> checkAssignments(UUID siteId, JsonArray wanted) {
    Set<String> seen = new HashSet<>();
    UUID[] ids = new UUID[wanted.size()];
    for (int i = 0; i < wanted.size(); i++) {
      JsonObject a = wanted.getJsonObject(i);
      ids[i] = UUID.fromString(a.getString("tariffId"));
      if (!seen.add(a.getString("utility") + "@" + a.getString("effectiveFrom"))) {
        throw Problem.unprocessable("duplicate-key", "/assignments/" + i + "/effectiveFrom",
          "two assignments for " + a.getString("utility") + " start on " + a.getString("effectiveFrom"));
      }
    }
    return pool.preparedQuery("SELECT id, utility FROM tariff WHERE site_id = $1 AND id = ANY($2)")
      .execute(Tuple.of(siteId, (Object) ids)).map(rows -> {
        Map<UUID, String> utilityOf = new HashMap<>();
        for (Row row : rows) {
          utilityOf.put(row.getUUID("id"), row.getString("utility"));
        }
        for (int i = 0; i < wanted.size(); i++) {
          String utility = utilityOf.get(ids[i]);
          if (utility == null) {
            throw Problem.unprocessable("invalid-reference", "/assignments/" + i + "/tariffId",
              "no tariff with that id on the tenant's site");
          }
          if (!utility.equals(wanted.getJsonObject(i).getString("utility"))) {
            throw Problem.unprocessable("invalid-reference", "/assignments/" + i + "/utility",
              "the tariff is for " + utility);
          }
        }
        return null;
      });
  }

  private static Future<Void> insertAssignments(SqlClient conn, UUID siteId, UUID tenantId, JsonArray wanted) {
    if (wanted.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    for (int i = 0; i < wanted.size(); i++) {
      JsonObject a = wanted.getJsonObject(i);
      batch.add(Tuple.of(siteId, tenantId, a.getString("utility"), UUID.fromString(a.getString("tariffId")),
        LocalDate.parse(a.getString("effectiveFrom"))));
    }
    return conn.preparedQuery("INSERT INTO tariff_assignment (site_id, tenant_id, utility, tariff_id, effective_from) "
      + "VALUES ($1, $2, $3, $4, $5)").executeBatch(batch).mapEmpty();
  }

  static Future<JsonObject> assignments(SqlClient client, UUID tenantId) {
    return client.preparedQuery("SELECT a.utility, a.tariff_id, a.effective_from, t.name FROM tariff_assignment a "
        + "JOIN tariff t ON t.id = a.tariff_id WHERE a.tenant_id = $1 ORDER BY a.utility, a.effective_from")
      .execute(Tuple.of(tenantId)).map(rows -> {
        JsonArray out = new JsonArray();
        for (Row row : rows) {
          out.add(new JsonObject().put("utility", row.getString("utility"))
            .put("tariffId", row.getUUID("tariff_id").toString())
            .put("effectiveFrom", row.getLocalDate("effective_from").toString()).put("tariffName", row.getString("name")));
        }
        return new JsonObject().put("tenantId", tenantId.toString()).put("assignments", out);
      });
  }

  private void getHolidays(RoutingContext rc) {
    UUID siteId = pathId(rc, "siteId");
    ok(rc, sites.visibleSite(Authenticator.principal(rc), siteId).compose(site -> holidays(siteId)));
  }

  private void putHolidays(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    JsonArray wanted = body(rc).getJsonArray("holidays");
    ok(rc, sites.visibleSite(p, siteId).compose(site -> {
      SiteAccess.requireEditor(p);
      Set<String> seen = new HashSet<>();
      List<Tuple> batch = new ArrayList<>();
      for (int i = 0; i < wanted.size(); i++) {
        JsonObject h = wanted.getJsonObject(i);
        if (!seen.add(h.getString("date"))) {
          throw Problem.unprocessable("duplicate-key", "/holidays/" + i + "/date", h.getString("date") + " is listed twice");
        }
        batch.add(Tuple.of(siteId, LocalDate.parse(h.getString("date")), h.getString("name")));
      }
      return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('site_holiday:' "
          + "|| $1))").execute(Tuple.of(siteId.toString()))
        .compose(x -> conn.preparedQuery("DELETE FROM site_holiday WHERE site_id = $1").execute(Tuple.of(siteId)))
        .compose(x -> batch.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(
          "INSERT INTO site_holiday (site_id, day, name) VALUES ($1, $2, $3)").executeBatch(batch).mapEmpty()))
        .compose(v -> holidays(siteId));
    }));
  }

  private Future<JsonObject> holidays(UUID siteId) {
    return pool.preparedQuery("SELECT day, name FROM site_holiday WHERE site_id = $1 ORDER BY day")
      .execute(Tuple.of(siteId)).map(rows -> {
        JsonArray out = new JsonArray();
        for (Row row : rows) {
          out.add(new JsonObject().put("date", row.getLocalDate("day").toString()).put("name", row.getString("name")));
        }
        return new JsonObject().put("holidays", out);
      });
  }
}
