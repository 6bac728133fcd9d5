package io.gridledger.ledger;

import io.gridledger.ledger.TransferResult.Status;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("The ledger posts balanced, immutable, idempotent transfers and never takes a wallet below its limit")
class LedgerServiceTest {

  private static TestBackend backend;
  private static TwoSites sites;
  private static LedgerService ledger;
  private static UUID siteA;
  private static UUID cash;
  private static UUID revenue;

  @BeforeAll
  static void start() {
    backend = TestBackend.start();
    sites = TwoSites.create(backend);
    ledger = backend.app().ledger();
    siteA = sites.a.get("site");
    cash = ledger.openSiteAccount(siteA, AccountKind.CASH_CLEARING, "").await().id();
    revenue = ledger.openSiteAccount(siteA, AccountKind.REVENUE, "electricity").await().id();
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("a transfer moves both legs; its replay changes nothing and answers the original posting time")
  void postAndReplay() {
    UUID wallet = freshWallet();
    Transfer topUp = Transfer.of(UUID.randomUUID(), siteA, "EUR", "top_up", cash, wallet, 10_000, "cash", "test");
    TransferResult first = ledger.post(topUp).await();
    assertEquals(Status.POSTED, first.status(), first.detail());
    assertNotNull(first.postedAt());
    long cashBefore = balance(cash);
    TransferResult again = ledger.post(new Transfer(topUp.id(), siteA, "EUR", "top_up", List.of(
      Transfer.Leg.credit(wallet, 10_000), Transfer.Leg.debit(cash, 10_000)), null, "cash", null, "someone else")).await();
    assertEquals(Status.ALREADY_POSTED, again.status(), "legs in another order, another caller: the same transfer");
    assertEquals(first.postedAt().toInstant(), again.postedAt().toInstant());
    assertEquals(10_000, balance(wallet));
    assertEquals(cashBefore, balance(cash));
    assertEquals(2, count("ledger_leg WHERE transfer_id = '" + topUp.id() + "'"));
  }

  @Test
  @DisplayName("the same id with other content is refused ID_CONFLICT and changes nothing")
  void idReusedWithOtherContent() {
    UUID wallet = freshWallet();
    UUID id = UUID.randomUUID();
    assertEquals(Status.POSTED, ledger.post(Transfer.of(id, siteA, "EUR", "top_up", cash, wallet, 500, null, "t")).await().status());
    TransferResult other = ledger.post(Transfer.of(id, siteA, "EUR", "top_up", cash, wallet, 501, null, "t")).await();
    assertEquals(Status.ID_CONFLICT, other.status());
    assertEquals(500, balance(wallet));
  }

  @Test
  @DisplayName("unbalanced, one-legged, unknown, foreign-site and foreign-currency transfers are refused INVALID")
  void invalidTransfers() {
    UUID wallet = freshWallet();
    UUID walletB = ledger.openTenantAccounts(sites.b.get("site"), sites.b.get("tenant1")).await().wallet().id();
    List<Transfer> bad = List.of(
      new Transfer(UUID.randomUUID(), siteA, "EUR", "top_up", List.of(Transfer.Leg.debit(cash, 100),
        Transfer.Leg.credit(wallet, 99)), null, null, null, "t"),
      new Transfer(UUID.randomUUID(), siteA, "EUR", "top_up", List.of(Transfer.Leg.debit(cash, 100)), null, null, null, "t"),
      Transfer.of(UUID.randomUUID(), siteA, "EUR", "top_up", cash, UUID.randomUUID(), 100, null, "t"),
      Transfer.of(UUID.randomUUID(), siteA, "EUR", "top_up", cash, walletB, 100, null, "t"),
      Transfer.of(UUID.randomUUID(), siteA, "USD", "top_up", cash, wallet, 100, null, "t"),
      Transfer.of(UUID.randomUUID(), siteA, "EUR", "top_up", cash, wallet, 0, null, "t"),
      Transfer.of(UUID.randomUUID(), siteA, "EUR", "top_up", cash, cash, 100, null, "t"));
    List<TransferResult> results = ledger.postBatch(bad).await();
    results.forEach(r -> assertEquals(Status.INVALID, r.status(), r.detail()));
    assertEquals(0, balance(wallet));
    assertEquals(0, count("ledger_transfer WHERE id IN (" + ids(bad) + ")"));
  }

  @Test
  @DisplayName("20 concurrent posts of one transfer id write it exactly once")
  void concurrentDuplicates() throws Exception {
    UUID wallet = freshWallet();
    Transfer topUp = Transfer.of(UUID.randomUUID(), siteA, "EUR", "top_up", cash, wallet, 777, null, "t");
    List<TransferResult> results = concurrently(20, i -> ledger.post(topUp));
    assertEquals(1, results.stream().filter(r -> r.status() == Status.POSTED).count(), results.toString());
    assertEquals(19, results.stream().filter(r -> r.status() == Status.ALREADY_POSTED).count(), results.toString());
    assertEquals(1, count("ledger_transfer WHERE id = '" + topUp.id() + "'"));
    assertEquals(777, balance(wallet));
  }

  @Test
  @DisplayName("one id posted at once with 12 different contents on different accounts: one posts, 11 are ID_CONFLICT")
  void concurrentConflictingDuplicates() throws Exception {
    UUID id = UUID.randomUUID();
    List<LedgerService.TenantAccounts> tenants = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      tenants.add(ledger.account(freshWallet()).compose(w -> ledger.openTenantAccounts(siteA, w.tenantId())).await());
    }
    List<UUID> wallets = tenants.stream().map(t -> t.wallet().id()).toList();
    // No account in common, so no lock orders them: the primary key decides, and the losers retry and see the winner.
    List<TransferResult> results = concurrently(12, i -> ledger.post(Transfer.of(id, siteA, "EUR", "invoice",
      tenants.get(i).receivable().id(), wallets.get(i), 100, null, "t")));
    assertEquals(1, results.stream().filter(r -> r.status() == Status.POSTED).count(), results.toString());
    assertEquals(11, results.stream().filter(r -> r.status() == Status.ID_CONFLICT).count(), results.toString());
    assertEquals(2, count("ledger_leg WHERE transfer_id = '" + id + "'"));
    assertEquals(100, wallets.stream().mapToLong(LedgerServiceTest::balance).sum());
  }

  @Test
  @DisplayName("a three-leg transfer is all or nothing: one wallet short refuses it and no leg is written")
  void multiLegIsAtomic() {
    UUID rich = freshWallet();
    UUID poor = freshWallet();
    topUp(rich, 1_000);
    Transfer split = new Transfer(UUID.randomUUID(), siteA, "EUR", "deduction", List.of(Transfer.Leg.debit(rich, 500),
      Transfer.Leg.debit(poor, 500), Transfer.Leg.credit(revenue, 1_000)), null, "shared meter", null, "t");
    assertEquals(Status.INSUFFICIENT_FUNDS, ledger.post(split).await().status());
    assertEquals(1_000, balance(rich));
    assertEquals(0, count("ledger_leg WHERE transfer_id = '" + split.id() + "'"));
    topUp(poor, 500);
    assertEquals(Status.POSTED, ledger.post(split).await().status(), "a refused id may be posted once funds arrive");
    assertEquals(List.of(500L, 0L), List.of(balance(rich), balance(poor)));
  }

  @Test
  @DisplayName("in a batch, a transfer without funds is refused and the others post, in order")
  void batchRefusesOnlyTheShortOne() {
    UUID wallet = freshWallet();
    topUp(wallet, 10_000);
    List<Transfer> batch = List.of(deduction(wallet, 3_000), deduction(wallet, 8_000), deduction(wallet, 7_000));
    List<Status> statuses = ledger.postBatch(batch).await().stream().map(TransferResult::status).toList();
    assertEquals(List.of(Status.POSTED, Status.INSUFFICIENT_FUNDS, Status.POSTED), statuses);
    assertEquals(0, balance(wallet));
    assertEquals("exhausted", ledger.account(wallet).await().status());
    assertEquals(List.of(10_000L, 7_000L, 0L), backend.rows("SELECT balance_after_minor AS b FROM ledger_leg WHERE "
      + "account_id = '" + wallet + "' ORDER BY account_seq").stream().map(r -> ((JsonObject) r).getLong("b")).toList());
  }

  @Test
  @DisplayName("240 concurrent deductions of 100 against 10,000 plus a 2,000 credit limit: exactly 120 post, 120 are refused")
  void concurrentDeductionsStopAtTheLimit() throws Exception {
    UUID wallet = freshWallet();
    ledger.setWalletLimits(wallet, 2_000, 1_000).await();
    topUp(wallet, 10_000);
    List<Transfer> deductions = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      deductions.add(deduction(wallet, 100));
    }
    // Half singly, half in batches of 10, from 8 threads at once.
    List<List<TransferResult>> perCall = concurrently(8 + 12, i -> i < 8
      ? sequential(deductions.subList(i * 15, i * 15 + 15))
      : ledger.postBatch(deductions.subList(120 + (i - 8) * 10, 120 + (i - 8) * 10 + 10)));
    List<TransferResult> all = perCall.stream().flatMap(List::stream).toList();
    assertEquals(240, all.size());
    assertEquals(120, all.stream().filter(r -> r.status() == Status.POSTED).count());
    assertEquals(120, all.stream().filter(r -> r.status() == Status.INSUFFICIENT_FUNDS).count());
    assertEquals(-2_000, balance(wallet));
    assertEquals(121, count("ledger_leg WHERE account_id = '" + wallet + "'"));
  }

  @Test
  @DisplayName("a transfer is reversed once: the reversal restores the balances, a second reversal is refused")
  void reversedOnce() {
    UUID wallet = freshWallet();
    topUp(wallet, 2_000);
    Transfer spend = deduction(wallet, 1_500);
    assertEquals(Status.POSTED, ledger.post(spend).await().status());
    long revenueBefore = balance(revenue);
    UUID reversalId = UUID.randomUUID();
    assertEquals(Status.POSTED, ledger.reverse(reversalId, spend.id(), "meter fault", "t").await().status());
    assertEquals(2_000, balance(wallet));
    assertEquals(revenueBefore - 1_500, balance(revenue));
    assertEquals(Status.ALREADY_POSTED, ledger.reverse(reversalId, spend.id(), "meter fault", "t").await().status());
    assertEquals(Status.ALREADY_REVERSED, ledger.reverse(UUID.randomUUID(), spend.id(), "again", "t").await().status());
    Transfer forged = new Transfer(UUID.randomUUID(), siteA, "EUR", "reversal", List.of(Transfer.Leg.debit(revenue, 1),
      Transfer.Leg.credit(wallet, 1)), spend.id(), null, null, "t");
    assertEquals(Status.INVALID, ledger.post(forged).await().status(), "a reversal must mirror the original");
    assertEquals(2_000, balance(wallet));
  }

  @Test
  @DisplayName("reversing a top-up that was already spent is refused: the wallet would go below its limit")
  void reversalRespectsTheLimit() {
    UUID wallet = freshWallet();
    UUID topUpId = topUp(wallet, 1_000);
    assertEquals(Status.POSTED, ledger.post(deduction(wallet, 600)).await().status());
    assertEquals(Status.INSUFFICIENT_FUNDS, ledger.reverse(UUID.randomUUID(), topUpId, "bounced", "t").await().status());
    assertEquals(400, balance(wallet));
  }

  @Test
  @DisplayName("the database refuses to edit or delete ledger history, and to hold a wallet below its limit")
  void databaseGuards() {
    UUID wallet = freshWallet();
    UUID id = topUp(wallet, 100);
    for (String sql : List.of("UPDATE ledger_transfer SET description = 'edited' WHERE id = '" + id + "'",
      "DELETE FROM ledger_transfer WHERE id = '" + id + "'",
      "UPDATE ledger_leg SET amount_minor = 1 WHERE transfer_id = '" + id + "'",
      "DELETE FROM ledger_leg WHERE transfer_id = '" + id + "'", "TRUNCATE ledger_leg CASCADE")) {
      Exception e = assertThrows(Exception.class, () -> backend.rows(sql), sql);
      assertTrue(e.getMessage().contains("immutable"), e.getMessage());
    }
    Exception limit = assertThrows(Exception.class, () -> backend.rows(
      "UPDATE ledger_account SET balance_minor = -1 WHERE id = '" + wallet + "'"));
    assertTrue(limit.getMessage().contains("ledger_account_within_limit"), limit.getMessage());
    Exception delete = assertThrows(Exception.class, () -> backend.rows("DELETE FROM ledger_account WHERE id = '" + wallet + "'"));
    assertTrue(delete.getMessage().contains("immutable"), delete.getMessage());
    assertEquals(2, count("ledger_leg WHERE transfer_id = '" + id + "'"));
  }

  @Test
  @DisplayName("the database refuses legs that do not balance, name a missing account or transfer, or extend a posted transfer")
  void databaseChecksLegs() {
    UUID wallet = freshWallet();
    UUID posted = topUp(wallet, 100);
    UUID fresh = UUID.randomUUID();
    String transfer = "INSERT INTO ledger_transfer (id, site_id, currency, kind, content_hash, created_by) VALUES ('"
      + fresh + "', '" + siteA + "', 'EUR', 'manual', '\\x00', 'psql');";
    String leg = "INSERT INTO ledger_leg (account_id, account_seq, transfer_id, side, amount_minor, balance_after_minor, "
      + "posted_at) VALUES ";
    Map<String, String> refused = Map.of(
      "unbalanced", transfer + leg + "('" + cash + "', 100000, '" + fresh + "', 'D', 5, 0, now()), ('" + wallet
        + "', 100000, '" + fresh + "', 'C', 4, 0, now())",
      "one leg", transfer + leg + "('" + cash + "', 100000, '" + fresh + "', 'D', 5, 0, now())",
      "missing account", transfer + leg + "('" + cash + "', 100000, '" + fresh + "', 'D', 5, 0, now()), ('"
        + UUID.randomUUID() + "', 1, '" + fresh + "', 'C', 5, 0, now())",
      "missing transfer", leg + "('" + cash + "', 100000, '" + UUID.randomUUID() + "', 'D', 5, 0, now()), ('" + wallet
        + "', 100000, '" + UUID.randomUUID() + "', 'C', 5, 0, now())",
      "extends a posted transfer", leg + "('" + cash + "', 100000, '" + posted + "', 'D', 5, 0, now()), ('" + wallet
        + "', 100000, '" + posted + "', 'C', 5, 0, now())");
    refused.forEach((what, sql) -> {
      Exception e = assertThrows(Exception.class, () -> backend.pool().withTransaction(c -> c.query(sql.split(";")[0])
        .execute().compose(v -> sql.contains(";") ? c.query(sql.split(";")[1]).execute() : io.vertx.core.Future.succeededFuture()))
        .await(), what);
      assertTrue(e.getMessage().contains("ledger"), what + ": " + e.getMessage());
    });
    assertEquals(0, count("ledger_transfer WHERE id = '" + fresh + "'"));
    assertEquals(2, count("ledger_leg WHERE transfer_id = '" + posted + "'"));
  }

  @Test
  @DisplayName("each commit publishes the new balance of every tenant account it changed on gridledger.live.balance")
  void liveBalanceMessages() throws Exception {
    UUID tenant = sites.a.get("tenant2");
    LedgerService.TenantAccounts accounts = ledger.openTenantAccounts(siteA, tenant).await();
    LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    var consumer = backend.vertx().eventBus().<JsonObject>consumer(LedgerService.BALANCE_ADDRESS, m -> {
      if (m.body().getString("accountId").equals(accounts.wallet().id().toString())) {
        received.add(m.body());
      }
    });
    consumer.completion().await();
    long before = balance(accounts.wallet().id());
    topUp(accounts.wallet().id(), 2_500);
    JsonObject message = received.poll(10, TimeUnit.SECONDS);
    assertNotNull(message, "no balance message");
    assertEquals(new JsonObject().put("siteId", siteA.toString()).put("tenantId", tenant.toString())
      .put("accountId", accounts.wallet().id().toString()).put("kind", "tenant_wallet")
      .put("balanceMinor", before + 2_500).put("currency", "EUR").put("status", before + 2_500 < 1_000 ? "low" : "active"),
      message);
    consumer.unregister().await();
  }

  // --- helpers ---

  /** A new tenant on site A with its own wallet (each test works on its own money). */
  static UUID freshWallet() {
    UUID tenantId = UUID.randomUUID();
    backend.rows("INSERT INTO tenant (id, site_id, legal_name, billing_mode) VALUES ('" + tenantId + "', '" + siteA
      + "', 'Tenant " + tenantId + "', 'prepaid')");
    return ledger.openTenantAccounts(siteA, tenantId).await().wallet().id();
  }

  private static UUID topUp(UUID wallet, long amountMinor) {
    Transfer t = Transfer.of(UUID.randomUUID(), siteA, "EUR", "top_up", cash, wallet, amountMinor, null, "test");
    assertEquals(Status.POSTED, ledger.post(t).await().status());
    return t.id();
  }

  private static Transfer deduction(UUID wallet, long amountMinor) {
    return Transfer.of(UUID.randomUUID(), siteA, "EUR", "deduction", wallet, revenue, amountMinor, null, "test");
  }

  private static Future<List<TransferResult>> sequential(List<Transfer> transfers) {
    Future<List<TransferResult>> chain = Future.succeededFuture(new ArrayList<>());
    for (Transfer t : transfers) {
      chain = chain.compose(list -> ledger.post(t).map(r -> {
        list.add(r);
        return list;
      }));
    }
    return chain;
  }

  private static long balance(UUID account) {
    return ledger.account(account).await().balanceMinor();
  }

  private static long count(String fromWhere) {
    return backend.rows("SELECT count(*) AS n FROM " + fromWhere).getJsonObject(0).getLong("n");
  }

  private static String ids(List<Transfer> transfers) {
    return String.join(",", transfers.stream().map(t -> "'" + t.id() + "'").toList());
  }

  /** Starts {@code n} calls at the same moment from n threads and waits for all. */
  static <T> List<T> concurrently(int n, java.util.function.IntFunction<Future<T>> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<CompletableFuture<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return call.apply(index).await();
        }, pool));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (CompletableFuture<T> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

}
