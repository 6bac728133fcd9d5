package io.gridledger.allocation;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Keeps the stored allocation (allocated_usage, one row per day/unit/meter/rule) current for a site and day range,
 * recomputing exactly the days that are missing or stale, idempotently. A day is stale when its inputs fingerprint
 * (rules, occupancy, units, meters) changed, an interval of the site in it was rebuilt after the day was computed
 * (interval_consumption.computed_at, indexed), or the interval-rebuilt event marked it dirty. Each day is recomputed
 * in its own transaction under a per-site-day advisory lock: replace the day's rows, stamp allocation_day.
 */
final class AllocationRefresh {

  private static final Logger LOG = LoggerFactory.getLogger(AllocationRefresh.class);
  static final int INTERVAL_SECONDS = 900;

  private final Pool pool;

  AllocationRefresh(Pool pool) {
    this.pool = pool;
  }

  /** Brings [from, to) up to date; the site model it used comes back (service periods, meter serials). */
  Future<SiteModel> ensure(UUID siteId, LocalDate from, LocalDate to) {
    return SiteModel.load(pool, siteId).compose(model -> staleDays(model, from, to).compose(stale -> {
      Future<Void> chain = Future.succeededFuture();
      for (LocalDate day : stale) {
        chain = chain.compose(v -> recompute(model, day));
      }
      if (!stale.isEmpty()) {
        LOG.info("allocation refreshed site={} days={} from={} to={}", siteId, stale.size(), from, to);
      }
      return chain.map(model);
    }));
  }

  private Future<Set<LocalDate>> staleDays(SiteModel model, LocalDate from, LocalDate to) {
    return pool.preparedQuery("SELECT day, inputs_hash, computed_at, dirty_since FROM allocation_day "
        + "WHERE site_id = $1 AND day >= $2 AND day < $3")
      .execute(Tuple.of(model.siteId, from, to))
      .compose(rows -> {
        Set<LocalDate> stale = new TreeSet<>();
        Map<LocalDate, OffsetDateTime> fresh = new HashMap<>();
        OffsetDateTime oldest = null;
        for (Row r : rows) {
          OffsetDateTime computed = r.getOffsetDateTime("computed_at");
          OffsetDateTime dirty = r.getOffsetDateTime("dirty_since");
          if (r.getString("inputs_hash").equals(model.fingerprint) && (dirty == null || dirty.isBefore(computed))) {
            fresh.put(r.getLocalDate("day"), computed);
            oldest = oldest == null || computed.isBefore(oldest) ? computed : oldest;
          }
        }
        for (LocalDate d = from; d.isBefore(to); d = d.plusDays(1)) {
          if (!fresh.containsKey(d)) {
            stale.add(d);
          }
        }
        if (oldest == null) {
          return Future.succeededFuture(stale);
        }
        // only intervals rebuilt since the oldest fresh day was computed: a short scan of the computed_at index
        return pool.preparedQuery("SELECT (ic.interval_start AT TIME ZONE $2)::date AS day, max(ic.computed_at) AS latest "
            + "FROM interval_consumption ic JOIN meter m ON m.id = ic.meter_id WHERE ic.computed_at > $3 "
            + "AND m.site_id = $1 AND ic.interval_start >= $4 AND ic.interval_start < $5 GROUP BY 1")
          .execute(Tuple.of(model.siteId, model.zone.getId(), oldest, utc(model, from), utc(model, to)))
          .map(changed -> {
            for (Row r : changed) {
              OffsetDateTime computed = fresh.get(r.getLocalDate("day"));
              if (computed != null && r.getOffsetDateTime("latest").isAfter(computed)) {
                stale.add(r.getLocalDate("day"));
              }
            }
            return stale;
          });
      });
  }

  static OffsetDateTime utc(SiteModel model, LocalDate day) {
    return day.atStartOfDay(model.zone).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
  }

  private Future<Void> recompute(SiteModel model, LocalDate day) {
    OffsetDateTime start = utc(model, day);
    OffsetDateTime end = utc(model, day.plusDays(1));
    int n = (int) ((end.toEpochSecond() - start.toEpochSecond()) / INTERVAL_SECONDS);
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1)), now()")
      .execute(Tuple.of("allocation:" + model.siteId + ":" + day))
      .compose(lock -> {
        OffsetDateTime computedAt = lock.iterator().next().getOffsetDateTime(1);
        return readDay(conn, model, start, end)
          .compose(rows -> compute(() -> new DayAllocator(model, day, dayData(model, rows, start, n)).allocate()))
          .compose(shares -> write(conn, model, day, start, shares, computedAt));
      }));
  }

  private Future<io.vertx.sqlclient.RowSet<Row>> readDay(SqlConnection conn, SiteModel model, OffsetDateTime start,
                                                          OffsetDateTime end) {
    Set<String> registers = new LinkedHashSet<>(SiteModel.BILLED_REGISTER.values());
    registers.add(SiteModel.RUNTIME_REGISTER);
    model.rulesByMeter.values().forEach(list -> list.forEach(r -> {
      if (r.params().getString("register") != null) {
        registers.add(r.params().getString("register"));
      }
    }));
    return conn.preparedQuery("SELECT ic.meter_id, ic.register, ic.interval_start, ic.consumption, ic.quality "
        + "FROM interval_consumption ic JOIN meter m ON m.id = ic.meter_id WHERE m.site_id = $1 "
        + "AND ic.interval_start >= $2 AND ic.interval_start < $3 AND ic.register = ANY($4)")
      .execute(Tuple.of(model.siteId, start, end, registers.toArray(new String[0])));
  }

  /** The day's rows as allocation reads them: thousandths, canonical units for billed registers, by interval index. */
  private static DayData dayData(SiteModel model, io.vertx.sqlclient.RowSet<Row> rows, OffsetDateTime start, int n) {
    DayData data = new DayData(n);
    long dayStart = start.toEpochSecond();
    Map<SiteModel.Meter, Double> billedFactors = new java.util.IdentityHashMap<>();
    for (Row r : rows) {
      SiteModel.Meter meter = model.meters.get(r.getUUID(0));
      long offset = r.getOffsetDateTime(2).toEpochSecond() - dayStart;
      if (meter == null || offset % INTERVAL_SECONDS != 0) {
        continue;   // a meter created since the model was read, or not a 15-minute interval: not ours to split
      }
      String register = r.getString(1);
      double factor = register.equals(meter.billedRegister())
        ? billedFactors.computeIfAbsent(meter, m -> m.toCanonical(register)) : meter.toCanonical(register);
      data.put(meter.id(), register, (int) (offset / INTERVAL_SECONDS), Math.round(r.getDouble(3) * factor * 1000),
        "estimated".equals(r.getString(4)));
    }
    return data;
  }

  /**
   * Turning the day's rows into arrays and splitting them is CPU work proportional to units x intervals: off the event
   * loop when there is one.
   */
  private static Future<List<DayAllocator.Share>> compute(java.util.concurrent.Callable<List<DayAllocator.Share>> work) {
    Context context = Vertx.currentContext();
    if (context == null) {
      try {
        return Future.succeededFuture(work.call());
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }
    return context.owner().executeBlocking(work, false);
  }

  private static Future<Void> write(SqlConnection conn, SiteModel model, LocalDate day, OffsetDateTime start,
                                    List<DayAllocator.Share> shares, OffsetDateTime computedAt) {
    List<Tuple> batch = new ArrayList<>(shares.size());
    for (DayAllocator.Share s : shares) {
      io.vertx.core.buffer.Buffer q = io.vertx.core.buffer.Buffer.buffer(s.quantities().length * 8);
      for (long v : s.quantities()) {
        q.appendLong(v);
      }
      batch.add(Tuple.wrap(new Object[] {model.siteId, day, s.tenantId(), s.unitId(), s.utility(), s.meterId(),
        s.register(), s.ruleId(), s.ruleKind(), start, q, s.total(), s.meteredMilli(), s.estimated()}));
    }
    Future<?> deleted = conn.preparedQuery("DELETE FROM allocated_usage WHERE site_id = $1 AND day = $2")
      .execute(Tuple.of(model.siteId, day));
    return deleted.compose(v -> batch.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(
        "INSERT INTO allocated_usage (site_id, day, tenant_id, unit_id, utility, meter_id, register, rule_id, rule_kind, "
          + "day_start, quantities, total_milli, metered_milli, estimated) "
          + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)").executeBatch(batch))
      .compose(v -> conn.preparedQuery("INSERT INTO allocation_day (site_id, day, inputs_hash, computed_at) "
        + "VALUES ($1, $2, $3, $4) ON CONFLICT (site_id, day) DO UPDATE SET inputs_hash = EXCLUDED.inputs_hash, "
        + "computed_at = EXCLUDED.computed_at").execute(Tuple.of(model.siteId, day, model.fingerprint, computedAt)))
      .mapEmpty();
  }
}
