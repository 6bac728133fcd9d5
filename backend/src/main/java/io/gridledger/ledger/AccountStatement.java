package io.gridledger.ledger;

import io.gridledger.api.Requests;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * An account's statement: its legs newest first, each with the balance right after it. Keyset-paginated on the
 * account's leg sequence, so pages are stable while new transfers arrive (they only ever get higher numbers).
 */
final class AccountStatement {

  private static final String PAGE = "SELECT l.account_seq, l.side, l.amount_minor, l.balance_after_minor, l.posted_at, "
    + "t.id, t.kind, t.description, t.reverses_transfer_id, t.created_by, t.metadata, r.id AS reversed_by "
    + "FROM ledger_leg l JOIN ledger_transfer t ON t.id = l.transfer_id "
    + "LEFT JOIN ledger_transfer r ON r.reverses_transfer_id = t.id "
    + "WHERE l.account_id = $1 AND ($2::bigint IS NULL OR l.account_seq < $2) ORDER BY l.account_seq DESC LIMIT $3";

  private final Pool pool;

  AccountStatement(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> page(LedgerAccount account, Long beforeSeq, int limit) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(account.id(), beforeSeq, limit + 1)).map(rows -> {
      JsonArray items = new JsonArray();
      Long last = null;
      for (Row row : rows) {
        if (items.size() == limit) {
          return new JsonObject().put("items", items).put("nextCursor", AccountHandlers.encodeCursor(last));
        }
        items.add(item(account, row));
        last = row.getLong("account_seq");
      }
      return new JsonObject().put("items", items).putNull("nextCursor");
    });
  }

  private static JsonObject item(LedgerAccount account, Row row) {
    Side side = Side.fromCode(row.getString("side"));
    Object reverses = row.getUUID("reverses_transfer_id");
    Object reversedBy = row.getUUID("reversed_by");
    return new JsonObject()
      .put("transferId", row.getUUID("id").toString())
      .put("seq", row.getLong("account_seq"))
      .put("postedAt", Requests.timestamp(row.getOffsetDateTime("posted_at")))
      .put("kind", row.getString("kind"))
      .put("description", row.getString("description"))
      .put("side", side.wireName())
      .put("amountMinor", side.effect(account.kind().normalSide(), row.getLong("amount_minor")))
      .put("balanceAfterMinor", row.getLong("balance_after_minor"))
      .put("reversesTransferId", reverses == null ? null : reverses.toString())
      .put("reversedByTransferId", reversedBy == null ? null : reversedBy.toString())
      .put("createdBy", row.getString("created_by"))
      .put("metadata", row.getJsonObject("metadata"));
  }
}
