package io.gridledger.postpaid;

import io.gridledger.ledger.AccountKind;
import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.Transfer;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The acceptance workload: from 6 threads at once, seeded, top-ups (HTTP), prepaid deductions (ledger batches),
 * postpaid and prepaid invoices (Receivables), payments with replays, refunds and reversals (HTTP). Afterwards the
 * trial balance must be exact, every receivable must equal its open invoices minus its credit, cash clearing must
 * equal cash in minus cash out, and no wallet may be below its limit.
 */
@DisplayName("After a concurrent seeded workload of top-ups, deductions, invoices, payments, refunds and reversals the books are exact")
class FinanceWorkloadTest {

  private static final long SEED = 20_261_128L;
  private static final int THREADS = 6;
  private static final int OPERATIONS = 70;

  private static TestBackend backend;
  private static PostpaidFixture f;
  private static LedgerService ledger;
  private static UUID site;
  private static final List<UUID> postpaid = new ArrayList<>();
  private static final List<UUID> prepaid = new ArrayList<>();
  private static final Map<UUID, UUID> wallets = new ConcurrentHashMap<>();
  private static UUID electricity;
  private static UUID tax;
  private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    backend = TestBackend.start(new JsonObject().put("prepaid", new JsonObject().put("enabled", false)));
    site = TwoSites.create(backend).a.get("site");
    f = new PostpaidFixture(backend);
    ledger = backend.app().ledger();
    for (int i = 0; i < 5; i++) {
      UUID t = f.tenant(site, "postpaid");
      postpaid.add(t);
      // Opened up front, as a bill run finds them: the first document of a tenant opens its accounts through the pool.
      ledger.openTenantAccounts(site, t).await();
      UUID p = f.tenant(site, "prepaid");
      prepaid.add(p);
      wallets.put(p, ledger.openTenantAccounts(site, p).await().wallet().id());
    }
    electricity = ledger.openSiteAccount(site, AccountKind.REVENUE, "electricity").await().id();
    tax = ledger.openSiteAccount(site, AccountKind.TAX_PAYABLE, "").await().id();
    ledger.openSiteAccount(site, AccountKind.REVENUE, "water").await();
    ledger.openSiteAccount(site, AccountKind.CASH_CLEARING, "").await();
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("420 seeded operations from 6 threads: trial balance exact, receivables = open - credit, cash reconciles")
  void workload() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> runs = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      runs.add(pool.submit(() -> {
        Random random = new Random(SEED + thread);
        List<String> payments = new ArrayList<>();
        for (int op = 0; op < OPERATIONS; op++) {
          step(random, thread, op, payments);
        }
        return null;
      }));
    }
    for (Future<?> run : runs) {
      run.get(10, TimeUnit.MINUTES);
    }
    pool.shutdownNow();

    JsonObject trial = f.http.call("getTrialBalance", "GET", "/finance/trial-balance?siteId=" + site, f.admin, null).json();
    assertTrue(trial.getBoolean("balanced"), trial.encode());
    assertEquals(0, trial.getJsonArray("mismatches").size());
    assertEquals(0, trial.getJsonArray("unbalancedTransfers").size());
    for (UUID tenant : postpaid) {
      f.assertReceivableInvariant(tenant);
      JsonObject statement = f.http.call("getTenantStatement", "GET", "/tenants/" + tenant
        + "/statement?from=2026-01-01&to=2100-01-01", f.admin, null).json();
      assertEquals(f.balance(tenant, "tenant_receivable"), statement.getLong("closingBalanceMinor"));
    }
    prepaid.forEach(f::assertReceivableInvariant);
    // Cash in (cash top-ups, recorded payments) minus cash out (refunds); reversed payments cancel themselves.
    long expectedCash = backend.rows("SELECT (SELECT coalesce(sum(amount_minor), 0) FROM top_up WHERE site_id = '" + site
      + "' AND state = 'succeeded') + (SELECT coalesce(sum(amount_minor), 0) FROM tenant_payment WHERE site_id = '" + site
      + "' AND state = 'recorded') - (SELECT coalesce(sum(amount_minor), 0) FROM payment_refund WHERE site_id = '" + site
      + "') AS cash").getJsonObject(0).getLong("cash");
    assertEquals(expectedCash, f.siteBalance(site, "cash_clearing", ""));
    assertEquals(0, backend.rows("SELECT count(*) AS n FROM ledger_account WHERE kind = 'tenant_wallet' "
      + "AND balance_minor < -credit_limit_minor").getJsonObject(0).getLong("n"));
    for (String path : List.of("top-up", "deduction", "invoice", "prepaid-invoice", "payment", "replay", "refund",
      "refund-refused", "reversal")) {
      assertTrue(outcomes.getOrDefault(path, new AtomicLong()).get() > 0, "no " + path + " in " + outcomes);
    }
  }

  private void step(Random random, int thread, int op, List<String> payments) {
    int dice = random.nextInt(100);
    UUID pre = prepaid.get(random.nextInt(prepaid.size()));
    UUID post = postpaid.get(random.nextInt(postpaid.size()));
    if (dice < 15) {
      Response r = f.http.call("createTopUp", "POST", "/accounts/" + wallets.get(pre) + "/top-ups", f.admin,
        new JsonObject().put("amountMinor", 500 + random.nextInt(5_000)).put("provider", "cash").encode(),
        "application/json", Map.of("Idempotency-Key", "w-" + thread + "-" + op));
      assertEquals(201, r.status(), r.text());
      count("top-up");
    } else if (dice < 35) {
      List<Transfer> batch = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(10); i++) {
        long energy = 1 + random.nextInt(600);
        long vat = energy * 19 / 100;
        UUID wallet = wallets.get(prepaid.get(random.nextInt(prepaid.size())));
        List<Transfer.Leg> legs = new ArrayList<>(List.of(Transfer.Leg.debit(wallet, energy + vat),
          Transfer.Leg.credit(electricity, energy)));
        if (vat > 0) {
          legs.add(Transfer.Leg.credit(tax, vat));
        }
        batch.add(new Transfer(UUID.randomUUID(), site, "EUR", "prepaid_consumption", legs, null, null, null, "w"));
      }
      ledger.postBatch(batch).await();
      count("deduction");
    } else if (dice < 50) {
      long net = 100 + random.nextInt(20_000);
      f.post(PostpaidFixture.invoice(site, post, "W-" + thread + "-" + op, "2026-0" + (1 + random.nextInt(9)) + "-10",
        "2026-10-31", Map.of(random.nextBoolean() ? "electricity" : "water", net), net * 19 / 100));
      count("invoice");
    } else if (dice < 55) {
      long net = 100 + random.nextInt(3_000);
      f.post(PostpaidFixture.invoice(site, pre, "WP-" + thread + "-" + op, "2026-05-10", "2026-05-31",
        Map.of("electricity", net), net * 19 / 100));
      count("prepaid-invoice");
    } else if (dice < 75) {
      JsonObject body = new JsonObject().put("amountMinor", 100 + random.nextInt(15_000)).put("method", "bank_transfer");
      String key = "p-" + thread + "-" + op;
      Response r = f.pay(post, key, body);
      assertEquals(201, r.status(), r.text());
      payments.add(r.json().getString("id"));
      count("payment");
      if (random.nextInt(4) == 0) {
        Response replay = f.pay(post, key, body);
        assertEquals(r.text(), replay.text(), "a replay answers the first response");
        count("replay");
      }
    } else if (dice < 90 && !payments.isEmpty()) {
      String payment = payments.get(random.nextInt(payments.size()));
      Response r = f.refund(payment, "r-" + thread + "-" + op, 1 + random.nextInt(4_000));
      assertTrue(r.status() == 201 || r.status() == 422, r.text());
      count(r.status() == 201 ? "refund" : "refund-refused");
    } else if (!payments.isEmpty()) {
      String payment = payments.remove(random.nextInt(payments.size()));
      Response r = f.http.call("reversePayment", "POST", "/payments/" + payment + "/reversal", f.admin,
        new JsonObject().put("reason", "workload"));
      assertTrue(r.status() == 200 || r.status() == 422, r.text());
      count(r.status() == 200 ? "reversal" : "reversal-refused");
    }
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
  }
}
