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
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Refunds and reversals of payments. A refund gives money back (debit receivable, credit cash clearing): first from
 * the payment's unapplied credit, then by taking back its newest allocations, which reopens those invoices. A
 * reversal undoes a mistaken payment with the ledger's reversing transfer and reopens everything it paid; a payment
 * that has refunds is not reversed (refunded money has left; reverse the refunds' effect with an adjustment).
 * Both run under the tenant's lock and the payment's row lock.
 */
final class Refunds {

  private static final String BY_KEY = "SELECT request_hash, response FROM payment_refund WHERE payment_id = $1 "
    + "AND idempotency_key = $2";
  private static final String LOCK = "SELECT " + Payments.COLUMNS + " FROM tenant_payment p WHERE p.id = $1 FOR UPDATE";

  private final Pool pool;
  private final LedgerService ledger;

  Refunds(Pool pool, LedgerService ledger) {
    this.pool = pool;
    this.ledger = ledger;
  }

  Future<Payments.Answer> refund(TenantRef tenant, UUID paymentId, String key, JsonObject body, String createdBy) {
    long amount = body.getLong("amountMinor");
    String reason = body.getString("reason").strip();
    if (reason.isEmpty()) {
      throw Problem.unprocessable("invalid-refund", "/reason", "A reason is required");
    }
    String hash = CanonicalJson.sha256Hex(CanonicalJson.of(body));
    LocalDate today = tenant.today();
    LedgerService.Posting[] posting = {null};
    return SiteAccounts.open(ledger, tenant.siteId(), tenant.id(), Set.of()).compose(accounts ->
      pool.withTransaction(tx -> Allocations.lockTenant(tx, tenant.id())
        .compose(v -> tx.preparedQuery(LOCK).execute(Tuple.of(paymentId)))
        .compose(locked -> tx.preparedQuery(BY_KEY).execute(Tuple.of(paymentId, key)).compose(existing -> {
          if (existing.size() > 0) {
            return Payments.replay(tx, BY_KEY, Tuple.of(paymentId, key), hash, "refund of this payment");
          }
          Row p = locked.iterator().next();
          if ("reversed".equals(p.getString("state"))) {
            throw Problem.unprocessable("payment-reversed", null, "The payment was reversed; nothing is left to refund");
          }
          long refundable = p.getLong("amount_minor") - p.getLong("refunded_minor");
          if (amount > refundable) {
            throw Problem.unprocessable("refund-exceeds-payment", "/amountMinor", "At most " + refundable
              + " of this payment can still be refunded");
          }
          UUID refundId = UUID.randomUUID();
          UUID transferId = UUID.nameUUIDFromBytes(("gridledger-refund|" + refundId).getBytes(StandardCharsets.UTF_8));
          long fromCredit = Math.min(amount, p.getLong("unallocated_minor"));
          Transfer transfer = new Transfer(transferId, tenant.siteId(), tenant.currency(), "refund",
            List.of(Transfer.Leg.debit(accounts.receivable(), amount), Transfer.Leg.credit(accounts.cashClearing(), amount)),
            null, reason, new JsonObject().put("paymentId", paymentId.toString()).put("refundId", refundId.toString())
              .put("businessDate", today.toString()), createdBy);
          return Allocations.release(tx, paymentId, amount - fromCredit).compose(reopened ->
            tx.preparedQuery("UPDATE tenant_payment SET unallocated_minor = unallocated_minor - $2, "
                + "refunded_minor = refunded_minor + $3 WHERE id = $1").execute(Tuple.of(paymentId, fromCredit, amount))
              .compose(v -> ledger.postWithin(tx, List.of(transfer)))
              .compose(result -> {
                if (!result.results().get(0).succeeded()) {
                  throw new IllegalStateException("refund transfer refused: " + result.results().get(0));
                }
                posting[0] = result;
                JsonArray reopenedJson = new JsonArray();
                reopened.forEach(a -> reopenedJson.add(new JsonObject().put("documentId", a.documentId().toString())
                  .put("amountMinor", a.amountMinor())));
                JsonObject json = new JsonObject().put("id", refundId.toString()).put("paymentId", paymentId.toString())
                  .put("tenantId", tenant.id().toString()).put("amountMinor", amount).put("currency", tenant.currency())
                  .put("reason", reason).put("refundedOn", today.toString()).put("fromCreditMinor", fromCredit)
                  .put("reopened", reopenedJson).put("transferId", transferId.toString()).put("createdBy", createdBy);
                return tx.preparedQuery("INSERT INTO payment_refund (id, payment_id, site_id, tenant_id, amount_minor, "
                    + "reason, refunded_on, transfer_id, idempotency_key, request_hash, response, created_by) "
                    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                  .execute(Tuple.from(new Object[] {refundId, paymentId, tenant.siteId(), tenant.id(), amount, reason,
                    today, transferId, key, hash, json.encode(), createdBy}))
                  .map(new Payments.Answer(json.encode(), false));
              }));
        })))).onSuccess(a -> {
          if (posting[0] != null) {
            ledger.publish(posting[0]);
          }
        });
  }

  /** Reverses the payment (a replay of a reversal answers the reversed payment again). */
  Future<JsonObject> reverse(TenantRef tenant, UUID paymentId, String reason, String createdBy) {
    LocalDate today = tenant.today();
    LedgerService.Posting[] posting = {null};
    return SiteAccounts.open(ledger, tenant.siteId(), tenant.id(), Set.of()).compose(accounts ->
      pool.withTransaction(tx -> Allocations.lockTenant(tx, tenant.id())
        .compose(v -> tx.preparedQuery(LOCK).execute(Tuple.of(paymentId)))
        .compose(locked -> {
          Row p = locked.iterator().next();
          if ("reversed".equals(p.getString("state"))) {
            return Payments.load(tx, paymentId);
          }
          if (p.getLong("refunded_minor") > 0) {
            throw Problem.unprocessable("payment-refunded", null, "A payment with refunds is not reversed");
          }
          long amount = p.getLong("amount_minor");
          UUID original = p.getUUID("transfer_id");
          UUID reversalId = UUID.nameUUIDFromBytes(("gridledger-payment-reversal|" + paymentId).getBytes(StandardCharsets.UTF_8));
          Transfer reversal = new Transfer(reversalId, tenant.siteId(), tenant.currency(), "reversal",
            List.of(Transfer.Leg.credit(accounts.cashClearing(), amount), Transfer.Leg.debit(accounts.receivable(), amount)),
            original, reason, new JsonObject().put("reversedKind", "payment").put("paymentId", paymentId.toString())
              .put("businessDate", today.toString()), createdBy);
          return Allocations.release(tx, paymentId, amount)
            .compose(v -> ledger.postWithin(tx, List.of(reversal)))
            .compose(result -> {
              if (!result.results().get(0).succeeded()) {
                throw new IllegalStateException("payment reversal refused: " + result.results().get(0));
              }
              posting[0] = result;
              return tx.preparedQuery("UPDATE tenant_payment SET state = 'reversed', unallocated_minor = 0, "
                + "reversal_transfer_id = $2, reversed_on = $3, reversal_reason = $4 WHERE id = $1")
                .execute(Tuple.of(paymentId, reversalId, today, reason));
            })
            .compose(v -> Payments.load(tx, paymentId));
        }))).onSuccess(a -> {
          if (posting[0] != null) {
            ledger.publish(posting[0]);
          }
        });
  }

}
