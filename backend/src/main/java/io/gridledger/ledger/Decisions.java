package io.gridledger.ledger;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.gridledger.ledger.LedgerWriter.AccountState;
import io.gridledger.ledger.TransferResult.Status;

/**
 * Decides a batch in memory, in order, against the account states read under lock: each transfer is posted, found
 * already posted, or refused on its own; a refusal never affects the others. Accepted transfers move the working
 * balances, so later transfers in the batch see the earlier ones.
 */
final class Decisions {

  private final List<Transfer> transfers;
  private final LedgerWriter.Known known;
  private final List<Transfer> accepted = new ArrayList<>();
  private final Map<UUID, Transfer> acceptedById = new HashMap<>();
  private final Set<UUID> reversedNow = new HashSet<>();
  private final Map<UUID, AccountState> changed = new LinkedHashMap<>();
  private final List<UUID> legAccounts = new ArrayList<>();
  private final List<Long> legSeqs = new ArrayList<>();
  private final List<UUID> legTransfers = new ArrayList<>();
  private final List<String> legSides = new ArrayList<>();
  private final List<Long> legAmounts = new ArrayList<>();
  private final List<Long> legBalancesAfter = new ArrayList<>();
  /** Positions of each unlimited account's legs in the lists above, for {@link #rebase}. */
  private final Map<UUID, List<Integer>> unlimitedLegs = new HashMap<>();

  Decisions(List<Transfer> transfers, LedgerWriter.Known known) {
    this.transfers = transfers;
    this.known = known;
  }

  List<TransferResult> decide() {
    List<TransferResult> results = new ArrayList<>(transfers.size());
    for (Transfer t : transfers) {
      results.add(decide(t));
    }
    return results;
  }

  private TransferResult decide(Transfer t) {
    String problem = t.problem();
    if (problem != null) {
      return TransferResult.refused(t.id(), Status.INVALID, problem);
    }
    TransferResult replay = replay(t);
    if (replay != null) {
      return replay;
    }
    String accountProblem = accountProblem(t);
    if (accountProblem != null) {
      return TransferResult.refused(t.id(), Status.INVALID, accountProblem);
    }
    if (t.reversesTransferId() != null) {
      TransferResult reversal = reversalProblem(t);
      if (reversal != null) {
        return reversal;
      }
    }
    long[] after = new long[t.legs().size()];
    for (int i = 0; i < after.length; i++) {
      Transfer.Leg leg = t.legs().get(i);
      AccountState account = known.accounts().get(leg.accountId());
      try {
        after[i] = Math.addExact(account.balanceMinor, leg.side().effect(account.kind.normalSide(), leg.amountMinor()));
      } catch (ArithmeticException e) {
        return TransferResult.refused(t.id(), Status.INVALID, "account " + account.id + " would overflow");
      }
      if (account.kind.limited() && after[i] < -account.creditLimitMinor) {
        return TransferResult.refused(t.id(), Status.INSUFFICIENT_FUNDS, "account " + account.id
          + " would go below its credit limit (balance " + account.balanceMinor + ", limit " + account.creditLimitMinor + ")");
      }
    }
    accept(t, after);
    return new TransferResult(t.id(), Status.POSTED, null, null);
  }

  /** A transfer id seen before, in the database or earlier in this batch: a replay if the content is the same. */
  private TransferResult replay(Transfer t) {
    Row stored = known.existing().get(t.id());
    if (stored != null) {
      return stored.getString("hash").equals(t.contentHash())
        ? new TransferResult(t.id(), Status.ALREADY_POSTED, null, stored.getOffsetDateTime("posted_at"))
        : TransferResult.refused(t.id(), Status.ID_CONFLICT, "transfer " + t.id() + " was posted with other content");
    }
    Transfer earlier = acceptedById.get(t.id());
    if (earlier != null) {
      // Its posting time is filled in once the batch is written (same as the earlier one's).
      return earlier.contentHash().equals(t.contentHash())
        ? new TransferResult(t.id(), Status.ALREADY_POSTED, null, null)
        : TransferResult.refused(t.id(), Status.ID_CONFLICT, "transfer " + t.id() + " appears twice with other content");
    }
    return null;
  }

  private String accountProblem(Transfer t) {
    for (Transfer.Leg leg : t.legs()) {
      AccountState account = known.accounts().get(leg.accountId());
      if (account == null) {
        return "account " + leg.accountId() + " does not exist";
      }
      if (!account.siteId.equals(t.siteId()) || !account.currency.equals(t.currency())) {
        return "account " + leg.accountId() + " belongs to another site or currency";
      }
    }
    return null;
  }

  /** A reversal must mirror the original exactly, and each transfer is reversed at most once. */
  private TransferResult reversalProblem(Transfer t) {
    UUID original = t.reversesTransferId();
    List<Transfer.Leg> originalLegs = known.originalLegs().get(original);
    if (originalLegs == null) {
      return TransferResult.refused(t.id(), Status.INVALID, "transfer " + original + " to reverse does not exist");
    }
    Set<String> mirrored = new HashSet<>();
    originalLegs.forEach(l -> mirrored.add(l.accountId() + ":" + l.side().opposite() + ":" + l.amountMinor()));
    Set<String> given = new HashSet<>();
    t.legs().forEach(l -> given.add(l.accountId() + ":" + l.side() + ":" + l.amountMinor()));
    if (!mirrored.equals(given)) {
      return TransferResult.refused(t.id(), Status.INVALID, "a reversal must have the legs of " + original + " with sides swapped");
    }
    if (known.reversed().contains(original) || reversedNow.contains(original)) {
      return TransferResult.refused(t.id(), Status.ALREADY_REVERSED, "transfer " + original + " is already reversed");
    }
    return null;
  }

  private void accept(Transfer t, long[] after) {
    accepted.add(t);
    acceptedById.put(t.id(), t);
    if (t.reversesTransferId() != null) {
      reversedNow.add(t.reversesTransferId());
    }
    for (int i = 0; i < after.length; i++) {
      Transfer.Leg leg = t.legs().get(i);
      AccountState account = known.accounts().get(leg.accountId());
      account.balanceMinor = after[i];
      account.seq++;
      changed.put(account.id, account);
      if (!account.kind.limited()) {
        unlimitedLegs.computeIfAbsent(account.id, k -> new ArrayList<>()).add(legAccounts.size());
      }
      legAccounts.add(account.id);
      legSeqs.add(account.seq);
      legTransfers.add(t.id());
      legSides.add(leg.side().code());
      legAmounts.add(leg.amountMinor());
      legBalancesAfter.add(after[i]);
    }
  }

  /** Applies an unlimited account's locked balance and sequence to it and to its legs decided before the lock. */
  void rebase(UUID accountId, long lockedBalanceMinor, long lockedSeq) {
    long[] shift = changed.get(accountId).rebase(lockedBalanceMinor, lockedSeq);
    if (shift[0] == 0 && shift[1] == 0) {
      return;
    }
    for (int i : unlimitedLegs.getOrDefault(accountId, List.of())) {
      legSeqs.set(i, legSeqs.get(i) + shift[1]);
      legBalancesAfter.set(i, Math.addExact(legBalancesAfter.get(i), shift[0]));
    }
  }

  List<Transfer> accepted() {
    return accepted;
  }

  Collection<AccountState> changed() {
    return changed.values();
  }

  Tuple legColumns() {
    return Tuple.tuple().addArrayOfUUID(legAccounts.toArray(UUID[]::new)).addArrayOfLong(legSeqs.toArray(Long[]::new))
      .addArrayOfUUID(legTransfers.toArray(UUID[]::new)).addArrayOfString(legSides.toArray(String[]::new))
      .addArrayOfLong(legAmounts.toArray(Long[]::new)).addArrayOfLong(legBalancesAfter.toArray(Long[]::new));
  }
}
