package io.gridledger.allocation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The units a rule splits over and each unit's weight: fixed for fixed %, area and headcount; per interval for
 * sub-metered share, HVAC runtime, BTU meters and the consumption spread of a remainder. A per-interval rule falls
 * back to area in an interval where all its weights are zero (no fan coil ran, no BTU meter moved): the plant still
 * used energy and someone must carry it; see docs/allocation.md.
 */
final class Weights {

  private final List<UUID> units;
  private final long[] fixed;
  private final long[][] perInterval;
  private final long[] fallback;

  private Weights(List<UUID> units, long[] fixed, long[][] perInterval, long[] fallback) {
    this.units = units;
    this.fixed = fixed;
    this.perInterval = perInterval;
    this.fallback = fallback;
  }

  List<UUID> units() {
    return units;
  }

  long[] fallback() {
    return fallback;
  }

  /** The weights of interval i (into {@code buffer} for per-interval rules). */
  long[] at(int i, long[] buffer) {
    if (fixed != null) {
      return fixed;
    }
    for (int j = 0; j < buffer.length; j++) {
      long[] q = perInterval[j];
      buffer[j] = q == null ? 0 : Math.max(0, q[i]);   // a negative interval (a correction) weighs nothing
    }
    return buffer;
  }

  static Weights of(SiteModel model, SiteModel.Meter meter, SiteModel.Rule rule, DayData data) {
    JsonObject p = rule.params();
    String kind = rule.kind();
    if ("common_remainder".equals(kind)) {
      kind = p.getString("spreadBy", "area");   // area, headcount, fixed (with shares) or consumption
    }
    switch (kind) {
      case "fixed": {
        JsonArray shares = p.getJsonArray("shares", new JsonArray());
        Map<UUID, Long> byUnit = new HashMap<>();
        for (int i = 0; i < shares.size(); i++) {
          JsonObject s = shares.getJsonObject(i);
          byUnit.merge(UUID.fromString(s.getString("unitId")), DayAllocator.percentWeight(s.getValue("percent")), Long::sum);
        }
        List<UUID> units = new ArrayList<>(byUnit.keySet());
        units.sort(Comparator.naturalOrder());
        return new Weights(units, units.stream().mapToLong(byUnit::get).toArray(), null, null);
      }
      case "area": {
        List<UUID> units = targetUnits(model, meter, p);
        return new Weights(units, area(model, units), null, null);
      }
      case "headcount": {
        List<UUID> units = targetUnits(model, meter, p);
        return new Weights(units, units.stream().mapToLong(u -> model.unitsById.get(u).headcount()).toArray(), null, null);
      }
      case "consumption": {
        List<UUID> units = targetUnits(model, meter, p);
        List<SiteModel.Meter> subs = model.children.getOrDefault(meter.id(), List.of()).stream()
          .filter(c -> c.kind().equals(meter.kind())).toList();
        return dynamic(model, units, subs, null, data);
      }
      case "submetered": {
        List<SiteModel.Meter> subs = subMeters(model, meter, p);
        Set<UUID> unitSet = new LinkedHashSet<>();
        subs.forEach(m -> unitSet.add(m.unitId()));
        List<UUID> units = new ArrayList<>(unitSet);
        units.sort(Comparator.naturalOrder());
        return dynamic(model, units, subs, p.getString("register"), data);
      }
      case "hvac_runtime":
      case "btu": {
        List<UUID> units = targetUnits(model, meter, p);
        String register = "btu".equals(kind) ? btuRegister(meter, p) : p.getString("register", SiteModel.RUNTIME_REGISTER);
        List<SiteModel.Meter> instruments = new ArrayList<>();
        for (UUID u : units) {
          for (SiteModel.Meter m : model.metersByUnit.getOrDefault(u, List.of())) {
            if (m.registerUnits().containsKey(register)) {
              instruments.add(m);
            }
          }
        }
        return dynamic(model, units, instruments, register, data);
      }
      default:
        throw new IllegalStateException("no weights for rule kind " + kind);
    }
  }

  /** Per-interval weights: each unit's sum of its instruments' intervals (register, or each one's billed register). */
  private static Weights dynamic(SiteModel model, List<UUID> units, List<SiteModel.Meter> instruments, String register,
                                 DayData data) {
    Map<UUID, Integer> index = new HashMap<>();
    for (int j = 0; j < units.size(); j++) {
      index.put(units.get(j), j);
    }
    long[][] per = new long[units.size()][];
    for (SiteModel.Meter m : instruments) {
      Integer j = index.get(m.unitId());
      long[] q = data.get(m.id(), register != null ? register : m.billedRegister());
      if (j == null || q == null) {
        continue;
      }
      if (per[j] == null) {
        per[j] = new long[data.n];
      }
      for (int i = 0; i < data.n; i++) {
        per[j][i] += q[i];
      }
    }
    return new Weights(units, null, per, area(model, units));
  }

  private static long[] area(SiteModel model, List<UUID> units) {
    return units.stream().mapToLong(u -> model.unitsById.get(u).areaCenti()).toArray();
  }

  static String btuRegister(SiteModel.Meter plant, JsonObject params) {
    return params.getString("register", "heat".equals(plant.kind()) ? "energy_heat" : "energy_cooling");
  }

  /** The sub-meters a "submetered" rule weighs by: the listed ones, else the meter's children; unit meters only. */
  static List<SiteModel.Meter> subMeters(SiteModel model, SiteModel.Meter meter, JsonObject params) {
    List<SiteModel.Meter> subs = new ArrayList<>();
    if (params.containsKey("meters")) {
      for (UUID id : DayAllocator.ids(params.getJsonArray("meters"))) {
        SiteModel.Meter m = model.meters.get(id);
        if (m != null) {
          subs.add(m);
        }
      }
    } else {
      subs.addAll(model.children.getOrDefault(meter.id(), List.of()));
    }
    return subs.stream().filter(m -> m.unitId() != null).toList();
  }

  /** The rule's units: those listed in {@code units}, else every non-common unit in the meter's scope; by id. */
  static List<UUID> targetUnits(SiteModel model, SiteModel.Meter meter, JsonObject params) {
    List<UUID> out = new ArrayList<>();
    if (params.containsKey("units")) {
      for (UUID id : DayAllocator.ids(params.getJsonArray("units"))) {
        if (model.unitsById.containsKey(id) && !out.contains(id)) {
          out.add(id);
        }
      }
      out.sort(Comparator.naturalOrder());
      return out;
    }
    for (SiteModel.Unit u : model.units) {
      boolean inScope = switch (meter.level()) {
        case "building" -> u.buildingId().equals(meter.buildingId());
        case "floor" -> u.floorId().equals(meter.floorId());
        case "unit" -> u.id().equals(meter.unitId());
        default -> true;
      };
      if (inScope && !u.common()) {
        out.add(u.id());
      }
    }
    return out;
  }
}
