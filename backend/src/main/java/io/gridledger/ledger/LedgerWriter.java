package io.gridledger.ledger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Posts a batch of transfers inside the caller's transaction, in three round trips whatever the batch size.
 *
 * <ol>
 *   <li>Lock the limited accounts touched (wallets), in id order; read the unlimited ones (revenue, tax, clearing)
 *       without a lock; read which transfer ids and reversals exist. Decide every transfer in order in memory.</li>
 *   <li>Write the transfers and the wallets' new balances; only now lock the unlimited accounts, in id order.</li>
 *   <li>Rebase the unlimited accounts' legs on the balances read under that lock; write all legs and their balances.</li>
 * </ol>
 *
 * <p>Why: every deduction credits the same revenue account, so that row is the hot spot all batches queue on. Locking
 * it last keeps it held only for writing the legs and committing, so a second batch does its wallet work meanwhile.
 * Deadlock-free: every transaction takes limited accounts before unlimited ones, each group in id order, and whether
 * an account is limited never changes. Decisions only need the limited balances, which are locked.
 *
 * <p>Why this is safe under concurrency: the duplicate and reversal checks run after the wallet locks are held
 * (READ COMMITTED gives each statement a fresh snapshot), so a concurrent duplicate touching the same wallets is seen;
 * a duplicate id with other content elsewhere is caught by the primary key and the batch is retried by the caller
 * ({@link RetryableConflict}). The database refuses an over-limit balance and unbalanced legs whatever happens.
 */
final class LedgerWriter {

  /** Thrown when a concurrent transaction took a transfer id this batch meant to write; retry the batch. */
  static final class RetryableConflict extends RuntimeException {
    RetryableConflict(String message) {
      super(message, null, false, false);
    }
  }

  /** The outcome of one batch: a result per transfer (in order) and the accounts whose balance changed. */
  record Outcome(List<TransferResult> results, Collection<AccountState> changed) {
  }

  private static final String LOCK_LIMITED = "SELECT id, site_id, tenant_id, kind, currency, balance_minor, last_seq, "
    + "credit_limit_minor, low_balance_minor FROM ledger_account WHERE id = ANY($1) AND enforce_limit ORDER BY id FOR UPDATE";
  private static final String READ_UNLIMITED = "SELECT id, site_id, tenant_id, kind, currency, balance_minor, last_seq, "
    + "credit_limit_minor, low_balance_minor FROM ledger_account WHERE id = ANY($1) AND NOT enforce_limit";
  private static final String LOCK_UNLIMITED = "SELECT id, balance_minor, last_seq FROM ledger_account "
    + "WHERE id = ANY($1) ORDER BY id FOR UPDATE";
  private static final String EXISTING = "SELECT id, encode(content_hash, 'hex') AS hash, posted_at FROM ledger_transfer "
    + "WHERE id = ANY($1)";
  private static final String REVERSED = "SELECT reverses_transfer_id AS id FROM ledger_transfer "
    + "WHERE reverses_transfer_id = ANY($1)";
  private static final String ORIGINAL_LEGS = "SELECT l.transfer_id, l.account_id, l.side, l.amount_minor "
    + "FROM ledger_leg l WHERE l.transfer_id = ANY($1)";
  private static final String INSERT_TRANSFERS = "INSERT INTO ledger_transfer (id, site_id, currency, kind, description, "
    + "reverses_transfer_id, metadata, content_hash, created_by) SELECT u.id, u.site_id, u.currency, u.kind, u.description, "
    + "u.reverses, coalesce(u.metadata::jsonb, '{}'::jsonb), decode(u.hash, 'hex'), u.created_by FROM unnest($1::uuid[], $2::uuid[], $3::text[], "
    + "$4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[]) "
    + "AS u(id, site_id, currency, kind, description, reverses, metadata, hash, created_by) "
    + "ON CONFLICT (id) DO NOTHING RETURNING id, posted_at";
  private static final String INSERT_LEGS = "INSERT INTO ledger_leg (account_id, account_seq, transfer_id, side, "
    + "amount_minor, balance_after_minor, posted_at) SELECT u.a, u.s, u.t, u.side, u.amount, u.after, now() "
    + "FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::text[], $5::bigint[], $6::bigint[]) "
    + "AS u(a, s, t, side, amount, after)";
  // last_seq = prev_seq pairs the write with what was read under the lock: it can only fail if the invariant broke.
  private static final String UPDATE_BALANCES = "UPDATE ledger_account AS a SET balance_minor = u.balance, last_seq = u.seq "
    + "FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[]) AS u(id, balance, seq, prev_seq) "
    + "WHERE a.id = u.id AND a.last_seq = u.prev_seq";

  /** What the database holds for the batch's transfers, accounts and reversals, read under the account locks. */
  record Known(Map<UUID, AccountState> accounts, Map<UUID, Row> existing, java.util.Set<UUID> reversed,
                       Map<UUID, List<Transfer.Leg>> originalLegs) {
  }

  Future<Outcome> apply(SqlConnection tx, List<Transfer> transfers) {
    TreeSet<UUID> accountIds = new TreeSet<>();
    List<UUID> transferIds = new ArrayList<>();
    List<UUID> originals = new ArrayList<>();
    for (Transfer t : transfers) {
      if (t.problem() == null) {
        t.legs().forEach(l -> accountIds.add(l.accountId()));
        transferIds.add(t.id());
        if (t.reversesTransferId() != null) {
          originals.add(t.reversesTransferId());
        }
      }
    }
    if (transferIds.isEmpty()) {
      return Future.succeededFuture(new Outcome(new Decisions(transfers, emptyKnown()).decide(), List.of()));
    }
    // Pipelined on one connection: the existence checks run after the locks are granted, in a later snapshot.
    Tuple ids = Tuple.tuple().addArrayOfUUID(accountIds.toArray(UUID[]::new));
    Future<RowSet<Row>> locked = tx.preparedQuery(LOCK_LIMITED).execute(ids);
    Future<RowSet<Row>> unlimited = tx.preparedQuery(READ_UNLIMITED).execute(ids);
    Future<RowSet<Row>> existing = tx.preparedQuery(EXISTING).execute(Tuple.tuple().addArrayOfUUID(transferIds.toArray(UUID[]::new)));
    UUID[] originalIds = originals.toArray(UUID[]::new);
    Future<RowSet<Row>> reversed = originalIds.length == 0 ? Future.succeededFuture(null)
      : tx.preparedQuery(REVERSED).execute(Tuple.tuple().addArrayOfUUID(originalIds));
    Future<RowSet<Row>> originalLegs = originalIds.length == 0 ? Future.succeededFuture(null)
      : tx.preparedQuery(ORIGINAL_LEGS).execute(Tuple.tuple().addArrayOfUUID(originalIds));
    return Future.all(List.of(locked, unlimited, existing, reversed, originalLegs))
      .map(all -> known(locked.result(), unlimited.result(), existing.result(), reversed.result(), originalLegs.result()))
      .compose(known -> {
        Decisions decisions = new Decisions(transfers, known);
        List<TransferResult> results = decisions.decide();
        return write(tx, decisions).map(postedAt -> new Outcome(withPostedAt(results, postedAt), decisions.changed()));
      });
  }

  private static Known emptyKnown() {
    return new Known(Map.of(), Map.of(), java.util.Set.of(), Map.of());
  }

  private static Known known(RowSet<Row> locked, RowSet<Row> unlimited, RowSet<Row> existing, RowSet<Row> reversed,
                             RowSet<Row> originalLegs) {
    Map<UUID, AccountState> accounts = new HashMap<>();
    locked.forEach(row -> accounts.put(row.getUUID("id"), AccountState.from(row)));
    unlimited.forEach(row -> accounts.put(row.getUUID("id"), AccountState.from(row)));
    Map<UUID, Row> found = new HashMap<>();
    existing.forEach(row -> found.put(row.getUUID("id"), row));
    java.util.Set<UUID> reversedIds = new java.util.HashSet<>();
    if (reversed != null) {
      reversed.forEach(row -> reversedIds.add(row.getUUID("id")));
    }
    Map<UUID, List<Transfer.Leg>> legs = new HashMap<>();
    if (originalLegs != null) {
      originalLegs.forEach(row -> legs.computeIfAbsent(row.getUUID("transfer_id"), k -> new ArrayList<>())
        .add(new Transfer.Leg(row.getUUID("account_id"), Side.fromCode(row.getString("side")), row.getLong("amount_minor"))));
    }
    return new Known(accounts, found, reversedIds, legs);
  }

  /** Writes the accepted transfers, their legs and the new balances; answers each new transfer's posting time. */
  private static Future<Map<UUID, OffsetDateTime>> write(SqlConnection tx, Decisions decisions) {
    List<Transfer> accepted = decisions.accepted();
    if (accepted.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Future<RowSet<Row>> transfers = tx.preparedQuery(INSERT_TRANSFERS).execute(transferColumns(accepted));
    List<AccountState> limited = decisions.changed().stream().filter(a -> a.kind.limited()).toList();
    List<AccountState> unlimited = decisions.changed().stream().filter(a -> !a.kind.limited()).toList();
    Future<RowSet<Row>> limitedBalances = limited.isEmpty() ? Future.succeededFuture(null)
      : tx.preparedQuery(UPDATE_BALANCES).execute(balanceColumns(limited));
    Future<RowSet<Row>> hot = unlimited.isEmpty() ? Future.succeededFuture(null)
      : tx.preparedQuery(LOCK_UNLIMITED).execute(Tuple.tuple().addArrayOfUUID(unlimited.stream().map(a -> a.id)
        .sorted().toArray(UUID[]::new)));
    return Future.all(transfers, limitedBalances, hot)
      .recover(e -> Future.failedFuture(transfers.succeeded() ? conflictOr(transfers.result(), accepted, e) : e))
      .compose(all -> {
        if (transfers.result().rowCount() != accepted.size()) {
          return Future.failedFuture(conflictOr(transfers.result(), accepted, null));
        }
        checkUpdated(limitedBalances.result(), limited.size());
        if (hot.result() != null) {
          hot.result().forEach(row -> decisions.rebase(row.getUUID("id"), row.getLong("balance_minor"), row.getLong("last_seq")));
        }
        Future<RowSet<Row>> legs = tx.preparedQuery(INSERT_LEGS).execute(decisions.legColumns());
        Future<RowSet<Row>> hotBalances = unlimited.isEmpty() ? Future.succeededFuture(null)
          : tx.preparedQuery(UPDATE_BALANCES).execute(balanceColumns(unlimited));
        return Future.all(legs, hotBalances).map(done -> {
          checkUpdated(hotBalances.result(), unlimited.size());
          Map<UUID, OffsetDateTime> postedAt = new HashMap<>();
          transfers.result().forEach(row -> postedAt.put(row.getUUID("id"), row.getOffsetDateTime("posted_at")));
          return postedAt;
        });
      });
  }

  private static void checkUpdated(RowSet<Row> updated, int expected) {
    if (updated != null && updated.rowCount() != expected) {
      throw new IllegalStateException("ledger invariant broken: an account changed while locked");
    }
  }

  private static Throwable conflictOr(RowSet<Row> inserted, List<Transfer> accepted, Throwable otherwise) {
    return inserted.rowCount() != accepted.size()
      ? new RetryableConflict("a concurrent transaction posted one of this batch's transfer ids") : otherwise;
  }

  private static List<TransferResult> withPostedAt(List<TransferResult> results, Map<UUID, OffsetDateTime> postedAt) {
    List<TransferResult> out = new ArrayList<>(results.size());
    for (TransferResult r : results) {
      boolean fresh = r.postedAt() == null && r.succeeded();
      out.add(fresh ? new TransferResult(r.transferId(), r.status(), r.detail(), postedAt.get(r.transferId())) : r);
    }
    return out;
  }

  private static Tuple transferColumns(List<Transfer> accepted) {
    int n = accepted.size();
    UUID[] ids = new UUID[n];
    UUID[] sites = new UUID[n];
    String[] currencies = new String[n];
    String[] kinds = new String[n];
    String[] descriptions = new String[n];
    UUID[] reverses = new UUID[n];
    String[] metadata = new String[n];
    String[] hashes = new String[n];
    String[] createdBy = new String[n];
    for (int i = 0; i < n; i++) {
      Transfer t = accepted.get(i);
      ids[i] = t.id();
      sites[i] = t.siteId();
      currencies[i] = t.currency();
      kinds[i] = t.kind();
      descriptions[i] = t.description();
      reverses[i] = t.reversesTransferId();
      metadata[i] = t.metadata().isEmpty() ? null : t.metadata().encode();
      hashes[i] = t.contentHash();
      createdBy[i] = t.createdBy();
    }
    return Tuple.tuple().addArrayOfUUID(ids).addArrayOfUUID(sites).addArrayOfString(currencies)
      .addArrayOfString(kinds).addArrayOfString(descriptions).addArrayOfUUID(reverses).addArrayOfString(metadata)
      .addArrayOfString(hashes).addArrayOfString(createdBy);
  }

  private static Tuple balanceColumns(List<AccountState> changed) {
    int n = changed.size();
    UUID[] ids = new UUID[n];
    Long[] balances = new Long[n];
    Long[] seqs = new Long[n];
    Long[] previous = new Long[n];
    int i = 0;
    for (AccountState a : changed) {
      ids[i] = a.id;
      balances[i] = a.balanceMinor;
      seqs[i] = a.seq;
      previous[i++] = a.startSeq;
    }
    return Tuple.tuple().addArrayOfUUID(ids).addArrayOfLong(balances).addArrayOfLong(seqs).addArrayOfLong(previous);
  }

  /** An account's state while a batch is decided: what was read under the lock, then moved leg by leg. */
  static final class AccountState {
    final UUID id;
    final UUID siteId;
    final UUID tenantId;
    final AccountKind kind;
    final String currency;
    final long creditLimitMinor;
    final long lowBalanceMinor;
    long startSeq;
    long startBalanceMinor;
    long balanceMinor;
    long seq;

    private AccountState(Row row) {
      id = row.getUUID("id");
      siteId = row.getUUID("site_id");
      tenantId = row.getUUID("tenant_id");
      kind = AccountKind.fromWire(row.getString("kind"));
      currency = row.getString("currency");
      creditLimitMinor = row.getLong("credit_limit_minor");
      lowBalanceMinor = row.getLong("low_balance_minor");
      startSeq = row.getLong("last_seq");
      startBalanceMinor = row.getLong("balance_minor");
      balanceMinor = startBalanceMinor;
      seq = startSeq;
    }

    static AccountState from(Row row) {
      return new AccountState(row);
    }

    /**
     * Moves the account's working state onto what was read under its lock (an unlimited account is read unlocked
     * first): answers the shift of its sequence and balance, to apply to its legs decided meanwhile.
     */
    long[] rebase(long lockedBalanceMinor, long lockedSeq) {
      long[] shift = {Math.subtractExact(lockedBalanceMinor, startBalanceMinor), lockedSeq - startSeq};
      startBalanceMinor = lockedBalanceMinor;
      startSeq = lockedSeq;
      balanceMinor = Math.addExact(balanceMinor, shift[0]);
      seq += shift[1];
      return shift;
    }

    /** The live-balance message for a tenant's account (gridledger.live.balance). */
    JsonObject balanceEvent() {
      return new JsonObject().put("siteId", siteId.toString()).put("tenantId", tenantId.toString())
        .put("accountId", id.toString()).put("kind", kind.wireName()).put("balanceMinor", balanceMinor)
        .put("currency", currency)
        .put("status", LedgerAccount.status(kind, balanceMinor, creditLimitMinor, lowBalanceMinor));
    }
  }

}
