package io.gridledger.ledger;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * What became of one transfer. Only POSTED and ALREADY_POSTED transfers exist in the ledger; a refused transfer leaves
 * no trace, so the same id may be posted again later (for example once the wallet has been topped up).
 *
 * @param postedAt when the transfer was posted (the original time for ALREADY_POSTED), else null
 */
public record TransferResult(UUID transferId, Status status, String detail, OffsetDateTime postedAt) {

  public enum Status {
    /** Written now. */
    POSTED,
    /** The same transfer (same id, same content) was posted before; nothing changed. */
    ALREADY_POSTED,
    /** A limited account (a wallet) would go below minus its credit limit. */
    INSUFFICIENT_FUNDS,
    /** The id belongs to a transfer with other content. */
    ID_CONFLICT,
    /** The transfer it reverses has been reversed already (by another transfer). */
    ALREADY_REVERSED,
    /** Malformed, unbalanced, or naming accounts that do not exist or belong to another site or currency. */
    INVALID
  }

  public boolean succeeded() {
    return status == Status.POSTED || status == Status.ALREADY_POSTED;
  }

  static TransferResult refused(UUID id, Status status, String detail) {
    return new TransferResult(id, status, detail, null);
  }
}
