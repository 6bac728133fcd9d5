package io.gridledger.tariff;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.PageQuery;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.gridledger.site.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/** Tariffs of a site and their versions: operators and admins manage them; tenants read those assigned to them. */
public final class TariffHandlers implements OperationBinder {

  private static final Map<String, PageQuery.SortField> SORTS = Map.of("name", new PageQuery.SortField("t.name", "text"));

  private final Pool pool;
  private final SiteAccess sites;

  public TariffHandlers(Pool pool, SiteAccess sites) {
    this.pool = pool;
    this.sites = sites;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("listTariffs").addHandler(this::list);
    routes.getRoute("createTariff").addHandler(this::create);
    routes.getRoute("getTariff").addHandler(this::get);
    routes.getRoute("deleteTariff").addHandler(this::delete);
    routes.getRoute("createTariffVersion").addHandler(this::createVersion);
    routes.getRoute("importTariff").addHandler(this::importUrdb);
  }

  private void list(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    String utility = query(rc, "utility");
    ok(rc, sites.visibleSite(p, siteId).compose(site -> {
      var scope = TariffSql.visible(p, "t");
      PageQuery page = new PageQuery("tariff t", TariffSql.doc(false), SORTS, "name")
        .where("t.site_id = ?", siteId).where(scope.sql(), scope.params());
      if (utility != null) {
        page.where("t.utility = ?", utility);
      }
      return page.page(query(rc, "cursor"), queryInt(rc, "limit"), null).run(pool, "t.id");
    }));
  }

  private void create(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    JsonObject body = exactBody(rc);
    created(rc, sites.visibleSite(p, siteId).compose(site -> {
      SiteAccess.requireEditor(p);
      TariffDocument document = parseFor(site, body.getJsonObject("document"), "/document");
      return insert(siteId, body.getString("name"), null, LocalDate.parse(body.getString("effectiveFrom")), document);
    }));
  }

  /** A new tariff and its version 1, in one transaction; answers the tariff as getTariff does. */
  Future<JsonObject> insert(UUID siteId, String name, JsonObject source, LocalDate effectiveFrom,
                            TariffDocument document) {
    UUID tariffId = UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO tariff (id, site_id, name, utility, source) "
          + "VALUES ($1, $2, $3, $4, $5)").execute(Tuple.of(tariffId, siteId, name, document.utility(), source))
        .compose(v -> insertVersion(conn, tariffId, effectiveFrom, document)))
      .compose(v -> docOf(tariffId));
  }

  private static Future<Void> insertVersion(SqlClient conn, UUID tariffId, LocalDate effectiveFrom,
                                            TariffDocument document) {
    return conn.preparedQuery("INSERT INTO tariff_version (id, tariff_id, version_number, effective_from, document) "
        + "SELECT $1, $2, coalesce(max(version_number), 0) + 1, $3, $4 FROM tariff_version WHERE tariff_id = $2")
      .execute(Tuple.of(UUID.randomUUID(), tariffId, effectiveFrom, document.toJson())).mapEmpty();
  }

  private void get(RoutingContext rc) {
    ok(rc, visible(Authenticator.principal(rc), pathId(rc, "tariffId"), true).map(row -> row.getJsonObject("doc")));
  }

  private void delete(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "tariffId");
    noContent(rc, visible(p, id, false).compose(found -> {
      SiteAccess.requireEditor(p);
      return pool.preparedQuery("DELETE FROM tariff WHERE id = $1").execute(Tuple.of(id));
    }));
  }

  private void createVersion(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID id = pathId(rc, "tariffId");
    JsonObject body = exactBody(rc);
    created(rc, visible(p, id, false).compose(found -> {
      SiteAccess.requireEditor(p);
      return sites.visibleSite(p, found.getUUID("site_id")).compose(site -> {
        TariffDocument document = parseFor(site, body.getJsonObject("document"), "/document");
        if (!document.utility().equals(found.getString("utility"))) {
          throw Problem.unprocessable("invalid-tariff", "/document/utility", "the tariff is for "
            + found.getString("utility") + "; a version cannot change its utility");
        }
        // The tariff row is locked so two concurrent versions cannot take the same number.
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT id FROM tariff WHERE id = $1 FOR UPDATE")
          .execute(Tuple.of(id))
          .compose(v -> insertVersion(conn, id, LocalDate.parse(body.getString("effectiveFrom")), document)));
      }).compose(v -> docOf(id));
    }));
  }

  private void importUrdb(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = queryId(rc, "siteId");
    String name = query(rc, "name");
    String effective = query(rc, "effectiveFrom");
    String raw = rc.body().asString();
    created(rc, sites.visibleSite(p, siteId).compose(site -> {
      SiteAccess.requireEditor(p);
      JsonObject record = ExactJson.parseExact(raw);
      java.time.ZoneId zone = java.time.ZoneId.of(site.getString("timeZone"));
      UrdbImporter.Imported imported;
      try {
        imported = UrdbImporter.convert(record, site.getString("currency"), zone);
      } catch (UrdbImporter.UnsupportedRecord e) {
        throw Problem.unprocessable(e.slug(), e.field(), e.getMessage());
      }
      TariffDocument document = parseFor(site, imported.document(), "/document");
      LocalDate from = effective != null ? LocalDate.parse(effective) : imported.effectiveFrom();
      return insert(siteId, name != null ? name : imported.name(), imported.source(), from, document);
    }));
  }

  /**
   * The request body as sent, decimals as BigDecimal: the contract has validated it, but its parsed copy holds
   * numbers as doubles, and a rate sent as a JSON number must be kept exactly as written.
   */
  private static JsonObject exactBody(RoutingContext rc) {
    return ExactJson.parseExact(rc.body().asString());
  }

  /** Parses a document for a site: a bad field is 422 invalid-tariff at {@code prefix} + its pointer. */
  static TariffDocument parseFor(JsonObject site, JsonObject json, String prefix) {
    TariffDocument document;
    try {
      document = TariffDocument.parse(json);
    } catch (TariffValidationException e) {
      throw Problem.unprocessable("invalid-tariff", prefix + e.field(), e.getMessage());
    }
    if (!document.currency().equals(site.getString("currency"))) {
      throw Problem.unprocessable("invalid-tariff", prefix + "/currency", "the site bills in "
        + site.getString("currency") + ", the tariff is in " + document.currency());
    }
    return document;
  }

  private Future<Row> visible(Principal p, UUID tariffId, boolean withDocuments) {
    Sql sql = TariffSql.visibleTariff(p, tariffId, withDocuments);
    return pool.preparedQuery(sql.text()).execute(sql.tuple()).compose(rows -> rows.size() == 0
      ? Future.failedFuture(Problem.notFound("tariff"))
      : Future.succeededFuture(rows.iterator().next()));
  }

  private Future<JsonObject> docOf(UUID tariffId) {
    return pool.preparedQuery("SELECT " + TariffSql.doc(true) + " AS doc FROM tariff t WHERE t.id = $1")
      .execute(Tuple.of(tariffId)).map(rows -> rows.iterator().next().getJsonObject("doc"));
  }
}
