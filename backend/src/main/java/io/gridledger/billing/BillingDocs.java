package io.gridledger.billing;

import io.gridledger.auth.Principal;
import io.gridledger.site.Scope;

/** The JSON shapes of runs and invoices (built in SQL, as the rest of the API does) and the owner predicates. */
final class BillingDocs {

  private BillingDocs() {
  }

  static final String RUN = "json_build_object('id', r.id, 'siteId', r.site_id, 'periodFrom', r.period_from, "
    + "'periodTo', r.period_to, 'status', r.status, 'tenantsTotal', r.tenants_total, 'tenantsDone', r.tenants_done, "
    + "'tenantsFailed', r.tenants_failed, 'outcomes', r.outcomes, 'failures', r.failures, 'error', r.error, "
    + "'createdAt', r.created_at, 'startedAt', r.started_at, 'finishedAt', r.finished_at)";

  static final String INVOICE = "jsonb_build_object('id', i.id, 'siteId', i.site_id, 'tenantId', i.tenant_id, "
    + "'tenantName', t.legal_name, 'runId', i.run_id, 'kind', i.kind, 'status', i.status, 'billingMode', i.billing_mode, "
    + "'number', i.number, 'periodFrom', i.period_from, 'periodTo', i.period_to, 'currency', i.currency, "
    + "'subtotalMinor', i.subtotal_minor, 'taxMinor', i.tax_minor, 'totalMinor', i.total_minor, "
    + "'netByUtility', i.net_by_utility, 'creditsInvoiceId', i.credits_invoice_id, "
    + "'replacesInvoiceId', i.replaces_invoice_id, "
    + "'creditedBy', (SELECT c.id FROM invoice c WHERE c.credits_invoice_id = i.id), "
    + "'creditsNumber', (SELECT c.number FROM invoice c WHERE c.id = i.credits_invoice_id), "
    + "'replacesNumber', (SELECT c.number FROM invoice c WHERE c.id = i.replaces_invoice_id), "
    + "'finalizedAt', i.finalized_at, 'issuedAt', i.issued_at, 'dueDate', i.due_date, 'createdAt', i.created_at)";

  /** A line with its source: the usage entry of its utility (meters, reads, rule, estimated), without the chart data. */
  static final String LINE = "jsonb_build_object('position', l.position, 'utility', l.utility, 'componentId', "
    + "l.component_id, 'kind', l.kind, 'description', l.description, 'touPeriod', l.tou_period, 'tier', l.tier, "
    + "'quantity', l.quantity::text, 'unit', l.unit, 'rate', l.rate::text, 'amountMinor', l.amount_minor, "
    + "'serviceStart', l.service_start, 'serviceEnd', l.service_end, 'tariffId', l.tariff_id, "
    + "'tariffVersionId', l.tariff_version_id, 'tariffVersionNumber', l.tariff_version_number, "
    + "'source', (SELECT u - 'dailyMilli' - 'peaks' FROM jsonb_array_elements(i.usage) u WHERE u->>'utility' = l.utility "
    + "LIMIT 1))";

  static final String FULL_INVOICE = INVOICE + " || jsonb_build_object('usage', i.usage, 'lines', (SELECT "
    + "coalesce(jsonb_agg(" + LINE + " ORDER BY l.position), '[]'::jsonb) FROM invoice_line l WHERE l.invoice_id = i.id))";

  /** Runs of the caller's sites; tenants see no runs (a run is an operator's tool): always "not found". */
  static Scope runs(Principal p) {
    Scope site = Scope.site(p, "r.site_id");
    return new Scope(site.sql() + " AND ?::uuid IS NULL", append(site.params(), p.tenantScope()));
  }

  /** Invoices of the caller's sites; a tenant sees only its own, and only once issued. */
  static Scope invoices(Principal p) {
    Scope site = Scope.site(p, "i.site_id");
    return new Scope(site.sql() + " AND (?::uuid IS NULL OR (i.tenant_id = ?::uuid AND i.status = 'issued'))",
      append(site.params(), p.tenantScope(), p.tenantScope()));
  }

  private static Object[] append(Object[] a, Object... b) {
    Object[] out = new Object[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
