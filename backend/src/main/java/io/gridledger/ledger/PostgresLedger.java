package io.gridledger.ledger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/** The ledger on PostgreSQL: transactions, bounded retries, chunking and the live balance messages around {@link LedgerWriter}. */
public final class PostgresLedger implements LedgerService {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresLedger.class);
  /** Attempts of one batch when a concurrent transaction took one of its ids, or PostgreSQL chose it as a deadlock victim. */
  private static final int MAX_ATTEMPTS = 3;
  private static final String ORIGINAL = "SELECT t.site_id, t.currency, t.kind, l.account_id, l.side, l.amount_minor "
    + "FROM ledger_transfer t JOIN ledger_leg l ON l.transfer_id = t.id WHERE t.id = $1";

  private final Vertx vertx;
  private final Pool pool;
  private final int maxBatchTransfers;
  private final LedgerWriter writer = new LedgerWriter();
  private final LedgerAccounts accounts;

  /** {@code ledgerConfig} is the {@code ledger} configuration section. */
  public PostgresLedger(Vertx vertx, Pool pool, JsonObject ledgerConfig) {
    this.vertx = vertx;
    this.pool = pool;
    this.maxBatchTransfers = Math.max(1, ledgerConfig.getInteger("maxBatchTransfers"));
    this.accounts = new LedgerAccounts(pool, ledgerConfig.getLong("walletCreditLimitMinor"),
      ledgerConfig.getLong("walletLowBalanceMinor"));
  }

  @Override
  public Future<TransferResult> post(Transfer transfer) {
    return postBatch(List.of(transfer)).map(results -> results.get(0));
  }

  @Override
  public Future<List<TransferResult>> postBatch(List<Transfer> transfers) {
    List<TransferResult> results = new ArrayList<>(transfers.size());
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < transfers.size(); from += maxBatchTransfers) {
      List<Transfer> chunk = transfers.subList(from, Math.min(transfers.size(), from + maxBatchTransfers));
      chain = chain.compose(v -> postChunk(chunk).map(posting -> {
        results.addAll(posting.results());
        publish(posting);
        return null;
      }));
    }
    return chain.map(v -> results);
  }

  private Future<Posting> postChunk(List<Transfer> chunk) {
    return withRetry(() -> pool.withTransaction(tx -> postWithin(tx, chunk)), 1);
  }

  @Override
  public Future<Posting> postWithin(SqlConnection tx, List<Transfer> transfers) {
    if (transfers.size() > maxBatchTransfers) {
      return Future.failedFuture(new IllegalArgumentException("at most " + maxBatchTransfers + " transfers per transaction"));
    }
    return writer.apply(tx, transfers).map(outcome -> {
      List<JsonObject> events = new ArrayList<>();
      outcome.changed().stream().filter(a -> a.tenantId != null).forEach(a -> events.add(a.balanceEvent()));
      return new Posting(outcome.results(), events);
    });
  }

  @Override
  public void publish(Posting posting) {
    posting.balanceEvents().forEach(event -> vertx.eventBus().publish(BALANCE_ADDRESS, event));
  }

  private static <T> Future<T> withRetry(Supplier<Future<T>> attempt, int attemptNumber) {
    return attempt.get().recover(e -> {
      boolean retryable = e instanceof LedgerWriter.RetryableConflict || (e instanceof PgException pg
        && ("40001".equals(pg.getSqlState()) || "40P01".equals(pg.getSqlState())));
      if (!retryable || attemptNumber >= MAX_ATTEMPTS) {
        return Future.failedFuture(e);
      }
      LOG.info("ledger batch retried attempt={} reason={}", attemptNumber + 1, e.getMessage());
      return withRetry(attempt, attemptNumber + 1);
    });
  }

  @Override
  public Future<TransferResult> reverse(UUID reversalId, UUID originalId, String reason, String createdBy) {
    return pool.preparedQuery(ORIGINAL).execute(Tuple.of(originalId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(TransferResult.refused(reversalId, TransferResult.Status.INVALID,
          "transfer " + originalId + " to reverse does not exist"));
      }
      List<Transfer.Leg> legs = new ArrayList<>();
      Row first = rows.iterator().next();
      rows.forEach(r -> legs.add(new Transfer.Leg(r.getUUID("account_id"), Side.fromCode(r.getString("side")),
        r.getLong("amount_minor"))));
      Transfer original = new Transfer(originalId, first.getUUID("site_id"), first.getString("currency"),
        first.getString("kind"), legs, null, null, null, createdBy);
      return post(Transfer.reversalOf(reversalId, original, reason, createdBy));
    });
  }

  @Override
  public Future<TenantAccounts> openTenantAccounts(UUID siteId, UUID tenantId) {
    return accounts.openTenantAccounts(siteId, tenantId);
  }

  @Override
  public Future<Integer> openAccountsForSite(UUID siteId) {
    return accounts.openAccountsForSite(siteId);
  }

  @Override
  public Future<LedgerAccount> openSiteAccount(UUID siteId, AccountKind kind, String qualifier) {
    return accounts.openSiteAccount(siteId, kind, qualifier);
  }

  @Override
  public Future<LedgerAccount> account(UUID accountId) {
    return accounts.account(accountId);
  }

  @Override
  public Future<LedgerAccount> setWalletLimits(UUID accountId, long creditLimitMinor, long lowBalanceMinor) {
    return accounts.setWalletLimits(accountId, creditLimitMinor, lowBalanceMinor);
  }
}
