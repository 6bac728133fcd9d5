package io.gridledger.postpaid;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * What billing tells the postpaid side when a document is issued: the receivable it creates (an invoice) or
 * reduces (a credit note). Billing calls it inside the transaction that issues the document, so an issued invoice
 * and its ledger posting exist together or not at all.
 *
 * <p>Posting is idempotent on {@link IssuedDocument#documentId()}: a replay (a retried issue) changes nothing.
 * Prepaid tenants' documents are not receivables (their wallet was charged as they consumed); the implementation
 * records them for reconciliation only.
 */
public interface Receivables {

  /** Posts the issued document in the caller's transaction. */
  Future<Void> postIssued(SqlConnection tx, IssuedDocument document);
}
