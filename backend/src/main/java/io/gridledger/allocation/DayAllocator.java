package io.gridledger.allocation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Allocates one site-local day: every billable meter's intervals go to units (through the meter's rule in force that
 * day, or directly for a unit meter without a rule) and from units to the tenant occupying the unit that day. Pure
 * computation over {@link SiteModel} and {@link DayData}; every split is a {@link LargestRemainder} split per interval,
 * so a meter's shares (tenants' and the landlord's) add up to its metered quantity exactly.
 */
final class DayAllocator {

  /** One result row: a unit's (and so its occupant's) share of one meter register through one rule on the day. */
  record Share(UUID tenantId, UUID unitId, String utility, UUID meterId, String register, UUID ruleId, String ruleKind,
               long[] quantities, long meteredMilli, boolean estimated) {
    long total() {
      long sum = 0;
      for (long q : quantities) {
        sum += q;
      }
      return sum;
    }
  }

  private final SiteModel model;
  private final LocalDate day;
  private final DayData data;
  private final int n;

  DayAllocator(SiteModel model, LocalDate day, DayData data) {
    this.model = model;
    this.day = day;
    this.data = data;
    this.n = data.n;
  }

  List<Share> allocate() {
    Set<UUID> weightOnly = weightOnlyMeters();
    List<Share> out = new ArrayList<>();
    for (SiteModel.Meter meter : model.meters.values()) {
      if (!meter.billable()) {
        continue;
      }
      SiteModel.Rule rule = model.ruleOn(meter.id(), day);
      if (rule == null) {
        if ("unit".equals(meter.level()) && meter.unitId() != null && !weightOnly.contains(meter.id())) {
          direct(meter, null, meter.unitId(), out);
        }
        continue;
      }
      switch (rule.kind()) {
        case "none" -> { }
        case "direct" -> direct(meter, rule, unitParam(rule.params(), meter), out);
        case "common_remainder" -> remainder(meter, rule, out);
        default -> split(meter, rule, series(meter), estimated(meter), out);
      }
    }
    return out;
  }

  private long[] series(SiteModel.Meter meter) {
    long[] q = data.get(meter.id(), meter.billedRegister());
    return q != null ? q : new long[n];
  }

  private boolean estimated(SiteModel.Meter meter) {
    return data.estimated(meter.id(), meter.billedRegister());
  }

  private static UUID unitParam(JsonObject params, SiteModel.Meter meter) {
    String unit = params.getString("unitId");
    return unit != null ? UUID.fromString(unit) : meter.unitId();
  }

  private void direct(SiteModel.Meter meter, SiteModel.Rule rule, UUID unitId, List<Share> out) {
    if (data.get(meter.id(), meter.billedRegister()) == null || unitId == null) {
      return;   // no interval that day: nothing to attribute (and no empty source line on the invoice)
    }
    long[] q = series(meter).clone();
    long total = 0;
    for (long v : q) {
      total += v;
    }
    out.add(new Share(model.occupant(unitId, day), unitId, meter.kind(), meter.id(), meter.billedRegister(),
      rule == null ? null : rule.id(), "direct", q, total, estimated(meter)));
  }

  /** Main minus the sum of its sub-meters of the same utility (common areas and losses), spread by a chosen rule. */
  private void remainder(SiteModel.Meter main, SiteModel.Rule rule, List<Share> out) {
    long[] rest = series(main).clone();
    boolean estimated = estimated(main);
    for (SiteModel.Meter child : model.children.getOrDefault(main.id(), List.of())) {
      if (!child.kind().equals(main.kind())) {
        continue;
      }
      long[] c = data.get(child.id(), child.billedRegister());
      if (c != null) {
        for (int i = 0; i < n; i++) {
          rest[i] -= c[i];
        }
      }
      estimated |= data.estimated(child.id(), child.billedRegister());
    }
    split(main, rule, rest, estimated, out);
  }

  /** Splits {@code totals} over the rule's units by its weights, interval by interval. */
  private void split(SiteModel.Meter meter, SiteModel.Rule rule, long[] totals, boolean estimated, List<Share> out) {
    Weights weights = Weights.of(model, meter, rule, data);
    List<UUID> units = weights.units();
    long[][] parts = new long[units.size()][n];
    long[] landlord = new long[n];
    long[] w = new long[units.size()];
    long metered = 0;
    for (int i = 0; i < n; i++) {
      long total = totals[i];
      metered += total;
      if (total == 0) {
        continue;
      }
      long[] shares = units.isEmpty() ? null : LargestRemainder.split(total, weights.at(i, w));
      if (shares == null && weights.fallback() != null) {
        shares = LargestRemainder.split(total, weights.fallback());
      }
      if (shares == null) {
        landlord[i] += total;
        continue;
      }
      for (int j = 0; j < shares.length; j++) {
        parts[j][i] += shares[j];
      }
    }
    for (int j = 0; j < units.size(); j++) {
      UUID tenant = model.occupant(units.get(j), day);
      if (tenant != null || nonZero(parts[j])) {
        out.add(new Share(tenant, units.get(j), meter.kind(), meter.id(), meter.billedRegister(), rule.id(), rule.kind(),
          parts[j], metered, estimated));
      }
    }
    if (nonZero(landlord)) {
      out.add(new Share(null, null, meter.kind(), meter.id(), meter.billedRegister(), rule.id(), rule.kind(), landlord,
        metered, estimated));
    }
  }

  private static boolean nonZero(long[] q) {
    for (long v : q) {
      if (v != 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Meters that only measure how to split another meter (BTU meters of a "btu" rule, sub-meters of a "submetered"
   * rule): they are instruments of the split, so they are not also billed directly (that would count twice).
   */
  private Set<UUID> weightOnlyMeters() {
    Set<UUID> out = new HashSet<>();
    for (SiteModel.Meter meter : model.meters.values()) {
      SiteModel.Rule rule = model.ruleOn(meter.id(), day);
      if (rule == null) {
        continue;
      }
      if ("btu".equals(rule.kind())) {
        String register = Weights.btuRegister(meter, rule.params());
        for (UUID unit : Weights.targetUnits(model, meter, rule.params())) {
          for (SiteModel.Meter m : model.metersByUnit.getOrDefault(unit, List.of())) {
            if (m.registerUnits().containsKey(register)) {
              out.add(m.id());
            }
          }
        }
      } else if ("submetered".equals(rule.kind())) {
        Weights.subMeters(model, meter, rule.params()).forEach(m -> out.add(m.id()));
      }
    }
    return out;
  }

  static long percentWeight(Object percent) {
    return new BigDecimal(String.valueOf(percent)).movePointRight(4).longValueExact();
  }

  static List<UUID> ids(JsonArray array) {
    List<UUID> out = new ArrayList<>();
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        out.add(UUID.fromString(array.getString(i)));
      }
    }
    return out;
  }
}
