package io.gridledger.allocation;

import io.gridledger.tariff.IntervalUsage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /**
     * Per day of the period (index = days since its first day; null: no row): the day's packed quantities as
     * stored, its width (4 or 8 bytes per value) and its first interval start. Kept packed until the usage is
     * assembled, then decoded once straight into the period's array.
     */
    final byte[][] packed;
    final byte[] valueBytes;
    final long[] dayStarts;
    final List<Source> sources = new ArrayList<>();
    boolean estimated;

    Group(UUID tenantId, String utility, int days) {
      this.tenantId = tenantId;
      this.utility = utility;
      this.packed = new byte[days][];
      this.valueBytes = new byte[days];
      this.dayStarts = new long[days];
    }
  }

  /** The days of [from, to): a period as `day = ANY(...)` takes it. */
  static LocalDate[] days(LocalDate from, LocalDate to) {
    return from.datesUntil(to).toArray(LocalDate[]::new);
  }

  /** PostgreSQL's order of uuids: their 16 bytes compared unsigned (UUID.compareTo compares signed halves). */
  static final Comparator<UUID> DATABASE_UUID_ORDER = Comparator
    .comparing(UUID::getMostSignificantBits, Long::compareUnsigned)
    .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned);


  private record GroupKey(UUID tenantId, String utility) {
  }

  /**
   * Every tenant's usage on the site over [from, to), or only the listed tenants' when {@code tenants} is not null
   * (one tenant's for the tenant view, a batch of a bill run).
   */
  static Future<List<TenantUsage>> read(Pool pool, SiteModel model, List<UUID> tenants, LocalDate from, LocalDate to) {
    Tuple args = tenants != null
      ? Tuple.of(model.siteId, days(from, to), Collections.min(tenants, DATABASE_UUID_ORDER),
        Collections.max(tenants, DATABASE_UUID_ORDER))
      : Tuple.of(model.siteId, from, to);
    // Listed tenants: the period as its days and the tenants' bounds, so that each day is one short range of the
    // (site_id, day, tenant_id) index (V20). A bill run's batch is a run of consecutive tenant ids, so the range holds
    // nothing else but a tenant that got usage since the batches were made; those rows are dropped when read.
    String where = tenants != null
      ? "WHERE site_id = $1 AND day = ANY($2::date[]) AND tenant_id >= $3 AND tenant_id <= $4 "
      : "WHERE site_id = $1 AND day >= $2 AND day < $3 ";
    Set<UUID> only = tenants != null ? new HashSet<>(tenants) : null;
    // The source totals and the day arrays are read at once, on two connections: neither needs the other's rows.
    Map<GroupKey, Group> streamed = new HashMap<>();
    int days = (int) (to.toEpochDay() - from.toEpochDay());
    Future<Void> dayRows = streamDays(pool, args, where, only, from, days, streamed);
    Future<io.vertx.sqlclient.RowSet<Row>> sourceTotals = pool.preparedQuery("SELECT tenant_id, utility, meter_id, register, "
        + "rule_id, rule_kind, sum(share_milli)::bigint, sum(metered_milli)::bigint, bool_or(estimated) "
        + "FROM allocated_source_day " + where
        + "GROUP BY tenant_id, utility, meter_id, register, rule_id, rule_kind "
        + "ORDER BY tenant_id, utility, min(day), meter_id, rule_id")
      .execute(args);
    return Future.all(dayRows, sourceTotals)
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
          java.util.Arrays.fill(g.packed, null);   // copied into the usage: let them go as we go
        }
        return out;
      }));
  }

  /**
   * Reads the period's tenant-day rows into their groups (only the listed tenants' when {@code only} is not null);
   * the whole site's through a cursor (which needs a transaction).
   */
  private static Future<Void> streamDays(Pool pool, Tuple args, String where, Set<UUID> only, LocalDate from,
                                         int days, Map<GroupKey, Group> groups) {
    String sql = "SELECT tenant_id, utility, day, day_start, quantities, estimated, unit, value_bytes "
      + "FROM allocated_tenant_day " + where;
    if (only != null) {
      // a batch or one tenant: a few thousand rows, read at once (a cursor costs a transaction and more round trips)
      return pool.preparedQuery(sql).execute(args).map(rows -> {
        addDays(rows, only, from.toEpochDay(), days, groups);
        return null;
      });
    }
    return pool.withTransaction(conn -> conn.prepare(sql).compose(statement -> {
      io.vertx.sqlclient.Cursor cursor = statement.cursor(args);
      return readChunks(cursor, from.toEpochDay(), days, groups).eventually(cursor::close);
    }));
  }

  private static Future<Void> readChunks(io.vertx.sqlclient.Cursor cursor, long firstEpochDay, int days,
                                         Map<GroupKey, Group> groups) {
    return cursor.read(FETCH).compose(rows -> {
      addDays(rows, null, firstEpochDay, days, groups);
      return cursor.hasMore() ? readChunks(cursor, firstEpochDay, days, groups) : Future.succeededFuture();
    });
  }

  private static void addDays(Iterable<Row> rows, Set<UUID> only, long firstEpochDay, int days,
                              Map<GroupKey, Group> groups) {
    for (Row r : rows) {
      if (only != null && !only.contains(r.getUUID(0))) {
        continue;
      }
      Group g = groups.computeIfAbsent(new GroupKey(r.getUUID(0), r.getString(1)),
        k -> new Group(k.tenantId(), k.utility(), days));
      int index = (int) (r.getLocalDate(2).toEpochDay() - firstEpochDay);
      g.packed[index] = r.getBuffer(4).getBytes();
      g.valueBytes[index] = (byte) r.getShort(7).shortValue();
      g.dayStarts[index] = r.getOffsetDateTime(3).toEpochSecond();
      g.estimated |= r.getBoolean(5);
      if (g.unit == null) {
        g.unit = r.getString(6);
      }
    }
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

  /** The group's days laid end to end, in day order (days without a row are left out). */
  private static IntervalUsage usage(Group g, long[] fullStarts) {
    int count = 0;
    for (int d = 0; d < g.packed.length; d++) {
      if (g.packed[d] != null) {
        count += g.packed[d].length / g.valueBytes[d];
      }
    }
    long[] quantities = new long[count];
    long[] starts = count == fullStarts.length ? fullStarts : new long[count];   // every day present: the shared one
    int k = 0;
    for (int d = 0; d < g.packed.length; d++) {
      byte[] day = g.packed[d];
      if (day == null) {
        continue;
      }
      int width = g.valueBytes[d];
      int values = day.length / width;
      if (starts != fullStarts) {
        for (int i = 0; i < values; i++) {
          starts[k + i] = g.dayStarts[d] + (long) i * AllocationRefresh.INTERVAL_SECONDS;
        }
      }
      if (width == 4) {
        for (int i = 0; i < values; i++) {
          quantities[k++] = BigEndian.intAt(day, i * 4);
        }
      } else {
        for (int i = 0; i < values; i++) {
          quantities[k++] = BigEndian.longAt(day, i * 8);
        }
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
