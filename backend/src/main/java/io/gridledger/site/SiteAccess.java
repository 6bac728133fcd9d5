package io.gridledger.site;

import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.UUID;

/**
 * How other capabilities ask the site model whether the caller may see an object, without reading its tables
 * themselves. Each answer is the object's representation plus the site's time zone, or a 404 problem.
 */
public final class SiteAccess {

  private final Pool pool;

  public SiteAccess(Pool pool) {
    this.pool = pool;
  }

  /** The meter (as in the API) with {@code timeZone} of its site, if the caller may see it. */
  public Future<JsonObject> visibleMeter(Principal principal, UUID meterId) {
    Scope scope = Scope.meter(principal, "m");
    Sql sql = new Sql("SELECT " + SiteDocs.METER + "::jsonb || jsonb_build_object('timeZone', s.time_zone) AS doc "
      + "FROM meter m JOIN site s ON s.id = m.site_id WHERE m.id = ? AND ", meterId).append(scope.sql(), scope.params());
    return SiteModelSupport.oneDoc(pool, sql, "meter");
  }

  /** The site (as in the API), if the caller may see it. */
  public Future<JsonObject> visibleSite(Principal principal, UUID siteId) {
    Scope scope = Scope.site(principal, "s.id");
    Sql sql = new Sql("SELECT " + SiteDocs.SITE + " AS doc FROM site s WHERE s.id = ? AND ", siteId)
      .append(scope.sql(), scope.params());
    return SiteModelSupport.oneDoc(pool, sql, "site");
  }

  /** The tenant (as in the API), if the caller may see it: a tenant principal sees only itself. */
  public Future<JsonObject> visibleTenant(Principal principal, UUID tenantId) {
    Scope scope = Scope.tenant(principal, "t");
    Sql sql = new Sql("SELECT " + SiteDocs.TENANT + " AS doc FROM tenant t WHERE t.id = ? AND ", tenantId)
      .append(scope.sql(), scope.params());
    return SiteModelSupport.oneDoc(pool, sql, "tenant");
  }

  /** Raises 403 unless the role may change site data (operators and admins). */
  public static void requireEditor(Principal principal) {
    SiteModelSupport.requireEditor(principal);
  }
}
