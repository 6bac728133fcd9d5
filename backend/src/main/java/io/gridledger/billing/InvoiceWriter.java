package io.gridledger.billing;

import io.gridledger.tariff.ChargeLine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The SQL that writes invoices and their lines; always on the caller's transaction. */
final class InvoiceWriter {

  private InvoiceWriter() {
  }

  /** A new draft invoice of the period for one tenant. */
  record Draft(UUID id, UUID siteId, UUID runId, String billingMode, BillingPeriod period, String currency,
               RatedInvoice rated, UUID replacesInvoiceId) {
  }

  private static final String INSERT = "INSERT INTO invoice (id, site_id, tenant_id, run_id, kind, status, billing_mode, "
    + "period_from, period_to, currency, subtotal_minor, tax_minor, total_minor, net_by_utility, fingerprint, usage, "
    + "replaces_invoice_id) VALUES ($1, $2, $3, $4, 'invoice', 'draft', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

  private static final String INSERT_LINE = "INSERT INTO invoice_line (invoice_id, position, utility, component_id, kind, "
    + "description, tou_period, tier, quantity, unit, rate, amount_minor, service_start, service_end, tariff_id, "
    + "tariff_version_id, tariff_version_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
    + "$12, $13, $14, $15, $16, $17)";

  /** Inserts drafts and their lines in two batched statements. */
  static Future<Void> insertDrafts(SqlConnection tx, List<Draft> drafts) {
    if (drafts.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> invoices = new ArrayList<>(drafts.size());
    List<Tuple> lines = new ArrayList<>();
    for (Draft d : drafts) {
      RatedInvoice r = d.rated();
      invoices.add(Tuple.tuple().addUUID(d.id()).addUUID(d.siteId()).addUUID(r.tenantId()).addUUID(d.runId())
        .addString(d.billingMode()).addLocalDate(d.period().from()).addLocalDate(d.period().to())
        .addString(d.currency()).addLong(r.subtotalMinor()).addLong(r.taxMinor()).addLong(r.totalMinor())
        .addValue(net(r)).addString(r.fingerprint())
        .addValue(r.usage()).addUUID(d.replacesInvoiceId()));
      addLines(lines, d.id(), r);
    }
    return tx.preparedQuery(INSERT).executeBatch(invoices)
      .compose(v -> lines.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(INSERT_LINE).executeBatch(lines))
      .mapEmpty();
  }

  /** Re-rates a draft in place; false when it is no longer a draft (finalized meanwhile), leaving it alone. */
  static Future<Boolean> replaceDraft(SqlConnection tx, UUID invoiceId, UUID runId, RatedInvoice r) {
    // An explicit re-rate (no run) keeps the draft's run, so the run still lists and exports it.
    return tx.preparedQuery("UPDATE invoice SET run_id = coalesce($2, run_id), subtotal_minor = $3, tax_minor = $4, total_minor = $5, "
        + "net_by_utility = $6, fingerprint = $7, usage = $8 WHERE id = $1 AND status = 'draft'")
      .execute(Tuple.of(invoiceId, runId, r.subtotalMinor(), r.taxMinor(), r.totalMinor(),
        net(r), r.fingerprint(), r.usage()))
      .compose(updated -> {
        if (updated.rowCount() == 0) {
          return Future.succeededFuture(false);
        }
        List<Tuple> lines = new ArrayList<>();
        addLines(lines, invoiceId, r);
        return tx.preparedQuery("DELETE FROM invoice_line WHERE invoice_id = $1").execute(Tuple.of(invoiceId))
          .compose(d -> lines.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(INSERT_LINE).executeBatch(lines))
          .map(v -> true);
      });
  }

  /** A draft credit note reversing {@code originalId} in full: its amounts, usage and lines, copied. */
  static Future<Void> insertCreditNote(SqlConnection tx, UUID creditId, UUID originalId, UUID runId) {
    return tx.preparedQuery("INSERT INTO invoice (id, site_id, tenant_id, run_id, kind, status, billing_mode, period_from, "
        + "period_to, currency, subtotal_minor, tax_minor, total_minor, net_by_utility, fingerprint, usage, "
        + "credits_invoice_id) SELECT $1, site_id, tenant_id, $2, 'credit_note', 'draft', billing_mode, period_from, "
        + "period_to, currency, subtotal_minor, tax_minor, total_minor, net_by_utility, fingerprint, usage, id "
        + "FROM invoice WHERE id = $3")
      .execute(Tuple.of(creditId, runId, originalId))
      .compose(v -> tx.preparedQuery("INSERT INTO invoice_line SELECT $1, position, utility, component_id, kind, "
        + "description, tou_period, tier, quantity, unit, rate, amount_minor, service_start, service_end, tariff_id, "
        + "tariff_version_id, tariff_version_number FROM invoice_line WHERE invoice_id = $2")
        .execute(Tuple.of(creditId, originalId)))
      .mapEmpty();
  }

  static JsonObject net(RatedInvoice r) {
    JsonObject net = new JsonObject();
    r.netByUtility().forEach(net::put);
    return net;
  }

  private static void addLines(List<Tuple> out, UUID invoiceId, RatedInvoice r) {
    int position = 1;
    for (RatedInvoice.Line l : r.lines()) {
      ChargeLine c = l.charge();
      out.add(Tuple.tuple().addUUID(invoiceId).addInteger(position++).addString(l.utility())
        .addString(c.componentId()).addString(c.kind().name()).addString(c.description()).addString(c.touPeriod())
        .addInteger(c.tier()).addValue(io.vertx.sqlclient.data.Numeric.create(c.quantity())).addString(c.unit())
        .addValue(io.vertx.sqlclient.data.Numeric.create(c.rate())).addLong(c.amountMinor()).addLocalDate(l.serviceStart())
        .addLocalDate(l.serviceEnd()).addUUID(l.tariffId()).addUUID(l.tariffVersionId())
        .addInteger(l.tariffVersionNumber()));
    }
  }
}
