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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns stored day rows into {@link TenantUsage}: per tenant and utility, the day arrays of all its sources summed
 * interval by interval and laid end to end (ascending starts), the sources totalled, and the service period taken
 * from occupancy. Opening and closing register reads are looked up for direct meters (one query for all of them).
 */
final class UsageAssembler {

  private UsageAssembler() {
  }

  private static final class Source {
    final AllocatedRow first;
    long share;
    long metered;
    boolean estimated;
    final Set<LocalDate> days = new HashSet<>();

    Source(AllocatedRow first) {
      this.first = first;
    }
  }

  private static final class Group {
    final UUID tenantId;
    final String utility;
    final String unit;
    /** day -> summed quantities of the day, and the day's first interval start */
    final Map<LocalDate, long[]> days = new java.util.TreeMap<>();
    final Map<LocalDate, Long> dayStarts = new HashMap<>();
    final Map<String, Source> sources = new LinkedHashMap<>();
    boolean estimated;

    Group(UUID tenantId, String utility, String unit) {
      this.tenantId = tenantId;
      this.utility = utility;
      this.unit = unit;
    }
  }

  static Future<List<TenantUsage>> assemble(Pool pool, SiteModel model, List<AllocatedRow> rows, LocalDate from,
                                            LocalDate to) {
    Map<String, Group> groups = new LinkedHashMap<>();
    for (AllocatedRow row : rows) {
      Group g = groups.computeIfAbsent(row.tenantId() + "/" + row.utility(),
        k -> new Group(row.tenantId(), row.utility(), row.unit()));
      long[] day = g.days.get(row.day());
      if (day == null) {
        g.days.put(row.day(), row.quantities().clone());
        g.dayStarts.put(row.day(), row.dayStartEpochSecond());
      } else {
        for (int i = 0; i < day.length; i++) {
          day[i] += row.quantities()[i];
        }
      }
      Source s = g.sources.computeIfAbsent(row.meterId() + "/" + row.register() + "/" + row.ruleId() + "/"
        + row.ruleKind(), k -> new Source(row));
      s.share += row.totalMilli();
      if (s.days.add(row.day())) {
        s.metered += row.meteredMilli();   // a tenant with two units on one meter: the meter counted once a day
      }
      s.estimated |= row.estimated();
      g.estimated |= row.estimated();
    }
    List<Group> list = new ArrayList<>(groups.values());
    return openingClosing(pool, model, list, from, to).map(reads -> {
      List<TenantUsage> out = new ArrayList<>(list.size());
      for (Group g : list) {
        LocalDate[] service = servicePeriod(model, g.tenantId, from, to);
        List<UsageSource> sources = new ArrayList<>();
        for (Source s : g.sources.values()) {
          AllocatedRow r = s.first;
          SiteModel.Meter meter = model.meters.get(r.meterId());
          String key = g.tenantId + "/" + r.meterId() + "/" + r.register();
          boolean direct = "direct".equals(r.ruleKind());
          sources.add(new UsageSource(r.meterId(), meter == null ? null : meter.serial(), r.register(), r.ruleId(),
            r.ruleKind(), s.share, s.metered, direct ? reads.get(key + "/open") : null,
            direct ? reads.get(key + "/close") : null, s.estimated));
        }
        out.add(new TenantUsage(g.tenantId, g.utility, g.unit, service[0], service[1], usage(g), g.estimated,
          List.copyOf(sources)));
      }
      return out;
    });
  }

  private static IntervalUsage usage(Group g) {
    int count = 0;
    for (long[] day : g.days.values()) {
      count += day.length;
    }
    long[] starts = new long[count];
    long[] quantities = new long[count];
    int k = 0;
    for (Map.Entry<LocalDate, long[]> e : g.days.entrySet()) {
      long start = g.dayStarts.get(e.getKey());
      long[] day = e.getValue();
      for (int i = 0; i < day.length; i++) {
        starts[k] = start + (long) i * AllocationRefresh.INTERVAL_SECONDS;
        quantities[k++] = day[i];
      }
    }
    return new IntervalUsage(AllocationRefresh.INTERVAL_SECONDS, starts, quantities);
  }

  /** First occupied day in [from, to) and the day after the last one, over all the tenant's units. */
  static LocalDate[] servicePeriod(SiteModel model, UUID tenantId, LocalDate from, LocalDate to) {
    LocalDate start = null;
    LocalDate end = null;
    for (SiteModel.Occupancy o : model.occupancies) {
      if (!o.tenantId().equals(tenantId)) {
        continue;
      }
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
      for (Source s : g.sources.values()) {
        if ("direct".equals(s.first.ruleKind())) {
          String key = g.tenantId + "/" + s.first.meterId() + "/" + s.first.register();
          for (int edge = 0; edge < 2; edge++) {
            meters.add(s.first.meterId());
            registers.add(s.first.register());
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
