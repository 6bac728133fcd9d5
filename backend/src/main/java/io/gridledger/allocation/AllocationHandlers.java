package io.gridledger.allocation;

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
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/**
 * Allocation rules (create a version, list, get) and allocated usage for a site or a tenant. Operators and admins
 * write rules; anyone who sees the site reads them (a tenant can check how its share was worked out). Usage: a
 * tenant token sees only its own entries; an id of another site or tenant answers 404.
 */
public final class AllocationHandlers implements OperationBinder {

  static final int MAX_PERIOD_DAYS = 366;
  private static final String RULE_COLUMNS = "r.id, r.site_id, r.meter_id, m.serial, r.kind, r.params, r.effective_from, "
    + "r.note, r.created_by, r.created_at";

  private final Pool pool;
  private final SiteAccess sites;
  private final AllocationService service;

  public AllocationHandlers(Pool pool, SiteAccess sites, AllocationService service) {
    this.pool = pool;
    this.sites = sites;
    this.service = service;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("listAllocationRules").addHandler(this::list);
    routes.getRoute("createAllocationRule").addHandler(this::create);
    routes.getRoute("getAllocationRule").addHandler(this::get);
    routes.getRoute("getSiteAllocatedUsage").addHandler(this::siteUsage);
    routes.getRoute("getTenantAllocatedUsage").addHandler(this::tenantUsage);
  }

  private void list(RoutingContext rc) {
    UUID siteId = pathId(rc, "siteId");
    UUID meterId = queryId(rc, "meterId");
    ok(rc, sites.visibleSite(Authenticator.principal(rc), siteId).compose(site -> pool.preparedQuery("SELECT "
        + RULE_COLUMNS + " FROM allocation_rule r JOIN meter m ON m.id = r.meter_id WHERE r.site_id = $1 "
        + "AND ($2::uuid IS NULL OR r.meter_id = $2) ORDER BY m.serial, r.effective_from")
      .execute(Tuple.of(siteId, meterId))
      .map(rows -> {
        JsonArray items = new JsonArray();
        rows.forEach(r -> items.add(ruleJson(r)));
        return new JsonObject().put("items", items);
      })));
  }

  private void get(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID ruleId = pathId(rc, "ruleId");
    ok(rc, rule(ruleId).compose(rule -> sites.visibleSite(p, UUID.fromString(rule.getString("siteId"))).map(rule)));
  }

  private Future<JsonObject> rule(UUID ruleId) {
    return pool.preparedQuery("SELECT " + RULE_COLUMNS + " FROM allocation_rule r JOIN meter m ON m.id = r.meter_id "
      + "WHERE r.id = $1").execute(Tuple.of(ruleId)).map(rows -> {
        if (rows.size() == 0) {
          throw Problem.notFound("allocation rule");
        }
        return ruleJson(rows.iterator().next());
      });
  }

  private void create(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    JsonObject body = body(rc);
    ok201(rc, sites.visibleSite(p, siteId).compose(site -> {
      SiteAccess.requireEditor(p);
      UUID meterId = UUID.fromString(body.getString("meterId"));
      String kind = body.getString("kind");
      LocalDate effectiveFrom = LocalDate.parse(body.getString("effectiveFrom"));
      JsonObject params = body.getJsonObject("params", new JsonObject());
      return RuleValidation.check(pool, siteId, meterId, kind, params).compose(v -> pool.withTransaction(conn ->
        conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('allocation_rule:' || $1))")
          .execute(Tuple.of(meterId.toString()))
          .compose(x -> conn.preparedQuery("SELECT max(effective_from) FROM allocation_rule WHERE meter_id = $1")
            .execute(Tuple.of(meterId)))
          .compose(latest -> {
            LocalDate last = latest.iterator().next().getLocalDate(0);
            if (last != null && !effectiveFrom.isAfter(last)) {
              throw Problem.conflict("past-rule-version", "the meter's latest rule version starts on " + last
                + "; a new version must start later (past versions are never edited)");
            }
            UUID id = UUID.randomUUID();
            return conn.preparedQuery("INSERT INTO allocation_rule (id, site_id, meter_id, kind, params, effective_from, "
                + "note, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
              .execute(Tuple.wrap(new Object[] {id, siteId, meterId, kind, params, effectiveFrom, body.getString("note"),
                p.subject()}))
              .map(id);
          })))
        .compose(this::rule);
    }));
  }

  private static void ok201(RoutingContext rc, Future<?> result) {
    created(rc, result);
  }

  private void siteUsage(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    LocalDate[] period = period(rc);
    ok(rc, sites.visibleSite(p, siteId).compose(site -> (p.tenantScope() != null
        ? service.forTenant(p.tenantScope(), period[0], period[1]) : service.forSite(siteId, period[0], period[1]))
      .map(usage -> usageJson(siteId, period, usage))));
  }

  private void tenantUsage(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID tenantId = pathId(rc, "tenantId");
    LocalDate[] period = period(rc);
    ok(rc, sites.visibleTenant(p, tenantId).compose(tenant -> service.forTenant(tenantId, period[0], period[1])
      .map(usage -> usageJson(UUID.fromString(tenant.getString("siteId")), period, usage))));
  }

  /** [from, to) from the query, at least one day and at most {@value #MAX_PERIOD_DAYS}. */
  public static LocalDate[] period(RoutingContext rc) {
    LocalDate from = LocalDate.parse(query(rc, "from"));
    LocalDate to = LocalDate.parse(query(rc, "to"));
    if (!from.isBefore(to)) {
      throw Problem.unprocessable("invalid-period", "/to", "to must be after from (it is exclusive)");
    }
    if (ChronoUnit.DAYS.between(from, to) > MAX_PERIOD_DAYS) {
      throw Problem.unprocessable("invalid-period", "/to", "at most " + MAX_PERIOD_DAYS + " days at a time");
    }
    return new LocalDate[] {from, to};
  }

  static JsonObject usageJson(UUID siteId, LocalDate[] period, List<TenantUsage> usage) {
    JsonArray items = new JsonArray();
    for (TenantUsage u : usage) {
      JsonArray sources = new JsonArray();
      for (UsageSource s : u.sources()) {
        sources.add(new JsonObject().put("meterId", s.meterId().toString()).put("meterSerial", s.meterSerial())
          .put("register", s.register()).put("ruleId", s.ruleId() == null ? null : s.ruleId().toString())
          .put("ruleKind", s.ruleKind()).put("shareMilli", s.shareMilli()).put("meteredMilli", s.meteredMilli())
          .put("openingRead", s.openingRead()).put("closingRead", s.closingRead()).put("estimated", s.estimated()));
      }
      items.add(new JsonObject().put("tenantId", u.tenantId().toString()).put("utility", u.utility())
        .put("unit", u.unit()).put("serviceStart", u.serviceStart().toString())
        .put("serviceEnd", u.serviceEnd().toString()).put("totalMilli", u.totalMilli())
        .put("quantity", BigDecimal.valueOf(u.totalMilli(), 3).toPlainString()).put("intervals", u.usage().size())
        .put("estimated", u.estimated()).put("sources", sources));
    }
    return new JsonObject().put("siteId", siteId.toString()).put("from", period[0].toString())
      .put("to", period[1].toString()).put("items", items);
  }

  private static JsonObject ruleJson(Row r) {
    return new JsonObject().put("id", r.getUUID("id").toString()).put("siteId", r.getUUID("site_id").toString())
      .put("meterId", r.getUUID("meter_id").toString()).put("meterSerial", r.getString("serial"))
      .put("kind", r.getString("kind")).put("params", r.getValue("params"))
      .put("effectiveFrom", r.getLocalDate("effective_from").toString()).put("note", r.getString("note"))
      .put("createdBy", r.getString("created_by")).put("createdAt", timestamp(r.getOffsetDateTime("created_at")));
  }
}
