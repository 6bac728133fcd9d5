package io.gridledger.billing;

import io.gridledger.allocation.AllocatedUsage;
import io.gridledger.allocation.TenantUsage;
import io.gridledger.allocation.UsageSource;
import io.gridledger.tariff.IntervalUsage;
import io.vertx.core.Future;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Allocation as a test states it: exactly the usage the test put in, so every amount can be worked out by hand.
 * Usage is set per site and tenant; {@link #forSite} answers the tenants whose service overlaps the asked days.
 */
public final class FixedAllocation implements AllocatedUsage {

  private final Map<UUID, Map<UUID, TenantUsage>> bySite = new ConcurrentHashMap<>();

  public void put(UUID siteId, TenantUsage usage) {
    bySite.computeIfAbsent(siteId, k -> new ConcurrentHashMap<>()).put(usage.tenantId(), usage);
  }

  @Override
  public Future<List<TenantUsage>> forSite(UUID siteId, LocalDate from, LocalDate to) {
    List<TenantUsage> out = new ArrayList<>();
    for (TenantUsage u : bySite.getOrDefault(siteId, Map.of()).values()) {
      if (u.serviceStart().isBefore(to) && u.serviceEnd().isAfter(from)) {
        out.add(within(u, from, to));
      }
    }
    out.sort(java.util.Comparator.comparing(TenantUsage::tenantId));
    return Future.succeededFuture(out);
  }

  @Override
  public Future<List<TenantUsage>> forTenant(UUID tenantId, LocalDate from, LocalDate to) {
    for (Map<UUID, TenantUsage> site : bySite.values()) {
      TenantUsage u = site.get(tenantId);
      if (u != null && u.serviceStart().isBefore(to) && u.serviceEnd().isAfter(from)) {
        return Future.succeededFuture(List.of(within(u, from, to)));
      }
    }
    return Future.succeededFuture(List.of());
  }

  /** The stored usage is one period's; service days are clipped to the asked range. */
  private static TenantUsage within(TenantUsage u, LocalDate from, LocalDate to) {
    LocalDate start = u.serviceStart().isBefore(from) ? from : u.serviceStart();
    LocalDate end = u.serviceEnd().isAfter(to) ? to : u.serviceEnd();
    return new TenantUsage(u.tenantId(), u.utility(), u.unit(), start, end, u.usage(), u.estimated(), u.sources());
  }

  /**
   * Electricity (kWh) with one 15-minute interval at 12:00 site-local on each day of [from, to), {@code whPerDay[i]}
   * Wh on day i, from meter {@code serial} (direct), with register reads opening..opening+total.
   */
  public static TenantUsage daily(UUID tenantId, ZoneId zone, LocalDate from, LocalDate to, long[] whPerDay,
                                  String serial, double openingKwh) {
    int days = (int) (to.toEpochDay() - from.toEpochDay());
    if (whPerDay.length != days) {
      throw new IllegalArgumentException(days + " days, " + whPerDay.length + " quantities");
    }
    long[] starts = new long[days];
    long total = 0;
    for (int d = 0; d < days; d++) {
      starts[d] = from.plusDays(d).atTime(LocalTime.NOON).atZone(zone).toEpochSecond();
      total += whPerDay[d];
    }
    UsageSource source = new UsageSource(UUID.nameUUIDFromBytes(serial.getBytes()), serial, "energy_active_import",
      null, "direct", total, total, openingKwh, openingKwh + total / 1000.0, false);
    return new TenantUsage(tenantId, "electricity", "kWh", from, to, new IntervalUsage(900, starts, whPerDay.clone()),
      false, List.of(source));
  }

  public static long[] same(int days, long wh) {
    long[] out = new long[days];
    java.util.Arrays.fill(out, wh);
    return out;
  }
}
