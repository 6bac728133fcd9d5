package io.gridledger.billing;

import io.gridledger.api.Problem;
import io.gridledger.postpaid.IssuedDocument;
import io.gridledger.postpaid.Receivables;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Finalizing (numbers), issuing (the receivable, through {@link Receivables} in the same transaction) and
 * corrections (credit note plus rebill, both issued at once). Numbers come from {@link Numbering}.
 */
final class Issuing {

  /** What a correction created: the credit note reversing the original and the rebill replacing it. */
  record Correction(UUID creditNoteId, String creditNoteNumber, UUID rebillId, String rebillNumber) {
  }

  private final Pool pool;
  private final Receivables receivables;
  private final Clock clock;
  private final BillingSettings settings;

  Issuing(Pool pool, Receivables receivables, Clock clock, BillingSettings settings) {
    this.pool = pool;
    this.receivables = receivables;
    this.clock = clock;
    this.settings = settings;
  }

  /** Numbers every draft of the site's period in one transaction, in tenant-name order. Answers how many. */
  Future<Integer> finalizeDrafts(BillingStore.SiteFacts site, BillingPeriod period) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT i.id FROM invoice i JOIN tenant t ON t.id = i.tenant_id "
        + "WHERE i.site_id = $1 AND i.period_from = $2 AND i.period_to = $3 AND i.status = 'draft' "
        + "ORDER BY t.legal_name, i.id FOR UPDATE OF i")
      .execute(Tuple.of(site.id(), period.from(), period.to()))
      .compose(rows -> {
        List<UUID> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getUUID("id")));
        if (ids.isEmpty()) {
          return Future.succeededFuture(0);
        }
        int year = period.from().getYear();
        return Numbering.reserve(tx, site.id(), IssuedDocument.INVOICE, year, ids.size()).compose(first -> {
          List<Tuple> updates = new ArrayList<>();
          for (int i = 0; i < ids.size(); i++) {
            updates.add(Tuple.of(ids.get(i), Numbering.format(IssuedDocument.INVOICE, site.code(), year, first + i)));
          }
          return tx.preparedQuery("UPDATE invoice SET status = 'finalized', number = $2, finalized_at = now() WHERE id = $1")
            .executeBatch(updates).map(v -> ids.size());
        });
      }));
  }

  /** Issues every finalized invoice of the period, each in its own transaction with its posting. Answers how many. */
  Future<Integer> issueFinalized(BillingStore.SiteFacts site, BillingPeriod period) {
    if (receivables == null) {
      return Future.failedFuture(unavailable("receivables"));
    }
    return pool.preparedQuery("SELECT id FROM invoice WHERE site_id = $1 AND period_from = $2 AND period_to = $3 "
        + "AND status = 'finalized' ORDER BY number").execute(Tuple.of(site.id(), period.from(), period.to()))
      .compose(rows -> {
        Future<Integer> chain = Future.succeededFuture(0);
        for (Row row : rows) {
          UUID id = row.getUUID("id");
          chain = chain.compose(n -> pool.withTransaction(tx -> issueOne(tx, site, id, null))
            .map(issued -> issued ? n + 1 : n));
        }
        return chain;
      });
  }

  /** Issues one numbered invoice (a finalized one, or a just-numbered draft when {@code number} is given). */
  private Future<Boolean> issueOne(SqlConnection tx, BillingStore.SiteFacts site, UUID id, String number) {
    Instant now = clock.instant();
    LocalDate issueDay = LocalDate.ofInstant(now, site.zone());
    String setNumber = number == null ? "" : ", number = $4, finalized_at = now()";
    Tuple args = Tuple.of(id, now.atOffset(ZoneOffset.UTC), issueDay.plusDays(settings.paymentTermsDays()));
    if (number != null) {
      args.addString(number);
    }
    return tx.preparedQuery("UPDATE invoice SET status = 'issued', issued_at = $2, due_date = CASE WHEN kind = 'invoice' "
        + "THEN $3::date END" + setNumber + " WHERE id = $1 AND status = '" + (number == null ? "finalized" : "draft")
        + "' RETURNING " + BillingStore.DOCUMENT_COLUMNS)
      .execute(args)
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(false);
        }
        IssuedDocument doc = BillingStore.document(rows.iterator().next());
        // The posting's failure rolls the issue back with it; the caller sees why, and may issue again later.
        return receivables.postIssued(tx, doc).map(v -> true).recover(e -> Future.failedFuture(new Problem(503,
          "posting-failed", "Service unavailable", "receivables did not post " + doc.number() + ": " + e.getMessage()
          + "; it stays unissued, issue again", null)));
      });
  }

  /**
   * Reverses {@code originalId} (issued, not yet credited) with a credit note and replaces it with a rebill holding
   * {@code rated}: both numbered, issued and posted in one transaction, or neither.
   */
  Future<Correction> correct(BillingStore.SiteFacts site, UUID originalId, RatedInvoice rated, String billingMode,
                             BillingPeriod period, UUID runId) {
    if (receivables == null) {
      return Future.failedFuture(unavailable("receivables"));
    }
    UUID creditId = UUID.randomUUID();
    UUID rebillId = UUID.randomUUID();
    int year = period.from().getYear();
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT status, EXISTS (SELECT 1 FROM invoice c WHERE "
          + "c.credits_invoice_id = i.id) AS credited FROM invoice i WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(originalId))
        .compose(rows -> {
          Row r = rows.iterator().next();
          if (!r.getString("status").equals("issued") || r.getBoolean("credited")) {
            return Future.failedFuture(Problem.conflict("invoice-not-correctable", "invoice " + originalId
              + " is " + r.getString("status") + (r.getBoolean("credited") ? " and already credited" : "")
              + ": only an issued invoice not yet credited is corrected"));
          }
          return InvoiceWriter.insertCreditNote(tx, creditId, originalId, runId);
        })
        .compose(v -> InvoiceWriter.insertDrafts(tx, List.of(new InvoiceWriter.Draft(rebillId, site.id(), runId,
          billingMode, period, site.currency(), rated, originalId))))
        .compose(v -> Numbering.reserve(tx, site.id(), IssuedDocument.CREDIT_NOTE, year, 1))
        .compose(cn -> Numbering.reserve(tx, site.id(), IssuedDocument.INVOICE, year, 1).map(inv -> new Correction(
          creditId, Numbering.format(IssuedDocument.CREDIT_NOTE, site.code(), year, cn),
          rebillId, Numbering.format(IssuedDocument.INVOICE, site.code(), year, inv))))
        .compose(c -> issueOne(tx, site, creditId, c.creditNoteNumber())
          .compose(v -> issueOne(tx, site, rebillId, c.rebillNumber())).map(v -> c)));
  }

  static Problem unavailable(String what) {
    return new Problem(503, "billing-unavailable", "Service unavailable", "billing has no " + what
      + " service wired in this build; bill runs cannot proceed", null);
  }
}
