package io.gridledger.tariff;

import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.gridledger.site.Scope;

import java.util.UUID;

/** The tariff capability's SQL: the JSON shape of a tariff, and the owner predicates every query carries. */
final class TariffSql {

  private TariffSql() {
  }

  private static final String VERSION = "json_build_object('id', v.id, 'versionNumber', v.version_number, "
    + "'effectiveFrom', v.effective_from, 'createdAt', v.created_at%s)";

  /** A tariff with its versions, oldest first; documents only when {@code withDocuments}. */
  static String doc(boolean withDocuments) {
    String version = String.format(VERSION, withDocuments ? ", 'document', v.document" : "");
    return "json_build_object('id', t.id, 'siteId', t.site_id, 'name', t.name, 'utility', t.utility, "
      + "'source', t.source, 'createdAt', t.created_at, 'versions', (SELECT coalesce(json_agg(" + version
      + " ORDER BY v.version_number), '[]'::json) FROM tariff_version v WHERE v.tariff_id = t.id))";
  }

  /** Tariffs of the caller's sites; for a tenant only those assigned to it (ever), so others are "not found". */
  static Scope visible(Principal p, String alias) {
    Scope site = Scope.site(p, alias + ".site_id");
    String tenant = "(?::uuid IS NULL OR EXISTS (SELECT 1 FROM tariff_assignment va WHERE va.tariff_id = " + alias
      + ".id AND va.tenant_id = ?::uuid))";
    Object[] params = new Object[site.params().length + 2];
    System.arraycopy(site.params(), 0, params, 0, site.params().length);
    params[params.length - 2] = p.tenantScope();
    params[params.length - 1] = p.tenantScope();
    return new Scope(site.sql() + " AND " + tenant, params);
  }

  static Sql visibleTariff(Principal p, UUID tariffId, boolean withDocuments) {
    Scope scope = visible(p, "t");
    return new Sql("SELECT " + doc(withDocuments) + " AS doc, t.site_id, t.utility FROM tariff t WHERE t.id = ? AND ",
      tariffId).append(scope.sql(), scope.params());
  }
}
