package io.gridledger.ledger;

import io.gridledger.api.Requests;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;

import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The auditor's check of a site's ledger, from the legs themselves, in one snapshot: debits equal credits per
 * currency; every account's stored balance equals the sum of its legs, its leg count equals its sequence, each
 * leg's running balance is the one before plus the leg, and the last one equals its balance; every transfer has at
 * least two legs that balance, on accounts of its own site and currency. Anything that does not hold is listed (at most {@link #MAX_LISTED} of each).
 */
final class TrialBalance {

  static final int MAX_LISTED = 100;

  private static final String ACCOUNTS = "SELECT a.id, a.kind, a.tenant_id, a.currency, a.normal_side, a.balance_minor, "
    + "a.last_seq, coalesce(s.debits, 0)::numeric AS debits, coalesce(s.credits, 0)::numeric AS credits, "
    + "coalesce(s.legs, 0) AS legs, (SELECT x.balance_after_minor FROM ledger_leg x WHERE x.account_id = a.id "
    + "AND x.account_seq = a.last_seq) AS last_after FROM ledger_account a LEFT JOIN (SELECT l.account_id, "
    + "sum(l.amount_minor) FILTER (WHERE l.side = 'D') AS debits, sum(l.amount_minor) FILTER (WHERE l.side = 'C') AS credits, "
    + "count(*) AS legs FROM ledger_leg l WHERE l.account_id IN (SELECT id FROM ledger_account WHERE site_id = $1) "
    + "GROUP BY l.account_id) s ON s.account_id = a.id WHERE a.site_id = $1";
  // Transfers of the site whose legs do not balance, are fewer than two, or sit on another site's or currency's
  // accounts; found from the legs of the site's accounts, plus transfers of the site with no leg at all.
  private static final String BAD_TRANSFERS = "SELECT l.transfer_id AS id, count(*) AS legs, "
    + "sum(CASE WHEN l.side = 'D' THEN l.amount_minor ELSE -l.amount_minor END)::numeric AS net "
    + "FROM ledger_leg l JOIN ledger_account a ON a.id = l.account_id AND a.site_id = $1 "
    + "LEFT JOIN ledger_transfer t ON t.id = l.transfer_id GROUP BY l.transfer_id "
    + "HAVING count(*) < 2 OR sum(CASE WHEN l.side = 'D' THEN l.amount_minor ELSE -l.amount_minor END) <> 0 "
    + "OR bool_or(t.id IS NULL OR t.site_id <> a.site_id OR t.currency <> a.currency) "
    + "UNION ALL SELECT t.id, 0, 0 FROM ledger_transfer t WHERE t.site_id = $1 "
    + "AND NOT EXISTS (SELECT 1 FROM ledger_leg l WHERE l.transfer_id = t.id) LIMIT " + MAX_LISTED;
  // Every leg against the one before it on its account: the running balance moves by exactly the leg's amount, and
  // the sequence by one. A wrong statement line is found, not only a wrong final balance.
  private static final String BROKEN_CHAINS = "SELECT x.account_id, count(*) AS broken FROM (SELECT l.account_id, "
    + "l.balance_after_minor - coalesce(lag(l.balance_after_minor) OVER w, 0) AS moved, "
    + "CASE WHEN l.side = a.normal_side THEN l.amount_minor ELSE -l.amount_minor END AS effect, "
    + "l.account_seq - coalesce(lag(l.account_seq) OVER w, 0) AS step FROM ledger_leg l "
    + "JOIN ledger_account a ON a.id = l.account_id WHERE a.site_id = $1 "
    + "WINDOW w AS (PARTITION BY l.account_id ORDER BY l.account_seq)) x WHERE x.moved <> x.effect OR x.step <> 1 "
    + "GROUP BY x.account_id";
  private static final String TRANSFER_COUNT = "SELECT count(*) AS n, now() AS checked_at FROM ledger_transfer WHERE site_id = $1";

  private final Pool pool;

  TrialBalance(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> check(UUID siteId) {
    return pool.withTransaction(tx -> tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
      .compose(v -> run(tx, siteId)));
  }

  private Future<JsonObject> run(SqlConnection tx, UUID siteId) {
    Future<RowSet<Row>> accounts = tx.preparedQuery(ACCOUNTS).execute(Tuple.of(siteId));
    Future<RowSet<Row>> bad = tx.preparedQuery(BAD_TRANSFERS).execute(Tuple.of(siteId));
    Future<RowSet<Row>> count = tx.preparedQuery(TRANSFER_COUNT).execute(Tuple.of(siteId));
    Future<RowSet<Row>> chains = tx.preparedQuery(BROKEN_CHAINS).execute(Tuple.of(siteId));
    return Future.all(accounts, bad, count, chains).map(all -> {
      java.util.Set<UUID> broken = new java.util.HashSet<>();
      chains.result().forEach(row -> broken.add(row.getUUID("account_id")));
      return report(siteId, accounts.result(), bad.result(), count.result().iterator().next(), broken);
    });
  }

  private static JsonObject report(UUID siteId, RowSet<Row> accounts, RowSet<Row> bad, Row count,
                                   java.util.Set<UUID> brokenChains) {
    Map<String, BigInteger[]> currencies = new TreeMap<>();
    Map<String, long[]> kinds = new TreeMap<>();
    JsonArray mismatches = new JsonArray();
    for (Row row : accounts) {
      BigInteger debits = big(row, "debits");
      BigInteger credits = big(row, "credits");
      boolean debitNormal = "D".equals(row.getString("normal_side"));
      BigInteger computed = debitNormal ? debits.subtract(credits) : credits.subtract(debits);
      long stored = row.getLong("balance_minor");
      BigInteger[] sums = currencies.computeIfAbsent(row.getString("currency"),
        c -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO});
      sums[0] = sums[0].add(debits);
      sums[1] = sums[1].add(credits);
      sums[debitNormal ? 2 : 3] = sums[debitNormal ? 2 : 3].add(BigInteger.valueOf(stored));
      long[] kind = kinds.computeIfAbsent(row.getString("kind") + " " + row.getString("currency"), k -> new long[2]);
      kind[0]++;
      kind[1] = Math.addExact(kind[1], stored);
      String reason = mismatch(row, computed, stored, brokenChains.contains(row.getUUID("id")));
      if (reason != null && mismatches.size() < MAX_LISTED) {
        mismatches.add(new JsonObject().put("accountId", row.getUUID("id").toString()).put("kind", row.getString("kind"))
          .put("reason", reason).put("storedBalanceMinor", stored).put("computedBalanceMinor", computed.longValueExact())
          .put("legs", row.getLong("legs")).put("lastSeq", row.getLong("last_seq")));
      }
    }
    JsonArray unbalanced = new JsonArray();
    bad.forEach(row -> unbalanced.add(new JsonObject().put("transferId", row.getUUID("id").toString())
      .put("legs", row.getLong("legs")).put("netMinor", big(row, "net").longValueExact())));
    JsonArray totals = new JsonArray();
    boolean equal = true;
    for (Map.Entry<String, BigInteger[]> e : currencies.entrySet()) {
      BigInteger[] s = e.getValue();
      equal &= s[0].equals(s[1]) && s[2].equals(s[3]);
      totals.add(new JsonObject().put("currency", e.getKey()).put("debitsMinor", s[0].longValueExact())
        .put("creditsMinor", s[1].longValueExact()).put("debitBalancesMinor", s[2].longValueExact())
        .put("creditBalancesMinor", s[3].longValueExact()));
    }
    JsonArray byKind = new JsonArray();
    kinds.forEach((k, v) -> byKind.add(new JsonObject().put("kind", k.split(" ")[0]).put("currency", k.split(" ")[1])
      .put("accounts", v[0]).put("balanceMinor", v[1])));
    OffsetDateTime checkedAt = count.getOffsetDateTime("checked_at");
    return new JsonObject().put("siteId", siteId.toString()).put("checkedAt", Requests.timestamp(checkedAt))
      .put("balanced", equal && mismatches.isEmpty() && unbalanced.isEmpty())
      .put("accountsChecked", accounts.size()).put("transfersChecked", count.getLong("n"))
      .put("currencies", totals).put("kinds", byKind).put("mismatches", mismatches).put("unbalancedTransfers", unbalanced);
  }

  /** Why the account does not agree with its legs, or null when it does. */
  private static String mismatch(Row row, BigInteger computed, long stored, boolean brokenChain) {
    if (!computed.equals(BigInteger.valueOf(stored))) {
      return "balance";
    }
    long lastSeq = row.getLong("last_seq");
    if (row.getLong("legs") != lastSeq) {
      return "sequence";
    }
    Long lastAfter = row.getLong("last_after");
    if (brokenChain || lastSeq > 0 && (lastAfter == null || lastAfter.longValue() != stored)) {
      return "running-balance";
    }
    return null;
  }

  private static BigInteger big(Row row, String column) {
    Object value = row.getValue(column);
    if (value instanceof Numeric n) {
      return n.bigIntegerValue();
    }
    return value == null ? BigInteger.ZERO : new java.math.BigDecimal(value.toString()).toBigIntegerExact();
  }
}
