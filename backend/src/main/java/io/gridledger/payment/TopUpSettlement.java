package io.gridledger.payment;

import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.TransferResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The top-up state machine, driven by authentic provider events, one transaction per event under a row lock on the
 * top-up: pending -> succeeded | failed | expired. Succeeded is final, and is the only state that credits; the credit
 * transfer's id is derived from the top-up, so however often and in whatever order events arrive (duplicates,
 * "expired" or "failed" after "completed", "completed" twice), the wallet is credited once or not at all. A verified
 * payment after "failed" or "expired" still credits (the provider has the money) and says so in its outcome.
 * Each event id is recorded once with what it did (payment_event); a repeat of the same event id does nothing.
 */
final class TopUpSettlement {

  private static final Logger LOG = LoggerFactory.getLogger(TopUpSettlement.class);
  private static final String FIND = "SELECT * FROM top_up WHERE provider = $1 AND (id = $2 OR checkout_id = $3) "
    + "ORDER BY id LIMIT 1 FOR UPDATE";
  private static final String RECORD = "INSERT INTO payment_event (provider, event_id, event_type, top_up_id, outcome) "
    + "VALUES ($1, $2, $3, $4, 'received') ON CONFLICT DO NOTHING RETURNING event_id";
  private static final String OUTCOME = "UPDATE payment_event SET outcome = $3 WHERE provider = $1 AND event_id = $2";
  private static final String SUCCEEDED = "UPDATE top_up SET state = 'succeeded', transfer_id = $2, "
    + "payment_id = coalesce($3, payment_id), completed_at = now(), updated_at = now() WHERE id = $1";
  private static final String ENDED = "UPDATE top_up SET state = $2, payment_id = coalesce($3, payment_id), "
    + "completed_at = now(), updated_at = now() WHERE id = $1 AND state = 'pending'";

  private record Result(String outcome, LedgerService.Posting posting) {
  }

  private static final LedgerService.Posting NOTHING = new LedgerService.Posting(List.of(), List.of());

  private final Pool pool;
  private final LedgerService ledger;

  TopUpSettlement(Pool pool, LedgerService ledger) {
    this.pool = pool;
    this.ledger = ledger;
  }

  /** Applies the event; answers what it did (credited, failed, expired, already-succeeded, duplicate-event, ...). */
  Future<String> apply(PaymentEvent event) {
    return pool.withTransaction(tx -> tx.preparedQuery(FIND)
        .execute(Tuple.of(event.provider(), event.topUpId(), event.checkoutId()))
        .compose(found -> record(tx, event, found)))
      .map(result -> {
        ledger.publish(result.posting());
        LOG.info("payment event provider={} event={} type={} topUp={} outcome={}", event.provider(), event.eventId(),
          event.type(), event.topUpId(), result.outcome());
        return result.outcome();
      });
  }

  private Future<Result> record(SqlConnection tx, PaymentEvent event, RowSet<Row> found) {
    TopUpRow topUp = found.size() == 0 ? null : TopUpRow.from(found.iterator().next());
    return tx.preparedQuery(RECORD).execute(Tuple.of(event.provider(), event.eventId(), event.type(),
        topUp == null ? null : topUp.id()))
      .compose(inserted -> {
        if (inserted.size() == 0) {
          return Future.succeededFuture(new Result("duplicate-event", NOTHING));
        }
        return decide(tx, event, topUp).compose(result -> tx.preparedQuery(OUTCOME)
          .execute(Tuple.of(event.provider(), event.eventId(), result.outcome())).map(v -> result));
      });
  }

  private Future<Result> decide(SqlConnection tx, PaymentEvent event, TopUpRow topUp) {
    if (topUp == null) {
      return done("unknown-top-up");
    }
    if (event.checkoutId() != null && topUp.checkoutId() != null && !event.checkoutId().equals(topUp.checkoutId())) {
      return done("checkout-mismatch");
    }
    return switch (event.kind()) {
      case SUCCEEDED -> succeed(tx, event, topUp);
      case FAILED -> end(tx, event, topUp, "failed");
      case EXPIRED -> end(tx, event, topUp, "expired");
      case IGNORED -> done("ignored");
    };
  }

  private Future<Result> succeed(SqlConnection tx, PaymentEvent event, TopUpRow topUp) {
    if (topUp.state().equals("succeeded")) {
      return done("already-succeeded");
    }
    boolean amountStated = event.amountMinor() != null && event.currency() != null;
    if (amountStated && (event.amountMinor() != topUp.amountMinor() || !event.currency().equals(topUp.currency()))) {
      LOG.warn("payment event amount differs topUp={} expected={} {} got={} {}", topUp.id(), topUp.amountMinor(),
        topUp.currency(), event.amountMinor(), event.currency());
      return done("amount-mismatch");
    }
    String outcome = topUp.state().equals("pending") ? "credited" : "credited-after-" + topUp.state();
    return ledger.postWithin(tx, List.of(topUp.credit("provider:" + event.provider()))).compose(posting -> {
      TransferResult credit = posting.results().get(0);
      if (!credit.succeeded()) {
        throw new IllegalStateException("top-up credit refused: " + credit.status() + " " + credit.detail());
      }
      return tx.preparedQuery(SUCCEEDED).execute(Tuple.of(topUp.id(), credit.transferId(), event.paymentId()))
        .map(v -> new Result(outcome, posting));
    });
  }

  private Future<Result> end(SqlConnection tx, PaymentEvent event, TopUpRow topUp, String state) {
    if (!topUp.state().equals("pending")) {
      return done("ignored-" + topUp.state());
    }
    return tx.preparedQuery(ENDED).execute(Tuple.of(topUp.id(), state, event.paymentId())).map(v -> new Result(state, NOTHING));
  }

  private static Future<Result> done(String outcome) {
    return Future.succeededFuture(new Result(outcome, NOTHING));
  }

  static JsonObject answer(String outcome) {
    return new JsonObject().put("received", true).put("outcome", outcome);
  }
}

