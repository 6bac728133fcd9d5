package io.gridledger.billing;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Locale;
import java.util.UUID;

/**
 * Gapless document numbers per site, kind and year: {@code INV-<site code>-<year>-000123}, {@code CN-...} for credit
 * notes. The counter row is locked FOR UPDATE inside the caller's transaction, so numbers are taken in commit order
 * and a rolled-back transaction leaves no hole. The year is the billing period's (site-local) start year.
 */
final class Numbering {

  private Numbering() {
  }

  /** Reserves {@code count} numbers and answers the first; the caller's transaction must commit or roll back. */
  static Future<Long> reserve(SqlConnection tx, UUID siteId, String kind, int year, int count) {
    return tx.preparedQuery("INSERT INTO billing_sequence (site_id, kind, year) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
      .execute(Tuple.of(siteId, kind, year))
      .compose(v -> tx.preparedQuery("SELECT last_value FROM billing_sequence WHERE site_id = $1 AND kind = $2 AND "
        + "year = $3 FOR UPDATE").execute(Tuple.of(siteId, kind, year)))
      .compose(rows -> {
        long last = rows.iterator().next().getLong("last_value");
        return tx.preparedQuery("UPDATE billing_sequence SET last_value = $4 WHERE site_id = $1 AND kind = $2 AND year = $3")
          .execute(Tuple.of(siteId, kind, year, last + count)).map(u -> last + 1);
      });
  }

  static String format(String kind, String siteCode, int year, long value) {
    return (kind.equals("credit_note") ? "CN-" : "INV-") + siteCode + "-" + year + "-" + String.format(Locale.ROOT, "%06d", value);
  }

  /** The site's short code on documents: the letters and digits of its name, upper case, at most 8. */
  static String siteCode(String siteName) {
    StringBuilder code = new StringBuilder();
    for (char c : siteName.toUpperCase(Locale.ROOT).toCharArray()) {
      if (code.length() < 8 && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        code.append(c);
      }
    }
    return code.isEmpty() ? "SITE" : code.toString();
  }
}
