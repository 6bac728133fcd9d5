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
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;

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
  private static final long INTERVAL_MICROS = INTERVAL_SECONDS * 1_000_000L;
  /** PostgreSQL's timestamp epoch, 2000-01-01T00:00Z, in Unix seconds: binary timestamps count microseconds from it. */
  private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
  /**
   * Stale days recomputed at once. Two overlap one day's database read with another's allocation and write, which
   * on two cores took a cold month from one day after another to about half the time; more only queue for the cores.
   */
  static final int PARALLEL_DAYS = 2;

  private final Pool pool;

  AllocationRefresh(Pool pool) {
    this.pool = pool;
  }

  /** Brings [from, to) up to date; the site model it used comes back (service periods, meter serials). */
  Future<SiteModel> ensure(UUID siteId, LocalDate from, LocalDate to) {
    Future<OffsetDateTime> checkedAt = pool.query("SELECT now()").execute()
      .map(rows -> rows.iterator().next().getOffsetDateTime(0));
    return checkedAt.compose(checked -> SiteModel.load(pool, siteId)).compose(model -> staleDays(model, from, to)
      .compose(stale -> {
        if (stale.isEmpty()) {
          return Future.succeededFuture(model);
        }
        long started = System.nanoTime();
        Deque<LocalDate> queue = new ConcurrentLinkedDeque<>(stale);
        List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < Math.min(PARALLEL_DAYS, stale.size()); lane++) {
          lanes.add(recomputeQueued(model, queue, checkedAt.result()));
        }
        return Future.all(lanes).map(v -> {
          LOG.info("allocation refreshed site={} days={} from={} to={} ms={}", siteId, stale.size(), from, to,
            (System.nanoTime() - started) / 1_000_000);
          return model;
        });
      }));
  }

  /** One lane of recomputation: takes the next stale day off the shared queue until it is empty. */
  private Future<Void> recomputeQueued(SiteModel model, Deque<LocalDate> queue, OffsetDateTime checkedAt) {
    LocalDate day = queue.pollFirst();
    if (day == null) {
      return Future.succeededFuture();
    }
    return recompute(model, day, checkedAt).compose(v -> recomputeQueued(model, queue, checkedAt));
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

  /**
   * Recomputes the day unless, while this caller waited for the day's lock, another (the maintainer, a bill run, a
   * report) recomputed it from the same inputs after {@code checkedAt}, when this caller found it stale: a day is
   * computed once, not once per concurrent reader.
   */
  private Future<Void> recompute(SiteModel model, LocalDate day, OffsetDateTime checkedAt) {
    OffsetDateTime start = utc(model, day);
    OffsetDateTime end = utc(model, day.plusDays(1));
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1)), now()")
      .execute(Tuple.of("allocation:" + model.siteId + ":" + day))
      .compose(lock -> conn.preparedQuery("SELECT 1 FROM allocation_day WHERE site_id = $1 AND day = $2 "
          + "AND inputs_hash = $3 AND computed_at >= $4 AND (dirty_since IS NULL OR dirty_since < computed_at)")
        .execute(Tuple.of(model.siteId, day, model.fingerprint, checkedAt))
        .compose(done -> done.size() > 0 ? Future.succeededFuture()
          : recomputeLocked(conn, model, day, start, end, lock.iterator().next().getOffsetDateTime(1)))));
  }

  /** Under the day's lock: read the day's intervals, allocate them, replace the stored day. */
  private Future<Void> recomputeLocked(SqlConnection conn, SiteModel model, LocalDate day, OffsetDateTime start,
                                       OffsetDateTime end, OffsetDateTime computedAt) {
    int n = (int) ((end.toEpochSecond() - start.toEpochSecond()) / INTERVAL_SECONDS);
    long[] phase = {System.nanoTime(), 0, 0};
    return readDay(conn, model, start, end)
      .compose(rows -> {
        phase[1] = System.nanoTime();
        return compute(() -> new DayAllocator(model, day, dayData(model, rows, start, n)).allocate());
      })
      .compose(shares -> {
        phase[2] = System.nanoTime();
        return write(conn, model, day, start, shares, computedAt).onSuccess(v -> LOG.info(
          "allocation day recomputed site={} day={} shares={} read_ms={} compute_ms={} write_ms={}", model.siteId,
          day, shares.size(), (phase[1] - phase[0]) / 1_000_000, (phase[2] - phase[1]) / 1_000_000,
          (System.nanoTime() - phase[2]) / 1_000_000));
      });
  }

  /**
   * The day's intervals of every meter register allocation reads, one row per register with its interval starts and
   * quantities packed as bytes: 10,000 rows for a 10,000-unit day instead of 960,000, which the client decodes without
   * boxing a value.
   *
   * <p>Each register is read by its own range of the interval key (meter, register, start), which comes back in key
   * order and so aggregates without hashing or sorting. Asking for the whole site with {@code meter_id = ANY} and
   * {@code register = ANY} instead made PostgreSQL sort the day's 960,000 rows before grouping them; that took twice
   * as long. The starts go as PostgreSQL's binary timestamp (microseconds since 2000-01-01 UTC), because
   * {@code extract(epoch ...)} per row cost more than the rest of the aggregation.
   */
  private Future<io.vertx.sqlclient.RowSet<Row>> readDay(SqlConnection conn, SiteModel model, OffsetDateTime start,
                                                          OffsetDateTime end) {
    List<UUID> meters = new ArrayList<>();
    List<String> registers = new ArrayList<>();
    Set<String> wanted = registersAllocationReads(model);
    for (SiteModel.Meter meter : model.meters.values()) {
      for (String register : meter.registerUnits().keySet()) {
        if (wanted.contains(register)) {
          meters.add(meter.id());
          registers.add(register);
        }
      }
    }
    return conn.preparedQuery("SELECT k.meter_id, k.register, x.starts, x.quantities, x.estimated "
        + "FROM unnest($1::uuid[], $2::text[]) AS k(meter_id, register), LATERAL ("
        + "SELECT string_agg(timestamptz_send(ic.interval_start), ''::bytea) AS starts, "
        + "string_agg(float8send(ic.consumption), ''::bytea) AS quantities, "
        + "bool_or(ic.quality = 'estimated') AS estimated FROM interval_consumption ic "
        + "WHERE ic.meter_id = k.meter_id AND ic.register = k.register "
        + "AND ic.interval_start >= $3 AND ic.interval_start < $4) x WHERE x.starts IS NOT NULL")
      .execute(Tuple.of(meters.toArray(new UUID[0]), registers.toArray(new String[0]), start, end));
  }

  /** Billed registers, the fan-coil runtime, and any register a rule names (BTU, dynamic weights). */
  private static Set<String> registersAllocationReads(SiteModel model) {
    Set<String> registers = new LinkedHashSet<>(SiteModel.BILLED_REGISTER.values());
    registers.add(SiteModel.RUNTIME_REGISTER);
    model.rulesByMeter.values().forEach(list -> list.forEach(r -> {
      if (r.params().getString("register") != null) {
        registers.add(r.params().getString("register"));
      }
    }));
    return registers;
  }

  /** The day's rows as allocation reads them: thousandths, canonical units for billed registers, by interval index. */
  private static DayData dayData(SiteModel model, io.vertx.sqlclient.RowSet<Row> rows, OffsetDateTime start, int n) {
    DayData data = new DayData(n);
    long dayStartMicros = (start.toEpochSecond() - POSTGRES_EPOCH_SECONDS) * 1_000_000L;
    for (Row r : rows) {
      SiteModel.Meter meter = model.meters.get(r.getUUID(0));
      if (meter == null) {
        continue;   // a meter created since the model was read: the next refresh sees it
      }
      String register = r.getString(1);
      double factor = meter.toCanonical(register);
      byte[] starts = r.getBuffer(2).getBytes();
      byte[] quantities = r.getBuffer(3).getBytes();
      long[] series = new long[n];
      boolean any = false;
      for (int i = 0; i < starts.length / 8; i++) {
        long offset = BigEndian.longAt(starts, i * 8) - dayStartMicros;
        if (offset % INTERVAL_MICROS != 0) {
          continue;   // not a 15-minute interval: not ours to split
        }
        double quantity = Double.longBitsToDouble(BigEndian.longAt(quantities, i * 8));
        series[(int) (offset / INTERVAL_MICROS)] = Math.round(quantity * factor * 1000);
        any = true;
      }
      if (any) {
        data.put(meter.id(), register, series, r.getBoolean(4));
      }
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

  /**
   * Replaces the day's stored result: the shares (allocated_usage) and the rollups billing reads (allocated_tenant_day,
   * allocated_source_day), each written as one multi-row INSERT from arrays, then stamps allocation_day.
   */
  private static Future<Void> write(SqlConnection conn, SiteModel model, LocalDate day, OffsetDateTime start,
                                    List<DayAllocator.Share> shares, OffsetDateTime computedAt) {
    Tuple key = Tuple.of(model.siteId, day);
    Future<Void> chain = Future.succeededFuture();
    for (String table : List.of("allocated_usage", "allocated_tenant_day", "allocated_source_day")) {
      chain = chain.compose(v -> conn.preparedQuery("DELETE FROM " + table + " WHERE site_id = $1 AND day = $2")
        .execute(key).mapEmpty());
    }
    DayRollup rollup = DayRollup.of(shares);
    return chain
      .compose(v -> shares.isEmpty() ? Future.succeededFuture() : insertShares(conn, model, day, start, shares))
      .compose(v -> rollup.tenantDays().isEmpty() ? Future.succeededFuture()
        : insertTenantDays(conn, model, day, start, rollup.tenantDays()))
      .compose(v -> rollup.sourceDays().isEmpty() ? Future.succeededFuture()
        : insertSourceDays(conn, model, day, rollup.sourceDays()))
      .compose(v -> conn.preparedQuery("INSERT INTO allocation_day (site_id, day, inputs_hash, computed_at) "
        + "VALUES ($1, $2, $3, $4) ON CONFLICT (site_id, day) DO UPDATE SET inputs_hash = EXCLUDED.inputs_hash, "
        + "computed_at = EXCLUDED.computed_at").execute(Tuple.of(model.siteId, day, model.fingerprint, computedAt)))
      .mapEmpty();
  }

  private static Future<?> insertShares(SqlConnection conn, SiteModel model, LocalDate day, OffsetDateTime start,
                                        List<DayAllocator.Share> shares) {
    int size = shares.size();
    UUID[] tenants = new UUID[size];
    UUID[] units = new UUID[size];
    String[] utilities = new String[size];
    UUID[] meters = new UUID[size];
    String[] registers = new String[size];
    UUID[] rules = new UUID[size];
    String[] kinds = new String[size];
    io.vertx.core.buffer.Buffer[] quantities = new io.vertx.core.buffer.Buffer[size];
    Short[] widths = new Short[size];
    Long[] totals = new Long[size];
    Long[] metered = new Long[size];
    Boolean[] estimated = new Boolean[size];
    for (int i = 0; i < size; i++) {
      DayAllocator.Share s = shares.get(i);
      tenants[i] = s.tenantId();
      units[i] = s.unitId();
      utilities[i] = s.utility();
      meters[i] = s.meterId();
      registers[i] = s.register();
      rules[i] = s.ruleId();
      kinds[i] = s.ruleKind();
      boolean narrow = fitsInInts(s.quantities());
      quantities[i] = narrow ? packInts(s.quantities()) : pack(s.quantities());
      widths[i] = (short) (narrow ? 4 : 8);
      totals[i] = s.total();
      metered[i] = s.meteredMilli();
      estimated[i] = s.estimated();
    }
    return conn.preparedQuery("INSERT INTO allocated_usage (site_id, day, day_start, tenant_id, unit_id, utility, "
        + "meter_id, register, rule_id, rule_kind, quantities, total_milli, metered_milli, estimated, value_bytes) "
        + "SELECT $1, $2, $3, * FROM unnest($4::uuid[], $5::uuid[], $6::text[], $7::uuid[], $8::text[], $9::uuid[], "
        + "$10::text[], $11::bytea[], $12::bigint[], $13::bigint[], $14::boolean[], $15::smallint[])")
      .execute(Tuple.wrap(new Object[] {model.siteId, day, start, tenants, units, utilities, meters, registers, rules,
        kinds, quantities, totals, metered, estimated, widths}));
  }

  private static Future<?> insertTenantDays(SqlConnection conn, SiteModel model, LocalDate day, OffsetDateTime start,
                                            List<DayRollup.TenantDay> days) {
    int size = days.size();
    UUID[] tenants = new UUID[size];
    String[] utilities = new String[size];
    String[] units = new String[size];
    Short[] widths = new Short[size];
    io.vertx.core.buffer.Buffer[] quantities = new io.vertx.core.buffer.Buffer[size];
    Long[] totals = new Long[size];
    Boolean[] estimated = new Boolean[size];
    for (int i = 0; i < size; i++) {
      DayRollup.TenantDay d = days.get(i);
      tenants[i] = d.tenantId();
      utilities[i] = d.utility();
      units[i] = d.unit();
      quantities[i] = fitsInInts(d.quantities()) ? packInts(d.quantities()) : pack(d.quantities());
      widths[i] = (short) (quantities[i].length() / d.quantities().length);
      totals[i] = d.total();
      estimated[i] = d.estimated();
    }
    // In tenant order, so that a bill run's batch of consecutive tenants finds each day's rows on a few adjacent
    // pages instead of one page per row (the order of the shares is the units')
    return conn.preparedQuery("INSERT INTO allocated_tenant_day (site_id, day, day_start, tenant_id, utility, unit, "
        + "value_bytes, quantities, total_milli, estimated) SELECT $1, $2, $3, * FROM unnest($4::uuid[], $5::text[], "
        + "$6::text[], $7::smallint[], $8::bytea[], $9::bigint[], $10::boolean[]) AS r(tenant_id, utility, unit, "
        + "value_bytes, quantities, total_milli, estimated) ORDER BY tenant_id")
      .execute(Tuple.wrap(new Object[] {model.siteId, day, start, tenants, utilities, units, widths, quantities, totals,
        estimated}));
  }

  private static Future<?> insertSourceDays(SqlConnection conn, SiteModel model, LocalDate day,
                                            List<DayRollup.SourceDay> days) {
    int size = days.size();
    UUID[] tenants = new UUID[size];
    String[] utilities = new String[size];
    UUID[] meters = new UUID[size];
    String[] registers = new String[size];
    UUID[] rules = new UUID[size];
    String[] kinds = new String[size];
    Long[] shares = new Long[size];
    Long[] metered = new Long[size];
    Boolean[] estimated = new Boolean[size];
    for (int i = 0; i < size; i++) {
      DayRollup.SourceDay d = days.get(i);
      tenants[i] = d.tenantId();
      utilities[i] = d.utility();
      meters[i] = d.meterId();
      registers[i] = d.register();
      rules[i] = d.ruleId();
      kinds[i] = d.ruleKind();
      shares[i] = d.shareMilli();
      metered[i] = d.meteredMilli();
      estimated[i] = d.estimated();
    }
    return conn.preparedQuery("INSERT INTO allocated_source_day (site_id, day, tenant_id, utility, meter_id, register, "
        + "rule_id, rule_kind, share_milli, metered_milli, estimated) SELECT $1, $2, * FROM unnest($3::uuid[], "
        + "$4::text[], $5::uuid[], $6::text[], $7::uuid[], $8::text[], $9::bigint[], $10::bigint[], $11::boolean[]) "
        + "AS r(tenant_id, utility, meter_id, register, rule_id, rule_kind, share_milli, metered_milli, estimated) "
        + "ORDER BY tenant_id")   // tenant order, as above
      .execute(Tuple.wrap(new Object[] {model.siteId, day, tenants, utilities, meters, registers, rules, kinds, shares,
        metered, estimated}));
  }

  static boolean fitsInInts(long[] quantities) {
    for (long v : quantities) {
      if (v != (int) v) {
        return false;
      }
    }
    return true;
  }

  /** Big-endian 4-byte integers: the rollup's form when every value fits (V16). */
  static io.vertx.core.buffer.Buffer packInts(long[] quantities) {
    io.vertx.core.buffer.Buffer q = io.vertx.core.buffer.Buffer.buffer(quantities.length * 4);
    for (long v : quantities) {
      q.appendInt((int) v);
    }
    return q;
  }

  /** Big-endian 8-byte integers, the packed form of a day's quantities (V13). */
  static io.vertx.core.buffer.Buffer pack(long[] quantities) {
    io.vertx.core.buffer.Buffer q = io.vertx.core.buffer.Buffer.buffer(quantities.length * 8);
    for (long v : quantities) {
      q.appendLong(v);
    }
    return q;
  }
}
