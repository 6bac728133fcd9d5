package io.gridledger.billing;

import io.gridledger.allocation.AllocatedUsage;
import io.gridledger.allocation.TenantUsage;
import io.gridledger.allocation.UsageBatches;
import io.gridledger.live.LiveAddresses;
import io.gridledger.tariff.PeakDemand;
import io.gridledger.tariff.TariffStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Executes one bill run in the background: rating in chunks on worker threads (the event loop only moves rows),
 * storing each chunk, recording progress after each. A tenant that fails is recorded with its reason; the run goes on.
 */
final class BillRunner {

  private static final Logger LOG = LoggerFactory.getLogger(BillRunner.class);
  /** Failures kept in the run's document (all are counted); bounds the row's size. */
  static final int MAX_FAILURES_LISTED = 1000;

  private final Vertx vertx;
  private final Pool pool;
  private final AllocatedUsage allocation;
  private final TariffStore tariffs;
  private final Issuing issuing;
  private final BillingSettings settings;

  BillRunner(Vertx vertx, Pool pool, AllocatedUsage allocation, TariffStore tariffs, Issuing issuing,
             BillingSettings settings) {
    this.vertx = vertx;
    this.pool = pool;
    this.allocation = allocation;
    this.tariffs = tariffs;
    this.issuing = issuing;
    this.settings = settings;
  }

  /** The mutable tally of one run, written to its row after every chunk. */
  private static final class Tally {
    int total;
    int done;
    int failed;
    final Map<String, Integer> outcomes = new TreeMap<>(Map.of("created", 0, "updated", 0, "unchanged", 0, "corrected", 0));
    final JsonArray failures = new JsonArray();
    /** For the completion log: how long reading usage, tariffs and current invoices took, and the whole run. */
    final long startedNanos = System.nanoTime();
    long loadedMs;
    /** Time spent in each pipeline stage, summed over chunks (they overlap, so the sum exceeds the run). */
    long readNanos;
    long rateNanos;
    long storeNanos;

    void fail(UUID tenantId, String name, String reason) {
      failed++;
      done++;
      if (failures.size() < MAX_FAILURES_LISTED) {
        failures.add(new JsonObject().put("tenantId", tenantId.toString()).put("tenantName", name).put("reason", reason));
      }
    }

    JsonObject outcomesJson() {
      JsonObject json = new JsonObject();
      outcomes.forEach(json::put);
      return json;
    }

    void count(String outcome) {
      done++;
      outcomes.merge(outcome, 1, Integer::sum);
    }
  }

  /** Runs to the end; never fails (a run-level failure is recorded on the run). */
  Future<Void> execute(UUID runId, UUID siteId, BillingPeriod period) {
    Tally tally = new Tally();
    return pool.preparedQuery("UPDATE bill_run SET status = 'running', started_at = now(), heartbeat_at = now() WHERE id = $1")
      .execute(Tuple.of(runId))
      .compose(v -> BillingStore.site(pool, siteId))
      .compose(site -> load(site, period).compose(loaded -> {
        tally.loadedMs = (System.nanoTime() - tally.startedNanos) / 1_000_000;
        return rateAll(runId, site, period, loaded, tally);
      }))
      .compose(v -> finish(runId, siteId, "completed", null, tally))
      .recover(e -> {
        LOG.warn("bill run failed run={} site={}: {}", runId, siteId, e.toString());
        return finish(runId, siteId, "failed", e.getMessage() == null ? e.toString() : e.getMessage(), tally);
      })
      .recover(e -> {
        LOG.error("bill run state not saved run={} site={}", runId, siteId, e);
        return Future.succeededFuture();
      });
  }

  private record Loaded(TenantRater rater, Map<UUID, BillingStore.TenantFacts> tenants,
                        Map<UUID, BillingStore.Current> current, Map<UUID, Map<String, List<PeakDemand>>> history,
                        UsageBatches usage) {
  }

  private Future<Loaded> load(BillingStore.SiteFacts site, BillingPeriod period) {
    if (allocation == null) {
      return Future.failedFuture(Issuing.unavailable("allocation"));
    }
    // Allocation makes the period current and lists its tenants; the billing facts are independent of it and are
    // read alongside. The usage itself is read a chunk at a time while the run goes (rateAll).
    Future<UsageBatches> usage = allocation.forSiteInBatches(site.id(), period.from(), period.to(),
      settings.chunkTenants());
    Future<TenantRater.Context> context = RatingContexts.load(tariffs, site, period);
    Future<Map<UUID, BillingStore.TenantFacts>> tenants = BillingStore.tenants(pool, site.id());
    Future<Map<UUID, BillingStore.Current>> current = BillingStore.current(pool, site.id(), period);
    Future<Map<UUID, Map<String, List<PeakDemand>>>> history = BillingStore.demandHistory(pool, site.id(), null,
      period.from(), settings.ratchetMonths());
    return Future.all(usage, context, tenants, current, history).map(all -> new Loaded(
      new TenantRater(context.result()), tenants.result(), current.result(), history.result(), usage.result()));
  }

  /**
   * Reads, rates and stores chunk by chunk, as a three-stage pipeline: while chunk i is being stored (database
   * writes), chunk i + 1 is being rated (worker threads) and chunk i + 2 read (database reads). Rating depends only on
   * what {@link #load} read and the chunk's own usage, never on stored chunks. At most three chunks' usage is held.
   */
  private Future<Void> rateAll(UUID runId, BillingStore.SiteFacts site, BillingPeriod period, Loaded loaded, Tally tally) {
    tally.total = loaded.usage().tenants();
    Future<Void> started = progress(runId, site.id(), "running", tally);
    if (loaded.usage().count() == 0) {
      return started;
    }
    Pipeline pipeline = new Pipeline(loaded, tally);
    return started.compose(v -> {
      Future<List<Outcome>> first = pipeline.rate(0);
      pipeline.readAhead(1);
      return storeInTurn(runId, site, period, loaded, tally, pipeline, 0, first);
    });
  }

  /** The usage reads and ratings of the run's chunks, each started once; touched only on the run's event loop. */
  private final class Pipeline {
    private final Loaded loaded;
    private final Tally tally;
    private final List<Future<List<TenantUsage>>> reads = new ArrayList<>();

    Pipeline(Loaded loaded, Tally tally) {
      this.loaded = loaded;
      this.tally = tally;
    }

    int chunks() {
      return loaded.usage().count();
    }

    /** Chunk {@code index}'s usage, its read started on first ask. */
    Future<List<TenantUsage>> read(int index) {
      while (reads.size() <= index) {
        reads.add(null);
      }
      if (reads.get(index) == null) {
        long started = System.nanoTime();
        reads.set(index, loaded.usage().batch(index).onSuccess(u -> tally.readNanos += System.nanoTime() - started));
      }
      return reads.get(index);
    }

    /** Starts reading chunk {@code index} ahead of its rating, when there is one. */
    void readAhead(int index) {
      if (index < chunks()) {
        read(index);
      }
    }

    Future<List<Outcome>> rate(int index) {
      return read(index).compose(usage -> {
        reads.set(index, Future.succeededFuture(List.of()));   // rated from here on: let the usage go
        long started = System.nanoTime();
        return rateInParallel(usage, loaded).onSuccess(o -> tally.rateNanos += System.nanoTime() - started);
      });
    }
  }

  private Future<Void> storeInTurn(UUID runId, BillingStore.SiteFacts site, BillingPeriod period, Loaded loaded,
                                   Tally tally, Pipeline pipeline, int index, Future<List<Outcome>> rated) {
    return rated.compose(outcomes -> {
      // while this chunk is stored, the next one is rated and the one after it read
      Future<List<Outcome>> next = index + 1 < pipeline.chunks() ? pipeline.rate(index + 1) : null;
      pipeline.readAhead(index + 2);
      long storing = System.nanoTime();
      return ChunkWriter.store(pool, issuing, runId, site, period, loaded.tenants(), loaded.current(), outcomes,
          tally::count, tally::fail)
        .compose(v -> progress(runId, site.id(), "running", tally))
        .onSuccess(v -> tally.storeNanos += System.nanoTime() - storing)
        .compose(v -> next == null ? Future.<Void>succeededFuture()
          : storeInTurn(runId, site, period, loaded, tally, pipeline, index + 1, next));
    });
  }

  /** The chunk's tenants split over {@code ratingThreads} worker tasks (rating is CPU work; the event loop waits). */
  private Future<List<Outcome>> rateInParallel(List<TenantUsage> usage, Loaded loaded) {
    Map<UUID, List<TenantUsage>> byTenant = new LinkedHashMap<>();
    for (TenantUsage u : usage) {
      byTenant.computeIfAbsent(u.tenantId(), k -> new ArrayList<>()).add(u);
    }
    List<UUID> chunk = new ArrayList<>(byTenant.keySet());
    int parts = Math.max(1, Math.min(settings.ratingThreads(), chunk.size()));
    List<Future<List<Outcome>>> rated = new ArrayList<>();
    int size = Math.max(1, (chunk.size() + parts - 1) / parts);
    for (int from = 0; from < chunk.size(); from += size) {
      List<UUID> part = chunk.subList(from, Math.min(chunk.size(), from + size));
      rated.add(vertx.executeBlocking(() -> rateChunk(part, byTenant, loaded), false));
    }
    return Future.all(rated).map(all -> {
      List<Outcome> out = new ArrayList<>(chunk.size());
      for (Future<List<Outcome>> f : rated) {
        out.addAll(f.result());
      }
      return out;
    });
  }

  /** One tenant's rating: the invoice, or why there is none. */
  record Outcome(UUID tenantId, RatedInvoice rated, String failure) {
  }

  private static List<Outcome> rateChunk(List<UUID> chunk, Map<UUID, List<TenantUsage>> usage, Loaded loaded) {
    List<Outcome> out = new ArrayList<>(chunk.size());
    for (UUID tenantId : chunk) {
      try {
        if (!loaded.tenants().containsKey(tenantId)) {
          throw new RatingFailure("allocation returned usage for a tenant that is not on this site");
        }
        out.add(new Outcome(tenantId, loaded.rater().rate(tenantId, usage.get(tenantId),
          loaded.history().getOrDefault(tenantId, Map.of())), null));
      } catch (RatingFailure e) {
        out.add(new Outcome(tenantId, null, e.getMessage()));
      } catch (RuntimeException e) {
        LOG.warn("tenant not rated tenant={}", tenantId, e);
        out.add(new Outcome(tenantId, null, "rating failed: " + e));
      }
    }
    return out;
  }

  private Future<Void> progress(UUID runId, UUID siteId, String status, Tally tally) {
    return pool.preparedQuery("UPDATE bill_run SET tenants_total = $2, tenants_done = $3, tenants_failed = $4, "
        + "outcomes = $5, failures = $6, heartbeat_at = now() WHERE id = $1")
      .execute(Tuple.of(runId, tally.total, tally.done, tally.failed, tally.outcomesJson(),
        tally.failures))
      .onSuccess(v -> publish(runId, siteId, status, tally)).mapEmpty();
  }

  private Future<Void> finish(UUID runId, UUID siteId, String status, String error, Tally tally) {
    return pool.preparedQuery("UPDATE bill_run SET status = $2, error = $3, finished_at = now(), heartbeat_at = now(), "
        + "tenants_total = $4, tenants_done = $5, tenants_failed = $6, outcomes = $7, failures = $8 WHERE id = $1")
      .execute(Tuple.of(runId, status, error, tally.total, tally.done, tally.failed,
        tally.outcomesJson(), tally.failures))
      .onSuccess(v -> {
        publish(runId, siteId, status, tally);
        LOG.info("bill run {} run={} site={} tenants={} failed={} outcomes={} load_ms={} read_ms={} rate_ms={} "
            + "store_ms={} total_ms={}", status, runId, siteId, tally.total, tally.failed, tally.outcomes,
          tally.loadedMs, tally.readNanos / 1_000_000, tally.rateNanos / 1_000_000, tally.storeNanos / 1_000_000,
          (System.nanoTime() - tally.startedNanos) / 1_000_000);
      }).mapEmpty();
  }

  private void publish(UUID runId, UUID siteId, String status, Tally tally) {
    vertx.eventBus().publish(LiveAddresses.BILL_RUN, new JsonObject().put("runId", runId.toString())
      .put("siteId", siteId.toString()).put("state", status).put("tenantsTotal", tally.total)
      .put("tenantsDone", tally.done).put("tenantsFailed", tally.failed));
  }
}
