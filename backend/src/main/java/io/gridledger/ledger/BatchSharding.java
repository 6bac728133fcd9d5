package io.gridledger.ledger;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Splits a batch into shards that can be posted at the same time: transfers whose limited accounts (wallets) hash to
 * the same shard stay together and in order, so each wallet still sees its transfers in the order given, and shards
 * never wait for each other's wallet locks (only, briefly, for the hot unlimited accounts, which are locked last).
 * Transfers whose wallets fall into different shards form a last group, posted after the shards.
 *
 * <p>Whether an account is limited never changes, so it is cached (bounded) after one lookup.
 */
final class BatchSharding {

  private static final int MAX_CACHED_ACCOUNTS = 200_000;
  private static final String LIMITED = "SELECT id, enforce_limit FROM ledger_account WHERE id = ANY($1)";

  private final Pool pool;
  private final Map<UUID, Boolean> limited = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
      return size() > MAX_CACHED_ACCOUNTS;
    }
  });

  BatchSharding(Pool pool) {
    this.pool = pool;
  }

  /** Index lists into {@code transfers}: {@code shards} lists to post concurrently, then one to post after them. */
  Future<List<List<Integer>>> split(List<Transfer> transfers, int shards) {
    Set<UUID> unknown = new HashSet<>();
    for (Transfer t : transfers) {
      for (Transfer.Leg leg : t.legs()) {
        if (leg != null && leg.accountId() != null && !limited.containsKey(leg.accountId())) {
          unknown.add(leg.accountId());
        }
      }
    }
    Future<Void> known = unknown.isEmpty() ? Future.succeededFuture()
      : pool.preparedQuery(LIMITED).execute(Tuple.tuple().addArrayOfUUID(unknown.toArray(UUID[]::new)))
        .map(rows -> {
          rows.forEach(row -> limited.put(row.getUUID("id"), row.getBoolean("enforce_limit")));
          return null;
        });
    return known.map(v -> assign(transfers, shards));
  }

  private List<List<Integer>> assign(List<Transfer> transfers, int shards) {
    List<List<Integer>> groups = new ArrayList<>();
    for (int i = 0; i <= shards; i++) {
      groups.add(new ArrayList<>());
    }
    int roundRobin = 0;
    for (int i = 0; i < transfers.size(); i++) {
      int shard = -1;
      boolean mixed = false;
      for (Transfer.Leg leg : transfers.get(i).legs()) {
        if (leg == null || leg.accountId() == null || !Boolean.TRUE.equals(limited.get(leg.accountId()))) {
          continue;
        }
        int s = Math.floorMod(leg.accountId().hashCode(), shards);
        mixed |= shard >= 0 && shard != s;
        shard = s;
      }
      // No wallet involved: any shard will do. Wallets in two shards: after the shards, so order per wallet holds.
      groups.get(mixed ? shards : shard >= 0 ? shard : roundRobin++ % shards).add(i);
    }
    return groups;
  }
}
