package io.gridledger.billing;

import io.gridledger.tariff.ChargeLine;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
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

  /**
   * Inserts drafts and their lines as two multi-row statements ({@code INSERT ... SELECT FROM unnest(arrays)}): one
   * statement per chunk instead of one per row, which took most of a 10,000-tenant run's write time.
   */
  static Future<Void> insertDrafts(SqlConnection tx, List<Draft> drafts) {
    if (drafts.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = drafts.size();
    UUID[] ids = new UUID[n];
    UUID[] sites = new UUID[n];
    UUID[] tenants = new UUID[n];
    UUID[] runs = new UUID[n];
    String[] modes = new String[n];
    LocalDate[] froms = new LocalDate[n];
    LocalDate[] tos = new LocalDate[n];
    String[] currencies = new String[n];
    Long[] subtotals = new Long[n];
    Long[] taxes = new Long[n];
    Long[] totals = new Long[n];
    String[] nets = new String[n];
    String[] fingerprints = new String[n];
    String[] usages = new String[n];
    UUID[] replaces = new UUID[n];
    List<Tuple> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Draft d = drafts.get(i);
      RatedInvoice r = d.rated();
      ids[i] = d.id();
      sites[i] = d.siteId();
      tenants[i] = r.tenantId();
      runs[i] = d.runId();
      modes[i] = d.billingMode();
      froms[i] = d.period().from();
      tos[i] = d.period().to();
      currencies[i] = d.currency();
      subtotals[i] = r.subtotalMinor();
      taxes[i] = r.taxMinor();
      totals[i] = r.totalMinor();
      nets[i] = UsageJson.numbersByName(r.netByUtility());
      fingerprints[i] = r.fingerprint();
      usages[i] = r.usageJson();
      replaces[i] = d.replacesInvoiceId();
      addLines(lines, d.id(), r);
    }
    Tuple invoices = Tuple.wrap(new Object[] {ids, sites, tenants, runs, modes, froms, tos, currencies, subtotals, taxes,
      totals, nets, fingerprints, usages, replaces});
    return tx.preparedQuery("INSERT INTO invoice (id, site_id, tenant_id, run_id, kind, status, billing_mode, "
        + "period_from, period_to, currency, subtotal_minor, tax_minor, total_minor, net_by_utility, fingerprint, usage, "
        + "replaces_invoice_id) SELECT id, site_id, tenant_id, run_id, 'invoice', 'draft', billing_mode, period_from, "
        + "period_to, currency, subtotal_minor, tax_minor, total_minor, net::jsonb, fingerprint, usage::jsonb, replaces "
        + "FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::date[], $7::date[], $8::text[], "
        + "$9::bigint[], $10::bigint[], $11::bigint[], $12::text[], $13::text[], $14::text[], $15::uuid[]) AS d(id, "
        + "site_id, tenant_id, run_id, billing_mode, period_from, period_to, currency, subtotal_minor, tax_minor, "
        + "total_minor, net, fingerprint, usage, replaces)").execute(invoices)
      .compose(v -> lines.isEmpty() ? Future.succeededFuture() : insertLines(tx, lines))
      .mapEmpty();
  }

  /** Lines (as {@link #addLines} builds them) in one statement: each column of the tuples becomes an array. */
  private static Future<?> insertLines(SqlConnection tx, List<Tuple> lines) {
    Class<?>[] types = {UUID.class, Integer.class, String.class, String.class, String.class, String.class, String.class,
      Integer.class, io.vertx.sqlclient.data.Numeric.class, String.class, io.vertx.sqlclient.data.Numeric.class,
      Long.class, LocalDate.class, LocalDate.class, UUID.class, UUID.class, Integer.class};
    Object[] columns = new Object[types.length];
    for (int c = 0; c < types.length; c++) {
      Object[] column = (Object[]) java.lang.reflect.Array.newInstance(types[c], lines.size());
      for (int i = 0; i < lines.size(); i++) {
        column[i] = lines.get(i).getValue(c);
      }
      columns[c] = column;
    }
    return tx.preparedQuery("INSERT INTO invoice_line (invoice_id, position, utility, component_id, kind, description, "
        + "tou_period, tier, quantity, unit, rate, amount_minor, service_start, service_end, tariff_id, tariff_version_id, "
        + "tariff_version_number) SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], "
        + "$6::text[], $7::text[], $8::int[], $9::numeric[], $10::text[], $11::numeric[], $12::bigint[], $13::date[], "
        + "$14::date[], $15::uuid[], $16::uuid[], $17::int[])")
      .execute(Tuple.wrap(columns));
  }

  /** Re-rates a draft in place; false when it is no longer a draft (finalized meanwhile), leaving it alone. */
  static Future<Boolean> replaceDraft(SqlConnection tx, UUID invoiceId, UUID runId, RatedInvoice r) {
    // An explicit re-rate (no run) keeps the draft's run, so the run still lists and exports it.
    return tx.preparedQuery("UPDATE invoice SET run_id = coalesce($2, run_id), subtotal_minor = $3, tax_minor = $4, total_minor = $5, "
        + "net_by_utility = $6::text::jsonb, fingerprint = $7, usage = $8::text::jsonb WHERE id = $1 AND status = 'draft'")
      .execute(Tuple.of(invoiceId, runId, r.subtotalMinor(), r.taxMinor(), r.totalMinor(),
        UsageJson.numbersByName(r.netByUtility()), r.fingerprint(), r.usageJson()))
      .compose(updated -> {
        if (updated.rowCount() == 0) {
          return Future.succeededFuture(false);
        }
        List<Tuple> lines = new ArrayList<>();
        addLines(lines, invoiceId, r);
        return tx.preparedQuery("DELETE FROM invoice_line WHERE invoice_id = $1").execute(Tuple.of(invoiceId))
          .compose(d -> lines.isEmpty() ? Future.succeededFuture() : insertLines(tx, lines))
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
