package io.gridledger.postpaid;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Which invoice a payment or a credit note pays. Allocations move no money (the payment or credit note already
 * credited the receivable): they only decide each invoice's open amount and the tenant's unapplied credit, so that
 * receivable balance = open invoices - unapplied credit always holds. Callers hold the tenant's lock
 * ({@link #lockTenant}), so two allocations of one tenant never interleave.
 */
final class Allocations {

  /** {@code amountMinor} of the source (a payment or a credit note, exactly one set) applied to {@code documentId}. */
  record Allocation(UUID documentId, UUID paymentId, UUID creditNoteId, long amountMinor) {
  }

  /** An open invoice and what is still to be paid on it. */
  record OpenInvoice(UUID id, String number, long openMinor) {
  }

  /** Unapplied credit: a payment's or a credit note's amount not allocated yet. */
  private record Credit(UUID paymentId, UUID creditNoteId, long amountMinor) {
  }

  /** Oldest first: by due date, then issue time, then number (gapless numbers order same-time documents). */
  static final String OPEN_INVOICES = "SELECT id, number, open_minor FROM receivable_document WHERE tenant_id = $1 "
    + "AND kind = 'invoice' AND open_minor > 0 ORDER BY due_date NULLS LAST, issued_at, number, id";
  private static final String CREDITS = "SELECT id AS payment_id, NULL::uuid AS credit_note_id, unallocated_minor, "
    + "created_at FROM tenant_payment WHERE tenant_id = $1 AND unallocated_minor > 0 AND state = 'recorded' "
    + "UNION ALL SELECT NULL::uuid, id, unallocated_minor, posted_at FROM receivable_document WHERE tenant_id = $1 "
    + "AND kind = 'credit_note' AND unallocated_minor > 0 ORDER BY 4, 1, 2";

  private Allocations() {
  }

  /** Serializes every receivable change of one tenant (payments, refunds, reversals, documents) until commit. */
  static Future<Void> lockTenant(SqlConnection tx, UUID tenantId) {
    return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended('gridledger.receivable|' || $1::uuid::text, 0))")
      .execute(Tuple.of(tenantId)).mapEmpty();
  }

  static Future<List<OpenInvoice>> openInvoices(SqlConnection tx, UUID tenantId) {
    return tx.preparedQuery(OPEN_INVOICES).execute(Tuple.of(tenantId)).map(rows -> {
      List<OpenInvoice> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new OpenInvoice(r.getUUID("id"), r.getString("number"), r.getLong("open_minor")));
      }
      return out;
    });
  }

  /** Spreads {@code amountMinor} of a payment over the invoices in the order given, each up to its open amount. */
  static List<Allocation> spread(UUID paymentId, long amountMinor, List<OpenInvoice> invoices) {
    List<Allocation> out = new ArrayList<>();
    long left = amountMinor;
    for (OpenInvoice invoice : invoices) {
      if (left == 0) {
        break;
      }
      long take = Math.min(left, invoice.openMinor());
      if (take > 0) {
        out.add(new Allocation(invoice.id(), paymentId, null, take));
        left -= take;
      }
    }
    return out;
  }

  /** Applies all unapplied credit of the tenant, oldest credit first, to its open invoices, oldest first. */
  static Future<List<Allocation>> applyCredit(SqlConnection tx, UUID tenantId) {
    return tx.preparedQuery(CREDITS).execute(Tuple.of(tenantId)).compose(creditRows -> {
      List<Credit> credits = new ArrayList<>();
      for (Row r : creditRows) {
        credits.add(new Credit(r.getUUID("payment_id"), r.getUUID("credit_note_id"), r.getLong("unallocated_minor")));
      }
      if (credits.isEmpty()) {
        return Future.succeededFuture(List.<Allocation>of());
      }
      return openInvoices(tx, tenantId).compose(invoices -> {
        List<Allocation> out = new ArrayList<>();
        int i = 0;
        long open = invoices.isEmpty() ? 0 : invoices.get(0).openMinor();
        for (Credit credit : credits) {
          long left = credit.amountMinor();
          while (left > 0 && i < invoices.size()) {
            long take = Math.min(left, open);
            out.add(new Allocation(invoices.get(i).id(), credit.paymentId(), credit.creditNoteId(), take));
            left -= take;
            open -= take;
            if (open == 0 && ++i < invoices.size()) {
              open = invoices.get(i).openMinor();
            }
          }
        }
        return write(tx, tenantId, out).map(out);
      });
    });
  }

  /** Records allocations: the invoices' open amounts and the sources' unapplied credit go down by each amount. */
  static Future<Void> write(SqlConnection tx, UUID tenantId, List<Allocation> allocations) {
    if (allocations.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> inserts = new ArrayList<>();
    List<Tuple> documents = new ArrayList<>();
    List<Tuple> payments = new ArrayList<>();
    List<Tuple> creditNotes = new ArrayList<>();
    for (Allocation a : allocations) {
      inserts.add(Tuple.of(tenantId, a.documentId(), a.paymentId(), a.creditNoteId(), a.amountMinor()));
      documents.add(Tuple.of(a.documentId(), a.amountMinor()));
      (a.paymentId() != null ? payments : creditNotes)
        .add(Tuple.of(a.paymentId() != null ? a.paymentId() : a.creditNoteId(), a.amountMinor()));
    }
    Future<?> f = tx.preparedQuery("INSERT INTO payment_allocation (tenant_id, document_id, payment_id, credit_note_id, "
      + "amount_minor) VALUES ($1, $2, $3, $4, $5)").executeBatch(inserts)
      .compose(v -> tx.preparedQuery("UPDATE receivable_document SET open_minor = open_minor - $2 WHERE id = $1")
        .executeBatch(documents));
    if (!payments.isEmpty()) {
      f = f.compose(v -> tx.preparedQuery("UPDATE tenant_payment SET unallocated_minor = unallocated_minor - $2 "
        + "WHERE id = $1").executeBatch(payments));
    }
    if (!creditNotes.isEmpty()) {
      f = f.compose(v -> tx.preparedQuery("UPDATE receivable_document SET unallocated_minor = unallocated_minor - $2 "
        + "WHERE id = $1").executeBatch(creditNotes));
    }
    return f.mapEmpty();
  }

  /**
   * Takes back up to {@code amountMinor} of a payment's allocations, newest first, reopening those invoices; answers
   * what was reopened per invoice.
   */
  static Future<List<Allocation>> release(SqlConnection tx, UUID paymentId, long amountMinor) {
    if (amountMinor <= 0) {
      return Future.succeededFuture(List.of());
    }
    return tx.preparedQuery("SELECT id, document_id, amount_minor FROM payment_allocation WHERE payment_id = $1 "
      + "ORDER BY id DESC FOR UPDATE").execute(Tuple.of(paymentId)).compose(rows -> {
        List<Allocation> released = new ArrayList<>();
        List<Tuple> shrink = new ArrayList<>();
        List<Tuple> reopen = new ArrayList<>();
        long left = amountMinor;
        for (Row r : rows) {
          if (left == 0) {
            break;
          }
          long take = Math.min(left, r.getLong("amount_minor"));
          left -= take;
          shrink.add(Tuple.of(r.getLong("id"), take));
          reopen.add(Tuple.of(r.getUUID("document_id"), take));
          released.add(new Allocation(r.getUUID("document_id"), paymentId, null, take));
        }
        if (shrink.isEmpty()) {
          return Future.succeededFuture(released);
        }
        return tx.preparedQuery("UPDATE payment_allocation SET amount_minor = amount_minor - $2 WHERE id = $1")
          .executeBatch(shrink)
          .compose(v -> tx.preparedQuery("DELETE FROM payment_allocation WHERE payment_id = $1 AND amount_minor = 0")
            .execute(Tuple.of(paymentId)))
          .compose(v -> tx.preparedQuery("UPDATE receivable_document SET open_minor = open_minor + $2 WHERE id = $1")
            .executeBatch(reopen))
          .map(released);
      });
  }
}
