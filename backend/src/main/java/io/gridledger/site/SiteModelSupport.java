package io.gridledger.site;

import io.gridledger.api.Problem;
import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Currency;

/** Small pieces every site-model handler needs: scoped single-row lookups and the rules the contract cannot state. */
final class SiteModelSupport {

  private SiteModelSupport() {
  }

  /** The single visible row of {@code sql}, or a 404 naming {@code what}. */
  static Future<Row> oneRow(SqlClient client, Sql sql, String what) {
    return client.preparedQuery(sql.text()).execute(sql.tuple()).compose(rows -> rows.size() == 0
      ? Future.failedFuture(Problem.notFound(what))
      : Future.succeededFuture(rows.iterator().next()));
  }

  static Future<JsonObject> oneDoc(SqlClient client, Sql sql, String what) {
    return oneRow(client, sql, what).map(row -> row.getJsonObject("doc"));
  }

  /** After the object was found visible: may this caller change it? Tenants and integrations read only. */
  static void requireEditor(Principal principal) {
    if (!principal.canEditSiteModel()) {
      throw Problem.forbidden("The " + principal.role().wireName() + " role cannot change the site model");
    }
  }

  static void requireAdmin(Principal principal) {
    if (!principal.isAdmin()) {
      throw Problem.forbidden("Only an admin can do this");
    }
  }

  static String validTimeZone(String zone, String field) {
    try {
      return ZoneId.of(zone).getId();
    } catch (DateTimeException e) {
      throw Problem.unprocessable("invalid-time-zone", field, "'" + zone + "' is not an IANA time zone id");
    }
  }

  static String validCurrency(String code, String field) {
    try {
      return Currency.getInstance(code).getCurrencyCode();
    } catch (IllegalArgumentException e) {
      throw Problem.unprocessable("invalid-currency", field, "'" + code + "' is not an ISO 4217 currency code");
    }
  }
}
