package io.gridledger.postpaid;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.TreeMap;

/**
 * A tenant's statement for site-local days [from, to): the lines are the legs of the tenant's receivable account
 * (invoices, credit notes, payments, refunds, reversals, prepaid shortfalls, adjustments), dated by their business
 * day (issue day, day received, day refunded; otherwise the site-local posting day), so opening + lines = closing
 * is the ledger's own arithmetic. Aging is of the invoices issued before {@code to}, as of the last day, with the
 * open amounts they have now.
 */
final class Statement {

  private static final String LINES = "SELECT * FROM (SELECT l.account_seq, l.transfer_id, t.kind, t.description, "
    + "t.metadata, CASE WHEN l.side = 'D' THEN l.amount_minor ELSE -l.amount_minor END AS amount, "
    + "coalesce((t.metadata->>'businessDate')::date, (t.posted_at AT TIME ZONE $2)::date) AS day "
    + "FROM ledger_leg l JOIN ledger_transfer t ON t.id = l.transfer_id WHERE l.account_id = $1) x "
    + "WHERE x.day < $3 ORDER BY x.day, x.account_seq";
  private static final String OPEN = "SELECT id, number, issued_on, due_date, total_minor, open_minor "
    + "FROM receivable_document WHERE tenant_id = $1 AND kind = 'invoice' AND open_minor > 0 AND issued_on < $2 "
    + "ORDER BY due_date, issued_at, number";
  private static final String CREDIT = "SELECT coalesce((SELECT sum(unallocated_minor) FROM tenant_payment "
    + "WHERE tenant_id = $1 AND state = 'recorded'), 0)::bigint + coalesce((SELECT sum(unallocated_minor) "
    + "FROM receivable_document WHERE tenant_id = $1 AND kind = 'credit_note'), 0)::bigint AS credit";

  private final Pool pool;

  Statement(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> of(TenantRef tenant, LocalDate from, LocalDate to) {
    LocalDate asOf = to.minusDays(1);
    return pool.preparedQuery("SELECT id FROM ledger_account WHERE tenant_id = $1 AND site_id = $2 "
        + "AND kind = 'tenant_receivable' AND currency = $3").execute(Tuple.of(tenant.id(), tenant.siteId(), tenant.currency()))
      .compose(accounts -> accounts.size() == 0 ? Future.succeededFuture(java.util.List.<Row>of())
        : pool.preparedQuery(LINES).execute(Tuple.of(accounts.iterator().next().getUUID("id"), tenant.zone().getId(), to))
          .map(rows -> {
            java.util.List<Row> list = new java.util.ArrayList<>();
            rows.forEach(list::add);
            return list;
          }))
      .compose(legs -> pool.preparedQuery(OPEN).execute(Tuple.of(tenant.id(), to)).compose(open ->
        pool.preparedQuery(CREDIT).execute(Tuple.of(tenant.id())).map(credit -> {
          long opening = 0;
          long closing = 0;
          JsonArray lines = new JsonArray();
          TreeMap<String, Long> totals = new TreeMap<>();
          for (Row r : legs) {
            long amount = r.getLong("amount");
            LocalDate day = r.getLocalDate("day");
            closing += amount;
            if (day.isBefore(from)) {
              opening += amount;
              continue;
            }
            totals.merge(r.getString("kind"), amount, Long::sum);
            JsonObject meta = (JsonObject) r.getJson("metadata");
            lines.add(new JsonObject().put("date", day.toString()).put("kind", r.getString("kind"))
              .put("description", r.getString("description")).put("amountMinor", amount).put("balanceMinor", closing)
              .put("transferId", r.getUUID("transfer_id").toString())
              .put("documentId", meta.getString("documentId")).put("number", meta.getString("number"))
              .put("paymentId", meta.getString("paymentId")));
          }
          Aging aging = new Aging();
          JsonArray invoices = new JsonArray();
          for (Row r : open) {
            aging.add(r.getLocalDate("due_date"), asOf, r.getLong("open_minor"));
            invoices.add(new JsonObject().put("documentId", r.getUUID("id").toString()).put("number", r.getString("number"))
              .put("issuedOn", r.getLocalDate("issued_on").toString()).put("dueDate", r.getLocalDate("due_date").toString())
              .put("totalMinor", r.getLong("total_minor")).put("openMinor", r.getLong("open_minor"))
              .put("daysPastDue", Math.max(0, ChronoUnit.DAYS.between(r.getLocalDate("due_date"), asOf))));
          }
          return new JsonObject().put("tenantId", tenant.id().toString()).put("siteId", tenant.siteId().toString())
            .put("billingMode", tenant.billingMode()).put("currency", tenant.currency())
            .put("from", from.toString()).put("to", to.toString())
            .put("openingBalanceMinor", opening).put("lines", lines).put("totalsByKind", new JsonObject(new TreeMap<>(totals)))
            .put("closingBalanceMinor", closing).put("openInvoices", invoices)
            .put("creditMinor", credit.iterator().next().getLong("credit"))
            .put("aging", aging.toJson().put("asOf", asOf.toString()));
        })));
  }
}
