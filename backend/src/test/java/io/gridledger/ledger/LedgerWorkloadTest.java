package io.gridledger.ledger;

import io.gridledger.ledger.TransferResult.Status;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A seeded random workload from 8 threads at once: cash top-ups over HTTP; prepaid deductions (with VAT) in batches,
 * postpaid invoices, payments, refunds, reversals and replays through the ledger's Java interface. Every result is
 * booked into an in-memory model; afterwards every account must equal the model and the trial balance must be exact.
 */
@DisplayName("After a concurrent random workload the trial balance is exact and no wallet is below its limit")
class LedgerWorkloadTest {

  private static final long SEED = 20_261_127L;
  private static final int THREADS = 8;
  private static final int OPERATIONS_PER_THREAD = 400;
  private static final int TENANTS = 20;

  private static TestBackend backend;
  private static ContractHttp http;
  private static LedgerService ledger;
  private static UUID site;
  private static String operator;
  private static final List<UUID> wallets = new ArrayList<>();
  private static final List<UUID> receivables = new ArrayList<>();
  private static final Map<UUID, AccountKind> kinds = new ConcurrentHashMap<>();
  private static UUID cash;
  private static UUID stripeClearing;
  private static UUID electricity;
  private static UUID water;
  private static UUID tax;

  /** Expected balance per account, from the legs of every transfer that was posted (each exactly once). */
  private final Map<UUID, AtomicLong> expected = new ConcurrentHashMap<>();
  private final List<Transfer> posted = Collections.synchronizedList(new ArrayList<>());
  /** Transfers posted through the Java interface, as given: replaying one must be a no-op. */
  private final List<Transfer> replayable = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong postedCount = new AtomicLong();
  private final Map<Status, AtomicLong> outcomes = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    backend = TestBackend.start();
    http = ContractHttp.of(backend);
    TwoSites sites = TwoSites.create(backend);
    ledger = backend.app().ledger();
    operator = backend.login("operator-a");
    site = sites.a.get("site");
    for (int i = 0; i < TENANTS; i++) {
      backend.rows("INSERT INTO tenant (id, site_id, legal_name, billing_mode) VALUES ('" + UUID.randomUUID() + "', '"
        + site + "', 'Workload tenant " + i + "', '" + (i % 2 == 0 ? "prepaid" : "postpaid") + "')");
    }
    assertEquals(2 * (TENANTS + 2), ledger.openAccountsForSite(site).await());
    for (Object row : backend.rows("SELECT id, kind FROM ledger_account WHERE site_id = '" + site + "' ORDER BY id")) {
      UUID id = UUID.fromString(((JsonObject) row).getString("id"));
      boolean wallet = ((JsonObject) row).getString("kind").equals("tenant_wallet");
      (wallet ? wallets : receivables).add(id);
      kinds.put(id, wallet ? AccountKind.TENANT_WALLET : AccountKind.TENANT_RECEIVABLE);
    }
    for (int i = 0; i < wallets.size(); i += 3) {
      ledger.setWalletLimits(wallets.get(i), 5_000, 1_000).await();
    }
    cash = site(AccountKind.CASH_CLEARING, "");
    stripeClearing = site(AccountKind.PROVIDER_CLEARING, "stripe");
    electricity = site(AccountKind.REVENUE, "electricity");
    water = site(AccountKind.REVENUE, "water");
    tax = site(AccountKind.TAX_PAYABLE, "");
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("3,200 seeded operations from 8 threads: every balance equals the model, debits equal credits, no wallet below its limit")
  void randomWorkload() throws Exception {
    LedgerServiceTest.concurrently(THREADS, thread -> {
      Random random = new Random(SEED + thread);
      for (int op = 0; op < OPERATIONS_PER_THREAD; op++) {
        step(random);
      }
      return io.vertx.core.Future.succeededFuture(0);
    });
    for (UUID account : kinds.keySet()) {
      assertEquals(expected(account), ledger.account(account).await().balanceMinor(), "account " + account);
    }
    for (UUID account : List.of(cash, stripeClearing, electricity, water, tax)) {
      assertEquals(expected(account), ledger.account(account).await().balanceMinor(), "site account " + account);
    }
    Response report = http.call("getTrialBalance", "GET", "/finance/trial-balance?siteId=" + site, operator, null);
    JsonObject trial = report.json();
    assertTrue(trial.getBoolean("balanced"), trial.encode());
    assertEquals(List.of(), trial.getJsonArray("mismatches").getList());
    assertEquals(List.of(), trial.getJsonArray("unbalancedTransfers").getList());
    assertEquals(postedCount.get(), trial.getLong("transfersChecked"));
    long belowLimit = backend.rows("SELECT count(*) AS n FROM ledger_account WHERE kind = 'tenant_wallet' "
      + "AND balance_minor < -credit_limit_minor").getJsonObject(0).getLong("n");
    assertEquals(0, belowLimit);
    // The workload must really have exercised every path, refusals included.
    for (Status status : List.of(Status.POSTED, Status.ALREADY_POSTED, Status.INSUFFICIENT_FUNDS, Status.ALREADY_REVERSED)) {
      assertTrue(outcomes.getOrDefault(status, new AtomicLong()).get() > 0, "no " + status + " in " + outcomes);
    }
  }

  private void step(Random random) {
    int dice = random.nextInt(100);
    if (dice < 12) {
      topUpOverHttp(pick(random, wallets), 1_000 + random.nextInt(20_000));
    } else if (dice < 55) {
      List<Transfer> batch = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(20); i++) {
        batch.add(deduction(pick(random, wallets), 1 + random.nextInt(3_000)));
      }
      book(batch, ledger.postBatch(batch).await());
    } else if (dice < 67) {
      long amount = 100 + random.nextInt(50_000);
      post(Transfer.of(UUID.randomUUID(), site, "EUR", "invoice", pick(random, receivables), water, amount, "water", "w"));
    } else if (dice < 77) {
      post(Transfer.of(UUID.randomUUID(), site, "EUR", "payment", cash, pick(random, receivables),
        100 + random.nextInt(40_000), "bank transfer", "w"));
    } else if (dice < 85) {
      post(Transfer.of(UUID.randomUUID(), site, "EUR", "refund", pick(random, wallets), stripeClearing,
        1 + random.nextInt(5_000), "refund to card", "w"));
    } else if (dice < 95) {
      Transfer original = randomOf(random, posted);
      if (original != null) {
        UUID reversalId = UUID.randomUUID();
        TransferResult r = ledger.reverse(reversalId, original.id(), "workload correction", "w").await();
        book(List.of(Transfer.reversalOf(reversalId, original, "workload correction", "w")), List.of(r));
      }
    } else {
      Transfer original = randomOf(random, replayable);
      if (original != null) {
        TransferResult r = ledger.post(original).await();
        assertEquals(Status.ALREADY_POSTED, r.status(), "a replay must not post again");
        count(r.status());
      }
    }
  }

  /** Consumption priced VAT-inclusive: the tax share is amount x 19/119, rounded half up to the minor unit. */
  private Transfer deduction(UUID wallet, long amountMinor) {
    long taxMinor = (amountMinor * 19 * 2 + 119) / (119 * 2);
    List<Transfer.Leg> legs = new ArrayList<>(List.of(Transfer.Leg.debit(wallet, amountMinor),
      Transfer.Leg.credit(electricity, amountMinor - taxMinor)));
    if (taxMinor > 0) {
      legs.add(Transfer.Leg.credit(tax, taxMinor));
    }
    return new Transfer(UUID.randomUUID(), site, "EUR", "deduction", legs, null, "15 min of electricity", null, "w");
  }

  private void topUpOverHttp(UUID wallet, long amountMinor) {
    Response r = http.call("createTopUp", "POST", "/accounts/" + wallet + "/top-ups", operator,
      new JsonObject().put("amountMinor", amountMinor).put("provider", "cash").encode(), "application/json",
      Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    assertEquals(201, r.status(), r.text());
    UUID transferId = UUID.fromString(r.json().getString("transferId"));
    Transfer credit = new Transfer(transferId, site, "EUR", "top_up", List.of(Transfer.Leg.debit(cash, amountMinor),
      Transfer.Leg.credit(wallet, amountMinor)), null, null, null, "w");
    book(List.of(credit), List.of(new TransferResult(transferId, Status.POSTED, null, null)), false);
  }

  private void post(Transfer t) {
    book(List.of(t), List.of(ledger.post(t).await()));
  }

  private void book(List<Transfer> transfers, List<TransferResult> results) {
    book(transfers, results, true);
  }

  private void book(List<Transfer> transfers, List<TransferResult> results, boolean asGiven) {
    for (int i = 0; i < transfers.size(); i++) {
      count(results.get(i).status());
      if (results.get(i).status() != Status.POSTED) {
        continue;
      }
      Transfer t = transfers.get(i);
      postedCount.incrementAndGet();
      if (t.reversesTransferId() == null) {
        posted.add(t);
        if (asGiven) {
          replayable.add(t);
        }
      }
      for (Transfer.Leg leg : t.legs()) {
        expected.computeIfAbsent(leg.accountId(), k -> new AtomicLong())
          .addAndGet(leg.side().effect(normalSide(leg.accountId()), leg.amountMinor()));
      }
    }
  }

  private void count(Status status) {
    outcomes.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
  }

  private static Side normalSide(UUID account) {
    AccountKind kind = kinds.get(account);
    if (kind != null) {
      return kind.normalSide();
    }
    return account.equals(cash) || account.equals(stripeClearing) ? Side.DEBIT : Side.CREDIT;
  }

  private static Transfer randomOf(Random random, List<Transfer> list) {
    synchronized (list) {
      return list.isEmpty() ? null : list.get(random.nextInt(list.size()));
    }
  }

  private long expected(UUID account) {
    return expected.getOrDefault(account, new AtomicLong()).get();
  }

  private static UUID pick(Random random, List<UUID> from) {
    return from.get(random.nextInt(from.size()));
  }

  private static UUID site(AccountKind kind, String qualifier) {
    UUID id = ledger.openSiteAccount(site, kind, qualifier).await().id();
    return id;
  }
}
