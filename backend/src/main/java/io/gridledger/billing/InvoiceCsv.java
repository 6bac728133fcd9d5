package io.gridledger.billing;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * A run's documents as CSV, one row per line (RFC 4180 quoting). Credit-note amounts are negative so that the
 * column sums to what the period bills net of corrections; {@code amount_minor} is exact, {@code amount} is for people.
 */
final class InvoiceCsv {

  static final String HEADER = "document_number,document_kind,status,tenant_id,tenant_name,billing_mode,period_from,"
    + "period_to,position,utility,component_id,line_kind,description,tou_period,tier,quantity,unit,rate,amount_minor,"
    + "amount,currency,service_start,service_end,tariff_version_id,tariff_version_number,estimated,meters,"
    + "credits_document,replaces_document";

  private InvoiceCsv() {
  }

  static Future<String> export(SqlClient db, UUID siteId, BillingPeriod period) {
    return db.preparedQuery("SELECT i.number, i.kind, i.status, i.tenant_id, t.legal_name, i.billing_mode, i.period_from, "
        + "i.period_to, l.position, l.utility, l.component_id, l.kind AS line_kind, l.description, l.tou_period, l.tier, "
        + "l.quantity::text AS quantity, l.unit, l.rate::text AS rate, l.amount_minor, i.currency, l.service_start, "
        + "l.service_end, l.tariff_version_id, l.tariff_version_number, "
        + "(SELECT (u->>'estimated')::boolean FROM jsonb_array_elements(i.usage) u WHERE u->>'utility' = l.utility LIMIT 1) "
        + "AS estimated, (SELECT string_agg(s->>'meterSerial', ' ') FROM jsonb_array_elements(i.usage) u, "
        + "jsonb_array_elements(u->'sources') s WHERE u->>'utility' = l.utility) AS meters, "
        + "(SELECT c.number FROM invoice c WHERE c.id = i.credits_invoice_id) AS credits, "
        + "(SELECT c.number FROM invoice c WHERE c.id = i.replaces_invoice_id) AS replaces "
        + "FROM invoice i JOIN tenant t ON t.id = i.tenant_id JOIN invoice_line l ON l.invoice_id = i.id "
        + "WHERE i.site_id = $1 AND i.period_from = $2 AND i.period_to = $3 "
        + "ORDER BY i.created_at, i.number NULLS LAST, i.id, l.position")
      .execute(Tuple.of(siteId, period.from(), period.to()))
      .map(rows -> {
        StringBuilder out = new StringBuilder(HEADER).append("\r\n");
        for (Row r : rows) {
          boolean credit = r.getString("kind").equals("credit_note");
          long amount = credit ? -r.getLong("amount_minor") : r.getLong("amount_minor");
          int digits = Math.max(0, java.util.Currency.getInstance(r.getString("currency")).getDefaultFractionDigits());
          Object[] cells = {r.getString("number"), r.getString("kind"), r.getString("status"), r.getUUID("tenant_id"),
            r.getString("legal_name"), r.getString("billing_mode"), r.getLocalDate("period_from"),
            r.getLocalDate("period_to"), r.getInteger("position"), r.getString("utility"), r.getString("component_id"),
            r.getString("line_kind"), r.getString("description"), r.getString("tou_period"), r.getInteger("tier"),
            r.getString("quantity"), r.getString("unit"), r.getString("rate"), amount,
            BigDecimal.valueOf(amount, digits).toPlainString(), r.getString("currency"), r.getLocalDate("service_start"),
            r.getLocalDate("service_end"), r.getUUID("tariff_version_id"), r.getInteger("tariff_version_number"),
            r.getBoolean("estimated"), r.getString("meters"), r.getString("credits"), r.getString("replaces")};
          for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
              out.append(',');
            }
            out.append(cell(cells[c]));
          }
          out.append("\r\n");
        }
        return out.toString();
      });
  }

  static String cell(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    // A leading =, +, - or @ would be a formula in a spreadsheet; names are tenant-supplied text.
    if (!text.isEmpty() && "=+@".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}
