package io.gridledger.billing;

import io.gridledger.allocation.AllocatedUsage;
import io.gridledger.api.Problem;
import io.gridledger.postpaid.Receivables;
import io.gridledger.tariff.TariffStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Bill runs, finalizing, issuing and re-rating. Billing talks to allocation only through {@link AllocatedUsage} and
 * to the ledger only through {@link Receivables}; either may be null in a build where it is not wired yet, and then
 * the operations that need it answer 503 {@code billing-unavailable} (the rest of the backend runs normally).
 */
public final class BillingService {

  private final Vertx vertx;
  private final Pool pool;
  private final AllocatedUsage allocation;
  private final TariffStore tariffs;
  private final Issuing issuing;
  private final BillRunner runner;
  private final BillingSettings settings;

  public BillingService(Vertx vertx, Pool pool, AllocatedUsage allocation, Receivables receivables,
                        BillingSettings settings, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.allocation = allocation;
    this.tariffs = new TariffStore(pool);
    this.settings = settings;
    this.issuing = new Issuing(pool, receivables, clock, settings);
    this.runner = new BillRunner(vertx, pool, allocation, tariffs, issuing, settings);
  }

  /**
   * Records a run and starts it in the background; answers its id at once. 409 {@code bill-run-in-progress} while
   * another run of the site is active, {@code period-overlap} when the site already bills days of this period under
   * a different period.
   */
  public Future<UUID> startRun(UUID siteId, BillingPeriod period, String createdBy) {
    if (allocation == null) {
      return Future.failedFuture(Issuing.unavailable("allocation"));
    }
    UUID runId = UUID.randomUUID();
    return pool.preparedQuery("SELECT 1 FROM invoice WHERE site_id = $1 AND period_from < $3 AND period_to > $2 "
        + "AND NOT (period_from = $2 AND period_to = $3) LIMIT 1").execute(Tuple.of(siteId, period.from(), period.to()))
      .compose(rows -> rows.size() > 0
        ? Future.failedFuture(Problem.conflict("period-overlap", "the site already has invoices for days of "
          + period.from() + " .. " + period.to() + " under a different period; bill the same period to correct it"))
        : pool.preparedQuery("UPDATE bill_run SET status = 'failed', finished_at = now(), error = 'interrupted: no "
            + "progress for ' || $2 || ' s' WHERE site_id = $1 AND status IN ('queued', 'running') AND heartbeat_at < "
            + "now() - make_interval(secs => $2)").execute(Tuple.of(siteId, settings.staleRunSeconds())))
      .compose(v -> pool.preparedQuery("INSERT INTO bill_run (id, site_id, period_from, period_to, status, created_by) "
          + "VALUES ($1, $2, $3, $4, 'queued', $5)").execute(Tuple.of(runId, siteId, period.from(), period.to(), createdBy))
        .recover(e -> Future.failedFuture(isUnique(e) ? Problem.conflict("bill-run-in-progress",
          "another bill run of this site is still running; wait for it to end") : e)))
      .onSuccess(v -> vertx.runOnContext(x -> runner.execute(runId, siteId, period)))
      .map(v -> runId);
  }

  /** A run's site and period, as stored. */
  record RunRef(UUID id, UUID siteId, BillingPeriod period, String status) {
  }

  Future<RunRef> run(UUID runId) {
    return pool.preparedQuery("SELECT site_id, period_from, period_to, status FROM bill_run WHERE id = $1")
      .execute(Tuple.of(runId)).map(rows -> {
        Row r = rows.iterator().next();
        return new RunRef(runId, r.getUUID("site_id"), new BillingPeriod(r.getLocalDate("period_from"),
          r.getLocalDate("period_to")), r.getString("status"));
      });
  }

  /** Numbers every draft of the run's period (gapless, one transaction). 409 while the run is still rating. */
  public Future<Integer> finalizeRun(UUID runId) {
    return run(runId).compose(run -> {
      requireEnded(run);
      return BillingStore.site(pool, run.siteId()).compose(site -> issuing.finalizeDrafts(site, run.period()));
    });
  }

  /** Issues every finalized invoice of the run's period, each posted through Receivables in its transaction. */
  public Future<Integer> issueRun(UUID runId) {
    return run(runId).compose(run -> {
      requireEnded(run);
      return BillingStore.site(pool, run.siteId()).compose(site -> issuing.issueFinalized(site, run.period()));
    });
  }

  private static void requireEnded(RunRef run) {
    if (run.status().equals("queued") || run.status().equals("running")) {
      throw Problem.conflict("bill-run-in-progress", "the run is still " + run.status() + "; wait for it to end");
    }
  }

  /**
   * Rates the invoice's tenant and period again: nothing when nothing changed; a draft is re-rated in place; an
   * issued invoice gets one credit note and one rebill. Answers {changed, invoiceId, creditNoteId, rebillId}.
   */
  public Future<JsonObject> reRate(UUID invoiceId) {
    if (allocation == null) {
      return Future.failedFuture(Issuing.unavailable("allocation"));
    }
    return pool.preparedQuery("SELECT i.site_id, i.tenant_id, i.period_from, i.period_to, i.status, i.fingerprint, "
        + "i.billing_mode, i.number, (" + BillingStore.CURRENT + ") AS current FROM invoice i WHERE i.id = $1")
      .execute(Tuple.of(invoiceId)).compose(rows -> {
        Row inv = rows.iterator().next();
        if (!inv.getBoolean("current")) {
          throw Problem.conflict("invoice-not-correctable", "only the current invoice of a period is re-rated: this is a "
            + "credit note or an invoice already credited");
        }
        if (inv.getString("status").equals("finalized")) {
          throw Problem.conflict("invoice-not-issued", "invoice " + inv.getString("number") + " is finalized but not "
            + "issued; issue it first, then re-rate");
        }
        BillingPeriod period = new BillingPeriod(inv.getLocalDate("period_from"), inv.getLocalDate("period_to"));
        UUID tenantId = inv.getUUID("tenant_id");
        return BillingStore.site(pool, inv.getUUID("site_id")).compose(site -> rateOne(site, tenantId, period)
          .compose(rated -> {
            JsonObject result = new JsonObject().put("invoiceId", invoiceId.toString()).put("changed", false)
              .putNull("creditNoteId").putNull("rebillId");
            if (rated.fingerprint().equals(inv.getString("fingerprint"))) {
              return Future.succeededFuture(result);
            }
            if (inv.getString("status").equals("draft")) {
              return pool.withTransaction(tx -> InvoiceWriter.replaceDraft(tx, invoiceId, null, rated))
                .map(replaced -> result.put("changed", replaced));
            }
            return issuing.correct(site, invoiceId, rated, inv.getString("billing_mode"), period, null)
              .map(c -> result.put("changed", true).put("creditNoteId", c.creditNoteId().toString())
                .put("rebillId", c.rebillId().toString()));
          }));
      });
  }

  private Future<RatedInvoice> rateOne(BillingStore.SiteFacts site, UUID tenantId, BillingPeriod period) {
    return allocation.forTenant(tenantId, period.from(), period.to())
      .compose(usage -> RatingContexts.load(tariffs, site, period)
        .compose(ctx -> BillingStore.demandHistory(pool, site.id(), tenantId, period.from(), settings.ratchetMonths())
          .compose(history -> vertx.executeBlocking(() -> {
            try {
              return new TenantRater(ctx).rate(tenantId, usage, history.getOrDefault(tenantId, java.util.Map.of()));
            } catch (RatingFailure e) {
              throw Problem.unprocessable("tenant-not-rated", null, e.getMessage());
            }
          }, false))));
  }

  private static boolean isUnique(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  /** For tests and the benchmark: the list of runs' ids is not needed, only that no run of the site is active. */
  public Future<Boolean> idle(UUID siteId) {
    return pool.preparedQuery("SELECT 1 FROM bill_run WHERE site_id = $1 AND status IN ('queued', 'running')")
      .execute(Tuple.of(siteId)).map(rows -> rows.size() == 0);
  }

}
