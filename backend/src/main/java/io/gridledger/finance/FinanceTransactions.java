package io.gridledger.finance;

import io.gridledger.api.Problem;
import io.gridledger.ledger.Side;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * A site's ledger legs, newest first, filtered by tenant, account kind, transfer kind and period; keyset-paginated
 * on (posted_at, transfer id, account id), or all of them (up to a configured cap) as CSV.
 */
final class FinanceTransactions {

  /** The filters; null means any. {@code from}/{@code to} are the period's instants (site-local days). */
  record Filter(UUID siteId, UUID tenantId, String accountKind, String kind, OffsetDateTime from, OffsetDateTime to) {
  }

  private static final String SELECT = "SELECT t.posted_at, t.id AS transfer_id, t.kind, t.description, t.created_by, "
    + "l.account_id, a.kind AS account_kind, a.qualifier, a.tenant_id, a.normal_side, l.side, l.amount_minor, "
    + "l.balance_after_minor, t.currency FROM ledger_transfer t JOIN ledger_leg l ON l.transfer_id = t.id "
    + "JOIN ledger_account a ON a.id = l.account_id WHERE t.site_id = $1 AND t.posted_at >= $5 AND t.posted_at < $6 "
    + "AND ($2::uuid IS NULL OR a.tenant_id = $2) AND ($3::text IS NULL OR a.kind = $3) "
    + "AND ($4::text IS NULL OR t.kind = $4) "
    + "AND ($7::timestamptz IS NULL OR (t.posted_at, t.id, l.account_id) < ($7, $8::uuid, $9::uuid)) "
    + "ORDER BY t.posted_at DESC, t.id DESC, l.account_id DESC LIMIT $10";
  static final String CSV_HEADER = "posted_at,transfer_id,kind,account_id,account_kind,qualifier,tenant_id,side,"
    + "amount_minor,signed_amount_minor,balance_after_minor,currency,created_by,description\n";

  private final Pool pool;

  FinanceTransactions(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> page(Filter f, String cursor, int limit) {
    Object[] after = decode(cursor);
    return query(f, after, limit + 1).map(rows -> {
      JsonArray items = new JsonArray();
      String next = null;
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        if (i == limit) {
          Row last = rows.get(limit - 1);
          next = encode(last.getOffsetDateTime("posted_at"), last.getUUID("transfer_id"), last.getUUID("account_id"));
          break;
        }
        items.add(json(r));
      }
      return new JsonObject().put("items", items).put("nextCursor", next);
    });
  }

  Future<String> csv(Filter f, int maxRows) {
    return query(f, new Object[] {null, null, null}, maxRows).map(rows -> {
      StringBuilder out = new StringBuilder(CSV_HEADER);
      for (Row r : rows) {
        JsonObject j = json(r);
        out.append(j.getString("postedAt")).append(',').append(j.getString("transferId")).append(',')
          .append(j.getString("kind")).append(',').append(j.getString("accountId")).append(',')
          .append(j.getString("accountKind")).append(',').append(nz(j.getString("qualifier"))).append(',')
          .append(nz(j.getString("tenantId"))).append(',').append(j.getString("side")).append(',')
          .append(j.getLong("amountMinor")).append(',').append(j.getLong("signedAmountMinor")).append(',')
          .append(j.getLong("balanceAfterMinor")).append(',').append(j.getString("currency")).append(',')
          .append(cell(j.getString("createdBy"))).append(',').append(cell(j.getString("description"))).append('\n');
      }
      return out.toString();
    });
  }

  private Future<List<Row>> query(Filter f, Object[] after, int limit) {
    Tuple t = Tuple.from(new Object[] {f.siteId(), f.tenantId(), f.accountKind(), f.kind(), f.from(), f.to(),
      after[0], after[1], after[2], limit});
    return pool.preparedQuery(SELECT).execute(t).map(rows -> {
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }

  private static JsonObject json(Row r) {
    Side side = Side.fromCode(r.getString("side"));
    long amount = r.getLong("amount_minor");
    return new JsonObject().put("postedAt", io.gridledger.api.Requests.timestamp(r.getOffsetDateTime("posted_at")))
      .put("transferId", r.getUUID("transfer_id").toString()).put("kind", r.getString("kind"))
      .put("accountId", r.getUUID("account_id").toString()).put("accountKind", r.getString("account_kind"))
      .put("qualifier", r.getString("qualifier").isEmpty() ? null : r.getString("qualifier"))
      .put("tenantId", r.getUUID("tenant_id") == null ? null : r.getUUID("tenant_id").toString())
      .put("side", side.wireName()).put("amountMinor", amount)
      .put("signedAmountMinor", side.effect(Side.fromCode(r.getString("normal_side")), amount))
      .put("balanceAfterMinor", r.getLong("balance_after_minor")).put("currency", r.getString("currency"))
      .put("description", r.getString("description")).put("createdBy", r.getString("created_by"));
  }

  /** RFC 4180: quote a cell holding a comma, quote or line break; a leading formula character is neutralised. */
  static String cell(String value) {
    if (value == null) {
      return "";
    }
    String v = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")
      ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }

  private static String nz(String v) {
    return v == null ? "" : v;
  }

  static String encode(OffsetDateTime postedAt, UUID transferId, UUID accountId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("tx:" + postedAt + "|" + transferId + "|" + accountId)
      .getBytes(StandardCharsets.UTF_8));
  }

  static Object[] decode(String cursor) {
    if (cursor == null) {
      return new Object[] {null, null, null};
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!raw.startsWith("tx:")) {
        throw new IllegalArgumentException(raw);
      }
      String[] parts = raw.substring(3).split("\\|");
      return new Object[] {OffsetDateTime.parse(parts[0]), UUID.fromString(parts[1]), UUID.fromString(parts[2])};
    } catch (RuntimeException e) {
      throw Problem.badRequest("invalid-cursor", "cursor", "The cursor is not one this API issued");
    }
  }
}
