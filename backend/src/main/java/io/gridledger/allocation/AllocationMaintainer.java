package io.gridledger.allocation;

import io.gridledger.cluster.RunOnce;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Keeps the stored allocation and its rollups current in the background, so that a bill run or a report reads days
 * that are already computed instead of computing a month on demand. Every {@code allocation.maintainIntervalSeconds}
 * one instance (the "allocation-maintain" {@link RunOnce} job) refreshes, site by site, the site-local days from
 * {@code allocation.maintainDays} ago up to today: {@link AllocationRefresh} recomputes only the days that are missing
 * or stale (rebuilt intervals, changed rules or occupancy), so a quiet tick costs one small query per site. Older
 * days are still refreshed on read.
 */
public final class AllocationMaintainer extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AllocationMaintainer.class);

  private final Pool pool;
  private final AllocationRefresh refresh;
  private final long periodMs;
  private final int days;
  private final RunOnce once;
  private final Clock clock;
  private long timer = -1;
  private boolean running;

  /**
   * @param settings the "allocation" configuration section
   * @param once     null: maintain on every tick (one instance); otherwise only where this instance leads the job
   */
  public AllocationMaintainer(Pool pool, JsonObject settings, RunOnce once, Clock clock) {
    this.pool = pool;
    this.refresh = new AllocationRefresh(pool);
    this.periodMs = settings.getInteger("maintainIntervalSeconds") * 1000L;
    this.days = settings.getInteger("maintainDays");
    if (periodMs < 0 || days < 1 || days > 400) {
      throw new IllegalArgumentException("allocation.maintainIntervalSeconds must be >= 0 and allocation.maintainDays "
        + "between 1 and 400, were " + periodMs / 1000 + " and " + days);
    }
    this.once = once;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    if (periodMs > 0) {
      timer = vertx.setPeriodic(periodMs, id -> tick());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return once == null ? Future.succeededFuture() : once.close();
  }

  /** A pass still running when the next is due (a large backlog) makes the next one skip, not pile up. */
  private void tick() {
    if (running) {
      return;
    }
    running = true;
    Future<?> done = once == null ? maintain() : once.run(this::maintain);
    done.onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.warn("allocation maintenance failed error={}", ar.cause().getMessage());
      }
    });
  }

  /** One pass over every site, one site after another (a site's days are recomputed one after another too). */
  public Future<Void> maintain() {
    return pool.query("SELECT id, time_zone FROM site ORDER BY id").execute().compose(rows -> {
      List<Row> sites = new ArrayList<>();
      rows.forEach(sites::add);
      Future<Void> chain = Future.succeededFuture();
      for (Row site : sites) {
        UUID siteId = site.getUUID("id");
        LocalDate today = LocalDate.now(clock.withZone(ZoneId.of(site.getString("time_zone"))));
        chain = chain.compose(v -> refresh.ensure(siteId, today.minusDays(days - 1L), today.plusDays(1))
          .<Void>mapEmpty()
          .recover(err -> {
            LOG.warn("allocation maintenance failed site={} error={}", siteId, err.getMessage());
            return Future.succeededFuture();   // one site's failure does not keep the others stale
          }));
      }
      return chain;
    });
  }
}
