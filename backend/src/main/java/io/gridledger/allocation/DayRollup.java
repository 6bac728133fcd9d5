package io.gridledger.allocation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A day's shares rolled up the way billing reads them: per tenant and utility the quantities summed over all the
 * tenant's sources (allocated_tenant_day), and per tenant and source the day's share and the meter's metered total
 * (allocated_source_day). Landlord shares (no tenant) are not billed and are not rolled up.
 */
record DayRollup(List<TenantDay> tenantDays, List<SourceDay> sourceDays) {

  record TenantDay(UUID tenantId, String utility, String unit, long[] quantities, boolean estimated) {
    long total() {
      long sum = 0;
      for (long q : quantities) {
        sum += q;
      }
      return sum;
    }
  }

  /** A tenant with two units on one meter gets one row: shares added, the meter's metered total counted once. */
  record SourceDay(UUID tenantId, String utility, UUID meterId, String register, UUID ruleId, String ruleKind,
                   long shareMilli, long meteredMilli, boolean estimated) {
  }

  private record TenantKey(UUID tenantId, String utility) {
  }

  private record SourceKey(UUID tenantId, String utility, UUID meterId, String register, UUID ruleId,
                           String ruleKind) {
  }

  static DayRollup of(List<DayAllocator.Share> shares) {
    Map<TenantKey, TenantDay> tenants = new LinkedHashMap<>();
    Map<SourceKey, SourceDay> sources = new LinkedHashMap<>();
    for (DayAllocator.Share s : shares) {
      if (s.tenantId() == null) {
        continue;
      }
      tenants.merge(new TenantKey(s.tenantId(), s.utility()),
        new TenantDay(s.tenantId(), s.utility(), SiteModel.canonicalUnit(s.register()), s.quantities().clone(),
          s.estimated()),
        (a, b) -> {
          for (int i = 0; i < a.quantities().length; i++) {
            a.quantities()[i] += b.quantities()[i];
          }
          return new TenantDay(a.tenantId(), a.utility(), a.unit(), a.quantities(), a.estimated() || b.estimated());
        });
      sources.merge(new SourceKey(s.tenantId(), s.utility(), s.meterId(), s.register(), s.ruleId(), s.ruleKind()),
        new SourceDay(s.tenantId(), s.utility(), s.meterId(), s.register(), s.ruleId(), s.ruleKind(), s.total(),
          s.meteredMilli(), s.estimated()),
        (a, b) -> new SourceDay(a.tenantId(), a.utility(), a.meterId(), a.register(), a.ruleId(), a.ruleKind(),
          a.shareMilli() + b.shareMilli(), a.meteredMilli(), a.estimated() || b.estimated()));
    }
    return new DayRollup(new ArrayList<>(tenants.values()), new ArrayList<>(sources.values()));
  }
}
