package io.gridledger.site;

import io.gridledger.auth.Principal;

/**
 * The owner predicates every site-model query carries (Kill Bill's AND_CHECK_TENANT, for us). A row outside the
 * caller's sites, or for a tenant one that is not the tenant's own, is filtered out in SQL, so it is "not found".
 */
public record Scope(String sql, Object[] params) {

  /** Rows whose {@code siteColumn} is one of the caller's sites (all sites for an admin). */
  public static Scope site(Principal p, String siteColumn) {
    return new Scope("(?::uuid[] IS NULL OR " + siteColumn + " = ANY(?::uuid[]))",
      new Object[] {p.siteScope(), p.siteScope()});
  }

  /** Units a tenant occupies (or ever occupied); everyone else: every unit of their sites. */
  public static Scope unit(Principal p, String unitIdColumn) {
    return and(site(p, siteColumnOf(unitIdColumn)), tenantOccupies(p, unitIdColumn));
  }

  /** Meters in units the tenant occupies. */
  public static Scope meter(Principal p, String alias) {
    return and(site(p, alias + ".site_id"), tenantOccupies(p, alias + ".unit_id"));
  }

  public static Scope tenant(Principal p, String alias) {
    return and(site(p, alias + ".site_id"),
      new Scope("(?::uuid IS NULL OR " + alias + ".id = ?::uuid)", new Object[] {p.tenantScope(), p.tenantScope()}));
  }

  public static Scope occupancy(Principal p, String alias) {
    return and(site(p, alias + ".site_id"),
      new Scope("(?::uuid IS NULL OR " + alias + ".tenant_id = ?::uuid)",
        new Object[] {p.tenantScope(), p.tenantScope()}));
  }

  private static Scope tenantOccupies(Principal p, String unitIdColumn) {
    return new Scope("(?::uuid IS NULL OR EXISTS (SELECT 1 FROM occupancy vis WHERE vis.unit_id = " + unitIdColumn
      + " AND vis.tenant_id = ?::uuid))", new Object[] {p.tenantScope(), p.tenantScope()});
  }

  private static String siteColumnOf(String idColumn) {
    return idColumn.substring(0, idColumn.indexOf('.')) + ".site_id";
  }

  private static Scope and(Scope a, Scope b) {
    Object[] params = new Object[a.params.length + b.params.length];
    System.arraycopy(a.params, 0, params, 0, a.params.length);
    System.arraycopy(b.params, 0, params, a.params.length, b.params.length);
    return new Scope(a.sql + " AND " + b.sql, params);
  }
}
