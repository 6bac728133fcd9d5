package io.gridledger.allocation;

import io.gridledger.live.LiveAddresses;
import io.gridledger.tariff.IntervalUsage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Allocated usage from the stored allocation: each call first makes the requested days current
 * ({@link AllocationRefresh}: only missing or stale days are recomputed), then reads the day rows and assembles them
 * per tenant and utility from the rollups maintained with them ({@link UsageAssembler}); see docs/allocation.md for
 * the storage choice and figures.
 */
public final class AllocationService implements AllocatedUsage {

  private static final Logger LOG = LoggerFactory.getLogger(AllocationService.class);

  private final Pool pool;
  private final AllocationRefresh refresh;

  public AllocationService(Pool pool) {
    this.pool = pool;
    this.refresh = new AllocationRefresh(pool);
  }

  /**
   * Marks days dirty when metering announces rebuilt intervals (the live interval event, published after the rebuild
   * committed), so a rebuild that raced with a recompute is not missed. Optional: staleness is also detected from
   * interval_consumption.computed_at on every read.
   */
  public void listen(Vertx vertx) {
    DirtyDayMarker marker = new DirtyDayMarker(pool);
    vertx.eventBus().<JsonObject>consumer(LiveAddresses.INTERVAL, msg -> marker.rebuilt(msg.body()));
  }

  @Override
  public Future<List<TenantUsage>> forSite(UUID siteId, LocalDate from, LocalDate to) {
    return usage(siteId, null, from, to);
  }

  @Override
  public Future<List<TenantUsage>> forTenant(UUID tenantId, LocalDate from, LocalDate to) {
    return pool.preparedQuery("SELECT site_id FROM tenant WHERE id = $1").execute(Tuple.of(tenantId))
      .compose(rows -> rows.size() == 0 ? Future.succeededFuture(List.<TenantUsage>of())
        : usage(rows.iterator().next().getUUID(0), tenantId, from, to));
  }

  /**
   * Makes the whole period current once, lists the tenants with usage in it (in the database's order), then reads
   * each batch from the rollups when asked: what a bill run of a large site uses, so that it rates one batch while
   * the next is read.
   */
  @Override
  public Future<UsageBatches> forSiteInBatches(UUID siteId, LocalDate from, LocalDate to, int tenantsPerBatch) {
    if (!from.isBefore(to)) {
      return Future.succeededFuture(UsageBatches.of(List.of(), tenantsPerBatch));
    }
    return refresh.ensure(siteId, from, to).compose(model -> pool.preparedQuery("SELECT DISTINCT tenant_id "
        + "FROM allocated_tenant_day WHERE site_id = $1 AND day >= $2 AND day < $3 ORDER BY tenant_id")
      .execute(Tuple.of(siteId, from, to))
      .map(rows -> {
        List<UUID> tenants = new ArrayList<>(rows.size());
        for (Row r : rows) {
          tenants.add(r.getUUID(0));
        }
        return UsageBatches.of(tenants.size(), UsageBatches.split(tenants, tenantsPerBatch),
          batch -> UsageAssembler.read(pool, model, batch, from, to));
      }));
  }

  private Future<List<TenantUsage>> usage(UUID siteId, UUID tenantId, LocalDate from, LocalDate to) {
    if (!from.isBefore(to)) {
      return Future.succeededFuture(List.of());
    }
    long started = System.nanoTime();
    return refresh.ensure(siteId, from, to).compose(model -> {
      long ensured = System.nanoTime();
      List<UUID> only = tenantId != null ? List.of(tenantId) : null;
      return UsageAssembler.read(pool, model, only, from, to).onSuccess(usages -> LOG.info(
        "allocated usage read site={} tenants={} from={} to={} refresh_ms={} read_ms={}", siteId,
        tenantId != null ? 1 : usages.size(), from, to, (ensured - started) / 1_000_000,
        (System.nanoTime() - ensured) / 1_000_000));
    });
  }

  /**
   * The stored rows of [from, to) after making them current; {@code tenantId} null: every tenant's, and with
   * {@code includeLandlord} also the vacant units' shares (reports by unit, floor, building show them).
   */
  public Future<List<AllocatedRow>> rows(UUID siteId, UUID tenantId, LocalDate from, LocalDate to,
                                         boolean includeLandlord) {
    if (!from.isBefore(to)) {
      return Future.succeededFuture(List.of());
    }
    return refresh.ensure(siteId, from, to).compose(model -> read(siteId, tenantId, from, to, includeLandlord));
  }

  private Future<List<AllocatedRow>> read(UUID siteId, UUID tenantId, LocalDate from, LocalDate to,
                                          boolean includeLandlord) {
    String sql = "SELECT day, tenant_id, unit_id, utility, meter_id, register, rule_id, rule_kind, day_start, quantities, "
      + "value_bytes, total_milli, metered_milli, estimated FROM allocated_usage "
      // one tenant's: each day one short range of the (site_id, day, tenant_id) index (V20)
      + (tenantId != null ? "WHERE site_id = $1 AND day = ANY($2::date[]) AND tenant_id = $3 "
        : "WHERE site_id = $1 AND day >= $2 AND day < $3 " + (includeLandlord ? "" : "AND tenant_id IS NOT NULL "))
      + "ORDER BY tenant_id, utility, day, meter_id, rule_id, unit_id";   // the assembler's source order
    Tuple args = tenantId != null ? Tuple.of(siteId, UsageAssembler.days(from, to), tenantId)
      : Tuple.of(siteId, from, to);
    return pool.preparedQuery(sql).execute(args).map(result -> {
      List<AllocatedRow> out = new ArrayList<>(result.size());
      for (Row r : result) {
        byte[] packed = r.getBuffer("quantities").getBytes();
        int width = r.getShort("value_bytes");
        long[] q = new long[packed.length / width];
        for (int i = 0; i < q.length; i++) {
          q[i] = width == 4 ? BigEndian.intAt(packed, i * 4) : BigEndian.longAt(packed, i * 8);
        }
        String register = r.getString("register");
        out.add(new AllocatedRow(r.getLocalDate("day"), r.getUUID("tenant_id"), r.getUUID("unit_id"),
          r.getString("utility"), SiteModel.canonicalUnit(register), r.getUUID("meter_id"), register,
          r.getUUID("rule_id"), r.getString("rule_kind"), r.getOffsetDateTime("day_start").toEpochSecond(), q,
          r.getLong("total_milli"), r.getLong("metered_milli"), r.getBoolean("estimated")));
      }
      return out;
    });
  }

  static IntervalUsage emptyUsage() {
    return IntervalUsage.empty(AllocationRefresh.INTERVAL_SECONDS);
  }
}
