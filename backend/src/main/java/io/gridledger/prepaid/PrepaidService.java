package io.gridledger.prepaid;

import io.gridledger.alarm.AlarmService;
import io.gridledger.control.RelayControl;
import io.gridledger.ledger.LedgerService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * The prepaid loop: every {@code prepaid.scanIntervalMs}, charge new intervals ({@link PrepaidCharger}) and apply
 * the policy ({@link PrepaidPolicy}). The whole round runs under a transaction-scoped advisory lock, so with several
 * instances only one does it at a time (the others skip that round). Rounds never overlap on one instance.
 */
public final class PrepaidService extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PrepaidService.class);
  private static final String LOCK = "gridledger.prepaid";

  private final Pool pool;
  private final LedgerService ledger;
  private final PrepaidSettings settings;
  private final PrepaidCharger charger;
  private final PrepaidPolicy policy;
  private long timer = -1;
  private boolean running;

  public PrepaidService(Pool pool, LedgerService ledger, AlarmService alarms, RelayControl relays, JsonObject section,
                        Clock clock) {
    this.pool = pool;
    this.ledger = ledger;
    this.settings = PrepaidSettings.from(section);
    this.charger = new PrepaidCharger(ledger, new IntervalRating(pool), settings);
    this.policy = new PrepaidPolicy(pool, alarms, relays, settings, clock);
  }

  @Override
  public Future<?> start() {
    if (settings.enabled()) {
      timer = vertx.setPeriodic(settings.scanInterval().toMillis(), id -> {
        if (!running) {
          running = true;
          runOnce().onComplete(ar -> {
            running = false;
            if (ar.failed()) {
              LOG.warn("prepaid round failed: {}", ar.cause().toString());
            }
          });
        }
      });
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }

  /** One round: charge, publish the new balances, apply the policy. Answers false when another instance holds it. */
  public Future<Boolean> runOnce() {
    LedgerService.Posting[] posted = new LedgerService.Posting[1];
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked")
        .execute(Tuple.of(LOCK)).compose(rows -> {
          if (!rows.iterator().next().getBoolean("locked")) {
            return Future.succeededFuture(false);
          }
          return charger.scan(tx).compose(posting -> {
            posted[0] = posting;
            return policyAfterCharges(posting);
          }).map(true);
        }))
      .onSuccess(ran -> {
        if (posted[0] != null) {
          ledger.publish(posted[0]);
        }
      });
  }

  /**
   * The policy reads balances through the pool, so it must see this round's deductions: they commit with the round's
   * transaction, so the policy runs on what was committed before (the next round sees these). That lag of one round
   * is far below any grace period.
   */
  private Future<Void> policyAfterCharges(LedgerService.Posting posting) {
    return policy.check();
  }
}
