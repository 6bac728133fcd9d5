package io.gridledger.billing;

import io.gridledger.testsupport.ContractHttp.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("Invoice numbers are gapless under concurrency; an issue and its posting commit together")
class BillNumberingTest {

  private static BillingFixture f;
  private static UUID site, tenant1, tenant2;
  private static final List<String> runs = new ArrayList<>();

  @BeforeAll
  static void start() {
    f = new BillingFixture(new JsonObject());
    site = f.sites.b.get("site");
    tenant1 = f.sites.b.get("tenant1");
    tenant2 = f.sites.b.get("tenant2");
    f.tariffFor(site, tenant1, tenant2);
    ZoneId la = ZoneId.of("America/Los_Angeles");
    LocalDate aug = LocalDate.of(2026, 8, 1);
    LocalDate nov = LocalDate.of(2026, 11, 1);
    f.allocation.put(site, FixedAllocation.daily(tenant1, la, aug, nov, FixedAllocation.same(92, 1000), "B-M1", 0));
    f.allocation.put(site, FixedAllocation.daily(tenant2, la, aug, nov, FixedAllocation.same(92, 2000), "B-M2", 0));
    for (String period : List.of("2026-08", "2026-09", "2026-10")) {
      JsonObject run = f.run(site, period);
      assertEquals(2, run.getJsonObject("outcomes").getInteger("created"), run::encode);
      runs.add(run.getString("id"));
    }
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  @DisplayName("three runs finalized at once (one of them twice) number their six drafts 1..6 without gap or repeat")
  void concurrentFinalizeIsGapless() throws Exception {
    List<Callable<Integer>> calls = new ArrayList<>();
    for (String run : List.of(runs.get(0), runs.get(1), runs.get(2), runs.get(2))) {
      calls.add(() -> f.post("finalizeBillRun", "/bill-runs/" + run + "/finalize").getInteger("count"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    int finalized = 0;
    try {
      for (Future<Integer> done : pool.invokeAll(calls)) {
        finalized += done.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(6, finalized);
    Set<String> numbers = new TreeSet<>();
    for (Object row : f.backend.rows("SELECT number FROM invoice WHERE site_id = '" + site + "'")) {
      numbers.add(((JsonObject) row).getString("number"));
    }
    Set<String> expected = new TreeSet<>();
    for (int n = 1; n <= 6; n++) {
      expected.add(String.format("INV-SITEB-2026-%06d", n));
    }
    assertEquals(expected, numbers);
    assertEquals(6L, f.backend.rows("SELECT last_value FROM billing_sequence WHERE site_id = '" + site + "'")
      .getJsonObject(0).getLong("last_value"));
    // within one run, numbers follow the tenants' names: One before Two
    for (String run : runs) {
      JsonArray items = f.http.call("listInvoices", "GET", "/invoices?runId=" + run, f.admin, null).json().getJsonArray("items");
      String one = null, two = null;
      for (Object o : items) {
        JsonObject i = (JsonObject) o;
        if (i.getString("tenantId").equals(tenant1.toString())) {
          one = i.getString("number");
        } else {
          two = i.getString("number");
        }
      }
      assertTrue(one.compareTo(two) < 0, one + " / " + two);
      assertEquals(Long.parseLong(one.substring(one.length() - 6)) + 1, Long.parseLong(two.substring(two.length() - 6)));
    }
  }

  @Test
  @DisplayName("when receivables refuses a posting, that invoice stays finalized; issuing again issues it once")
  void postingFailureLeavesTheInvoiceUnissued() {
    String run = runs.get(0);
    f.post("finalizeBillRun", "/bill-runs/" + run + "/finalize");
    f.receivables.failFor(tenant2);
    Response refused = f.http.call("issueBillRun", "POST", "/bill-runs/" + run + "/issue", f.admin, null);
    assertEquals(503, refused.status(), refused.text());
    assertEquals("https://gridledger.io/problems/posting-failed", refused.json().getString("type"));
    assertEquals(List.of("issued", "finalized"), statuses(run));
    long postedBefore = f.receivables.posted().size();
    f.receivables.failFor(null);
    assertEquals(1, f.post("issueBillRun", "/bill-runs/" + run + "/issue").getInteger("count"));
    assertEquals(List.of("issued", "issued"), statuses(run));
    assertEquals(postedBefore + 1, f.receivables.posted().size());
    assertEquals(tenant2, f.receivables.posted().get((int) postedBefore).tenantId());
  }

  /** Statuses of the run's invoices in number order. */
  private static List<String> statuses(String run) {
    List<String> out = new ArrayList<>();
    for (Object row : f.backend.rows("SELECT status FROM invoice WHERE run_id = '" + run + "' ORDER BY number")) {
      out.add(((JsonObject) row).getString("status"));
    }
    return out;
  }
}
