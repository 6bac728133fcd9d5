package io.gridledger.billing;

import io.gridledger.postpaid.IssuedDocument;
import io.gridledger.postpaid.Receivables;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Receivables that records what billing posts. It also checks the call happens inside the issuing transaction: the
 * document is visible as issued on the transaction's own connection when postIssued is called.
 */
public final class RecordingReceivables implements Receivables {

  private final List<IssuedDocument> posted = new ArrayList<>();
  private volatile UUID failFor;

  @Override
  public Future<Void> postIssued(SqlConnection tx, IssuedDocument document) {
    if (document.tenantId().equals(failFor)) {
      return Future.failedFuture(new IllegalStateException("ledger refused tenant " + failFor));
    }
    return tx.preparedQuery("SELECT status FROM invoice WHERE id = $1").execute(io.vertx.sqlclient.Tuple.of(document.documentId()))
      .compose(rows -> {
        if (!"issued".equals(rows.iterator().next().getString("status"))) {
          return Future.failedFuture(new AssertionError("postIssued called outside the issuing transaction"));
        }
        synchronized (posted) {
          posted.add(document);
        }
        return Future.succeededFuture();
      });
  }

  /** Posting fails for this tenant (null: never), to show an issue and its posting commit together or not at all. */
  public void failFor(UUID tenantId) {
    failFor = tenantId;
  }

  public List<IssuedDocument> posted() {
    synchronized (posted) {
      return List.copyOf(posted);
    }
  }
}
