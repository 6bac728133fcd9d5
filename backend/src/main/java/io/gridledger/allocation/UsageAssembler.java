package io.gridledger.allocation;

import io.gridledger.tariff.IntervalUsage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the maintained rollups of a period into {@link TenantUsage}: per tenant and utility, the summed day arrays of
 * allocated_tenant_day laid end to end (ascending starts), the period totals per source from allocated_source_day
 * (summed by the database), and the service period from occupancy. Opening and closing register reads are looked up
 * for direct meters (one query for all of them). The day arrays are streamed through a cursor, a few thousand rows at
 * a time, so a 10,000-tenant month never sits in the client as one result set.
 */
final class UsageAssembler {

  /** Rows per cursor fetch: about 9 MB of packed quantities. */
  private static final int FETCH = 20_000;

  private UsageAssembler() {
  }

  private record Source(UUID meterId, String register, UUID ruleId, String ruleKind, long share, long metered,
                        boolean estimated) {
  }

  private static final class Group {
    final UUID tenantId;
    final String utility;
    String unit;
    /** day -> the day's quantities, and the day's first interval start */
    final Map<LocalDate, long[]> days = new java.util.TreeMap<>();
    final Map<LocalDate, Long> dayStarts = new HashMap<>();
    final List<Source> sources = new ArrayList<>();
    boolean estimated;

    Group(UUID tenantId, String utility) {
      this.tenantId = tenantId;
      this.utility = utility;
    }
  }

  private record GroupKey(UUID tenantId, String utility) {
  }

  /** Every tenant's usage on the site over [from, to), or one tenant's when {@code tenantId} is not null. */
  static Future<List<TenantUsage>> read(Pool pool, SiteModel model, UUID tenantId, LocalDate from, LocalDate to) {
    Tuple args = tenantId != null ? Tuple.of(model.siteId, from, to, tenantId) : Tuple.of(model.siteId, from, to);
    String tenantFilter = tenantId != null ? "AND tenant_id = $4 " : "";
    // The source totals and the day arrays are read at once, on two connections: neither needs the other's rows.
    Map<GroupKey, Group> streamed = new HashMap<>();
    Future<Void> days = streamDays(pool, args, tenantFilter, streamed);
    Future<io.vertx.sqlclient.RowSet<Row>> sourceTotals = pool.preparedQuery("SELECT tenant_id, utility, meter_id, register, "
        + "rule_id, rule_kind, sum(share_milli)::bigint, sum(metered_milli)::bigint, bool_or(estimated) "
        + "FROM allocated_source_day WHERE site_id = $1 AND day >= $2 AND day < $3 " + tenantFilter
        + "GROUP BY tenant_id, utility, meter_id, register, rule_id, rule_kind "
        + "ORDER BY tenant_id, utility, min(day), meter_id, rule_id")
      .execute(args);
    return Future.all(days, sourceTotals)
      .map(both -> {
        List<Group> list = new ArrayList<>();   // the database's order: tenant, utility
        Group current = null;
        for (Row r : sourceTotals.result()) {
          GroupKey key = new GroupKey(r.getUUID(0), r.getString(1));
          if (current == null || !current.tenantId.equals(key.tenantId()) || !current.utility.equals(key.utility())) {
            current = streamed.get(key);
            if (current == null) {
              continue;   // a source without its day rows: written after the days were read, the next read has both
            }
            list.add(current);
          }
          current.sources.add(new Source(r.getUUID(2), r.getString(3), r.getUUID(4), r.getString(5), r.getLong(6),
            r.getLong(7), r.getBoolean(8)));
        }
        return list;
      })
      .compose(list -> openingClosing(pool, model, list, from, to).map(reads -> {
        long[] fullStarts = starts(model, from, to);
        List<TenantUsage> out = new ArrayList<>(list.size());
        for (Group g : list) {
          LocalDate[] service = servicePeriod(model, g.tenantId, from, to);
          List<UsageSource> sources = new ArrayList<>(g.sources.size());
          for (Source s : g.sources) {
            SiteModel.Meter meter = model.meters.get(s.meterId());
            String key = g.tenantId + "/" + s.meterId() + "/" + s.register();
            boolean direct = "direct".equals(s.ruleKind());
            sources.add(new UsageSource(s.meterId(), meter == null ? null : meter.serial(), s.register(), s.ruleId(),
              s.ruleKind(), s.share(), s.metered(), direct ? reads.get(key + "/open") : null,
              direct ? reads.get(key + "/close") : null, s.estimated()));
          }
          out.add(new TenantUsage(g.tenantId, g.utility, g.unit, service[0], service[1], usage(g, fullStarts),
            g.estimated, List.copyOf(sources)));
          g.days.clear();   // the day arrays are copied into the usage: let them go as we go
        }
        return out;
      }));
  }

  /** Streams the period's tenant-day rows into their groups through a cursor (which needs a transaction). */
  private static Future<Void> streamDays(Pool pool, Tuple args, String tenantFilter, Map<GroupKey, Group> groups) {
    String sql = "SELECT tenant_id, utility, day, day_start, quantities, estimated, unit, value_bytes "
      + "FROM allocated_tenant_day "
      + "WHERE site_id = $1 AND day >= $2 AND day < $3 " + tenantFilter;
    return pool.withTransaction(conn -> conn.prepare(sql).compose(statement -> {
      io.vertx.sqlclient.Cursor cursor = statement.cursor(args);
      return readChunks(cursor, groups).eventually(cursor::close);
    }));
  }

  private static Future<Void> readChunks(io.vertx.sqlclient.Cursor cursor, Map<GroupKey, Group> groups) {
    return cursor.read(FETCH).compose(rows -> {
      for (Row r : rows) {
        Group g = groups.computeIfAbsent(new GroupKey(r.getUUID(0), r.getString(1)),
          k -> new Group(k.tenantId(), k.utility()));
        io.vertx.core.buffer.Buffer packed = r.getBuffer(4);
        long[] q;
        if (r.getShort(7) == 4) {
          q = new long[packed.length() / 4];
          for (int i = 0; i < q.length; i++) {
            q[i] = packed.getInt(i * 4);
          }
        } else {
          q = new long[packed.length() / 8];
          for (int i = 0; i < q.length; i++) {
            q[i] = packed.getLong(i * 8);
          }
        }
        LocalDate day = r.getLocalDate(2);
        g.days.put(day, q);
        g.dayStarts.put(day, r.getOffsetDateTime(3).toEpochSecond());
        g.estimated |= r.getBoolean(5);
        if (g.unit == null) {
          g.unit = r.getString(6);
        }
      }
      return cursor.hasMore() ? readChunks(cursor, groups) : Future.succeededFuture();
    });
  }

  /** The interval starts of every day of [from, to): shared by every tenant with usage on all of them. */
  private static long[] starts(SiteModel model, LocalDate from, LocalDate to) {
    long first = AllocationRefresh.utc(model, from).toEpochSecond();
    long end = AllocationRefresh.utc(model, to).toEpochSecond();
    long[] starts = new long[(int) ((end - first) / AllocationRefresh.INTERVAL_SECONDS)];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = first + (long) i * AllocationRefresh.INTERVAL_SECONDS;
    }
    return starts;
  }

  private static IntervalUsage usage(Group g, long[] fullStarts) {
    int count = 0;
    for (long[] day : g.days.values()) {
      count += day.length;
    }
    long[] quantities = new long[count];
    long[] starts = count == fullStarts.length ? fullStarts : new long[count];   // every day present: the shared one
    int k = 0;
    for (Map.Entry<LocalDate, long[]> e : g.days.entrySet()) {
      long start = g.dayStarts.get(e.getKey());
      long[] day = e.getValue();
      for (int i = 0; i < day.length; i++) {
        if (starts != fullStarts) {
          starts[k] = start + (long) i * AllocationRefresh.INTERVAL_SECONDS;
        }
        quantities[k++] = day[i];
      }
    }
    return new IntervalUsage(AllocationRefresh.INTERVAL_SECONDS, starts, quantities);
  }

  /** First occupied day in [from, to) and the day after the last one, over all the tenant's units. */
  static LocalDate[] servicePeriod(SiteModel model, UUID tenantId, LocalDate from, LocalDate to) {
    LocalDate start = null;
    LocalDate end = null;
    for (SiteModel.Occupancy o : model.occupancyByTenant.getOrDefault(tenantId, List.of())) {
      LocalDate s = o.from().isBefore(from) ? from : o.from();
      LocalDate e = o.to() == null || !o.to().plusDays(1).isBefore(to) ? to : o.to().plusDays(1);
      if (!s.isBefore(e)) {
        continue;
      }
      start = start == null || s.isBefore(start) ? s : start;
      end = end == null || e.isAfter(end) ? e : end;
    }
    return new LocalDate[] {start != null ? start : from, end != null ? end : to};
  }

  /** Register values at the start and end of each tenant's service for its direct meters, when a reading exists. */
  private static Future<Map<String, Double>> openingClosing(Pool pool, SiteModel model, List<Group> groups,
                                                           LocalDate from, LocalDate to) {
    List<UUID> meters = new ArrayList<>();
    List<String> registers = new ArrayList<>();
    List<OffsetDateTime> times = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (Group g : groups) {
      LocalDate[] service = servicePeriod(model, g.tenantId, from, to);
      for (Source s : g.sources) {
        if ("direct".equals(s.ruleKind())) {
          String key = g.tenantId + "/" + s.meterId() + "/" + s.register();
          for (int edge = 0; edge < 2; edge++) {
            meters.add(s.meterId());
            registers.add(s.register());
            times.add(AllocationRefresh.utc(model, service[edge]));
            keys.add(key + (edge == 0 ? "/open" : "/close"));
          }
        }
      }
    }
    Map<String, Double> out = new HashMap<>();
    if (meters.isEmpty()) {
      return Future.succeededFuture(out);
    }
    Map<String, List<String>> byLookup = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      byLookup.computeIfAbsent(meters.get(i) + "/" + registers.get(i) + "/" + times.get(i).toEpochSecond(),
        k -> new ArrayList<>()).add(keys.get(i));
    }
    return pool.preparedQuery("SELECT r.meter_id, r.register, r.ts, r.value FROM reading r JOIN "
        + "unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS w(meter_id, register, ts) "
        + "ON r.meter_id = w.meter_id AND r.register = w.register AND r.ts = w.ts")
      .execute(Tuple.of(meters.toArray(new UUID[0]), registers.toArray(new String[0]),
        times.toArray(new OffsetDateTime[0])))
      .map(rows -> {
        for (Row r : rows) {
          String lookup = r.getUUID(0) + "/" + r.getString(1) + "/" + r.getOffsetDateTime(2).toEpochSecond();
          for (String key : byLookup.getOrDefault(lookup, List.of())) {
            out.put(key, r.getDouble(3));
          }
        }
        return out;
      });
  }
}
