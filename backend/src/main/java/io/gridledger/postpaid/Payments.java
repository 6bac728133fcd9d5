package io.gridledger.postpaid;

import io.gridledger.api.Problem;
import io.gridledger.ledger.CanonicalJson;
import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.Transfer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Payments an operator records (cash desk, bank transfer, online), idempotent per tenant and Idempotency-Key: the
 * first request inserts the payment (its unique key makes concurrent duplicates wait for its commit), allocates it
 * and posts debit cash clearing / credit receivable in the same transaction, and stores its answer; every later
 * request with that key gets the stored answer back byte for byte, or 422 when its body differs.
 */
final class Payments {

  /** A response body and whether it replays an earlier request's. */
  record Answer(String body, boolean replayed) {
  }

  static final String COLUMNS = "p.id, p.site_id, p.tenant_id, p.method, p.amount_minor, p.currency, p.received_on, "
    + "p.reference, p.unallocated_minor, p.refunded_minor, p.state, p.transfer_id, p.reversal_transfer_id, "
    + "p.reversed_on, p.reversal_reason, p.created_by, p.created_at";
  private static final String INSERT = "INSERT INTO tenant_payment AS p (id, site_id, tenant_id, method, amount_minor, "
    + "currency, received_on, reference, unallocated_minor, transfer_id, idempotency_key, request_hash, created_by) "
    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $5, $9, $10, $11, $12) "
    + "ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING p.id";
  private static final String BY_KEY = "SELECT request_hash, response FROM tenant_payment WHERE tenant_id = $1 "
    + "AND idempotency_key = $2";

  private final Pool pool;
  private final LedgerService ledger;

  Payments(Pool pool, LedgerService ledger) {
    this.pool = pool;
    this.ledger = ledger;
  }

  Future<Answer> record(TenantRef tenant, String key, JsonObject body, String createdBy) {
    long amount = body.getLong("amountMinor");
    String method = body.getString("method");
    LocalDate receivedOn = body.getString("receivedOn") == null ? tenant.today()
      : LocalDate.parse(body.getString("receivedOn"));
    List<UUID> chosen = new ArrayList<>();
    JsonArray ids = body.getJsonArray("invoiceIds");
    if (ids != null) {
      ids.forEach(id -> chosen.add(UUID.fromString((String) id)));
      if (Set.copyOf(chosen).size() != chosen.size()) {
        throw Problem.unprocessable("invalid-allocation", "/invoiceIds", "An invoice is named twice");
      }
    }
    String hash = CanonicalJson.sha256Hex(CanonicalJson.of(body));
    UUID paymentId = UUID.randomUUID();
    UUID transferId = UUID.nameUUIDFromBytes(("gridledger-payment|" + paymentId).getBytes(StandardCharsets.UTF_8));
    Tuple insert = Tuple.from(new Object[] {paymentId, tenant.siteId(), tenant.id(), method, amount, tenant.currency(),
      receivedOn, body.getString("reference"), transferId, key, hash, createdBy});
    return SiteAccounts.open(ledger, tenant.siteId(), tenant.id(), Set.of()).compose(accounts -> {
      LedgerService.Posting[] posting = {null};
      return pool.withTransaction(tx -> tx.preparedQuery(INSERT).execute(insert).compose(rows -> {
        if (rows.size() == 0) {
          return replay(tx, BY_KEY, Tuple.of(tenant.id(), key), hash, "payment of this tenant");
        }
        Transfer transfer = new Transfer(transferId, tenant.siteId(), tenant.currency(), "payment",
          List.of(Transfer.Leg.debit(accounts.cashClearing(), amount), Transfer.Leg.credit(accounts.receivable(), amount)),
          null, "Payment (" + method + ")", new JsonObject().put("paymentId", paymentId.toString()).put("method", method)
            .put("businessDate", receivedOn.toString()), createdBy);
        return Allocations.lockTenant(tx, tenant.id())
          .compose(v -> allocate(tx, tenant.id(), paymentId, amount, chosen))
          .compose(v -> ledger.postWithin(tx, List.of(transfer)))
          .compose(p -> {
            if (!p.results().get(0).succeeded()) {
              throw new IllegalStateException("payment transfer refused: " + p.results().get(0));
            }
            posting[0] = p;
            return load(tx, paymentId);
          })
          .compose(json -> tx.preparedQuery("UPDATE tenant_payment SET response = $2 WHERE id = $1")
            .execute(Tuple.of(paymentId, json.encode())).map(new Answer(json.encode(), false)));
      })).onSuccess(a -> {
        if (posting[0] != null) {
          ledger.publish(posting[0]);
        }
      });
    });
  }

  /** Oldest open invoices first, or the invoices chosen, in the order given; what is left is tenant credit. */
  private Future<Void> allocate(SqlConnection tx, UUID tenantId, UUID paymentId, long amount, List<UUID> chosen) {
    return Allocations.openInvoices(tx, tenantId).compose(open -> {
      List<Allocations.OpenInvoice> targets = open;
      if (!chosen.isEmpty()) {
        targets = new ArrayList<>();
        for (UUID id : chosen) {
          Allocations.OpenInvoice match = open.stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow(() ->
            Problem.unprocessable("invalid-allocation", "/invoiceIds", "Invoice " + id + " is not an open invoice of this tenant"));
          targets.add(match);
        }
      }
      return Allocations.write(tx, tenantId, Allocations.spread(paymentId, amount, targets));
    });
  }

  /** The stored first answer for a key, or 422 when the request differs from the first. */
  static Future<Answer> replay(SqlConnection tx, String byKey, Tuple key, String hash, String what) {
    return tx.preparedQuery(byKey).execute(key).map(rows -> {
      Row row = rows.iterator().next();
      if (!row.getString("request_hash").equals(hash)) {
        throw Problem.unprocessable("idempotency-key-reused", null,
          "This Idempotency-Key was used for a different " + what);
      }
      return new Answer(row.getString("response"), true);
    });
  }

  /** The payment as it is now, with its allocations. */
  static Future<JsonObject> load(SqlConnection conn, UUID paymentId) {
    return conn.preparedQuery("SELECT " + COLUMNS + " FROM tenant_payment p WHERE p.id = $1").execute(Tuple.of(paymentId))
      .compose(rows -> conn.preparedQuery("SELECT a.document_id, d.number, a.amount_minor FROM payment_allocation a "
          + "JOIN receivable_document d ON d.id = a.document_id WHERE a.payment_id = $1 AND a.amount_minor > 0 ORDER BY a.id")
        .execute(Tuple.of(paymentId)).map(allocations -> toJson(rows.iterator().next(), allocations)));
  }

  private static JsonObject toJson(Row p, Iterable<Row> allocations) {
    JsonArray items = new JsonArray();
    for (Row a : allocations) {
      items.add(new JsonObject().put("documentId", a.getUUID("document_id").toString()).put("number", a.getString("number"))
        .put("amountMinor", a.getLong("amount_minor")));
    }
    return new JsonObject().put("id", p.getUUID("id").toString()).put("siteId", p.getUUID("site_id").toString())
      .put("tenantId", p.getUUID("tenant_id").toString()).put("method", p.getString("method"))
      .put("amountMinor", p.getLong("amount_minor")).put("currency", p.getString("currency"))
      .put("receivedOn", p.getLocalDate("received_on").toString()).put("reference", p.getString("reference"))
      .put("allocations", items).put("creditMinor", p.getLong("unallocated_minor"))
      .put("refundedMinor", p.getLong("refunded_minor")).put("state", p.getString("state"))
      .put("transferId", p.getUUID("transfer_id").toString())
      .put("reversalTransferId", p.getUUID("reversal_transfer_id") == null ? null : p.getUUID("reversal_transfer_id").toString())
      .put("reversedOn", p.getLocalDate("reversed_on") == null ? null : p.getLocalDate("reversed_on").toString())
      .put("reversalReason", p.getString("reversal_reason"))
      .put("createdBy", p.getString("created_by"))
      .put("createdAt", io.gridledger.api.Requests.timestamp(p.getOffsetDateTime("created_at")));
  }
}
