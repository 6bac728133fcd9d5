package io.gridledger.allocation;

import io.gridledger.metering.UnitConversion;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything allocation needs to know about a site besides the intervals: meters, units, occupancy and rules, loaded
 * once per refresh (a few queries, small next to the intervals), plus a fingerprint of all of it so that a stored day
 * computed from other inputs is recognised as stale.
 */
final class SiteModel {

  /** Billing utilities and the register each is billed on (as prepaid's REGISTER_CASE). */
  static final Map<String, String> BILLED_REGISTER = Map.of("electricity", "energy_active_import", "water", "volume",
    "gas", "volume", "heat", "energy_heat", "cooling", "energy_cooling");
  /** Fan-coil weighted runtime (valve-open seconds x speed weight), see docs/allocation.md. */
  static final String RUNTIME_REGISTER = "fan_coil_runtime_weighted";

  record Meter(UUID id, String serial, String kind, String level, UUID buildingId, UUID floorId, UUID unitId,
               UUID parentId, Map<String, String> registerUnits) {

    String billedRegister() {
      return BILLED_REGISTER.get(kind);
    }

    boolean billable() {
      return BILLED_REGISTER.containsKey(kind) && registerUnits.containsKey(billedRegister());
    }

    /** Factor from the register's declared unit to the canonical unit (kWh, m3); 1 for units allocation ignores. */
    double toCanonical(String register) {
      String unit = registerUnits.get(register);
      String canonical = canonicalUnit(register);
      if (unit == null || canonical == null) {
        return 1;
      }
      return UnitConversion.convert(1.0, unit, canonical).orElse(1);
    }
  }

  record Unit(UUID id, UUID floorId, UUID buildingId, long areaCenti, long headcount, boolean common) {
  }

  record Occupancy(UUID tenantId, UUID unitId, LocalDate from, LocalDate to) {
    boolean covers(LocalDate day) {
      return !day.isBefore(from) && (to == null || !day.isAfter(to));
    }
  }

  record Rule(UUID id, UUID meterId, String kind, JsonObject params, LocalDate effectiveFrom) {
  }

  final UUID siteId;
  final ZoneId zone;
  final Map<UUID, Meter> meters;
  /** Units ordered by id: the stable order that breaks largest-remainder ties. */
  final List<Unit> units;
  final Map<UUID, Unit> unitsById = new HashMap<>();
  final Map<UUID, List<Occupancy>> occupancyByUnit = new HashMap<>();
  /** A tenant's occupancies: service periods are looked up per tenant, 10,000 times in a site's bill run. */
  final Map<UUID, List<Occupancy>> occupancyByTenant = new HashMap<>();
  final List<Occupancy> occupancies;
  /** Per meter, its rule versions by ascending effective date. */
  final Map<UUID, List<Rule>> rulesByMeter = new HashMap<>();
  final Map<UUID, List<Meter>> children = new HashMap<>();
  final Map<UUID, List<Meter>> metersByUnit = new HashMap<>();
  final String fingerprint;

  private SiteModel(UUID siteId, ZoneId zone, Map<UUID, Meter> meters, List<Unit> units, List<Occupancy> occupancies,
                    List<Rule> rules, String fingerprint) {
    this.siteId = siteId;
    this.zone = zone;
    this.meters = meters;
    this.units = units;
    this.occupancies = occupancies;
    this.fingerprint = fingerprint;
    units.forEach(u -> unitsById.put(u.id(), u));
    occupancies.forEach(o -> occupancyByUnit.computeIfAbsent(o.unitId(), k -> new ArrayList<>()).add(o));
    occupancies.forEach(o -> occupancyByTenant.computeIfAbsent(o.tenantId(), k -> new ArrayList<>()).add(o));
    rules.forEach(r -> rulesByMeter.computeIfAbsent(r.meterId(), k -> new ArrayList<>()).add(r));
    meters.values().forEach(m -> {
      if (m.parentId() != null) {
        children.computeIfAbsent(m.parentId(), k -> new ArrayList<>()).add(m);
      }
      if (m.unitId() != null) {
        metersByUnit.computeIfAbsent(m.unitId(), k -> new ArrayList<>()).add(m);
      }
    });
    children.values().forEach(list -> list.sort(Comparator.comparing(Meter::id)));
  }

  static String canonicalUnit(String register) {
    return switch (register) {
      case "energy_active_import", "energy_heat", "energy_cooling" -> "kWh";
      case "volume" -> "m3";
      default -> null;
    };
  }

  /** The tenant occupying the unit on the day, or null (vacant: the landlord's). */
  UUID occupant(UUID unitId, LocalDate day) {
    List<Occupancy> list = occupancyByUnit.get(unitId);
    if (list != null) {
      for (Occupancy o : list) {
        if (o.covers(day)) {
          return o.tenantId();
        }
      }
    }
    return null;
  }

  /** The meter's rule version in force on the day, or null. */
  Rule ruleOn(UUID meterId, LocalDate day) {
    List<Rule> versions = rulesByMeter.get(meterId);
    Rule found = null;
    if (versions != null) {
      for (Rule r : versions) {
        if (!r.effectiveFrom().isAfter(day)) {
          found = r;
        }
      }
    }
    return found;
  }

  static Future<SiteModel> load(Pool pool, UUID siteId) {
    Tuple site = Tuple.of(siteId);
    Future<String> zone = pool.preparedQuery("SELECT time_zone FROM site WHERE id = $1").execute(site)
      .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getString(0) : null);
    Future<Map<UUID, Meter>> meters = pool.preparedQuery("SELECT id, serial, kind, location_level, building_id, "
      + "floor_id, unit_id, parent_meter_id, registers FROM meter WHERE site_id = $1 ORDER BY id").execute(site)
      .map(rows -> {
        Map<UUID, Meter> out = new LinkedHashMap<>();
        for (Row r : rows) {
          Map<String, String> regs = new java.util.TreeMap<>();
          JsonArray declared = (JsonArray) r.getValue("registers");
          for (int i = 0; i < declared.size(); i++) {
            regs.put(declared.getJsonObject(i).getString("name"), declared.getJsonObject(i).getString("unit"));
          }
          out.put(r.getUUID("id"), new Meter(r.getUUID("id"), r.getString("serial"), r.getString("kind"),
            r.getString("location_level"), r.getUUID("building_id"), r.getUUID("floor_id"), r.getUUID("unit_id"),
            r.getUUID("parent_meter_id"), regs));
        }
        return out;
      });
    Future<List<Unit>> units = pool.preparedQuery("SELECT u.id, u.floor_id, f.building_id, "
      + "(u.area_m2 * 100)::bigint AS area_centi, coalesce(u.headcount, 0) AS headcount, u.use FROM unit u "
      + "JOIN floor f ON f.id = u.floor_id WHERE u.site_id = $1 ORDER BY u.id").execute(site)
      .map(rows -> {
        List<Unit> out = new ArrayList<>();
        for (Row r : rows) {
          out.add(new Unit(r.getUUID("id"), r.getUUID("floor_id"), r.getUUID("building_id"), r.getLong("area_centi"),
            r.getInteger("headcount"), "common".equals(r.getString("use"))));
        }
        return out;
      });
    Future<List<Occupancy>> occupancy = pool.preparedQuery("SELECT tenant_id, unit_id, from_date, to_date "
      + "FROM occupancy WHERE site_id = $1 ORDER BY unit_id, from_date").execute(site)
      .map(rows -> {
        List<Occupancy> out = new ArrayList<>();
        for (Row r : rows) {
          out.add(new Occupancy(r.getUUID("tenant_id"), r.getUUID("unit_id"), r.getLocalDate("from_date"),
            r.getLocalDate("to_date")));
        }
        return out;
      });
    Future<List<Rule>> rules = pool.preparedQuery("SELECT id, meter_id, kind, params, effective_from "
      + "FROM allocation_rule WHERE site_id = $1 ORDER BY meter_id, effective_from").execute(site)
      .map(rows -> {
        List<Rule> out = new ArrayList<>();
        for (Row r : rows) {
          out.add(new Rule(r.getUUID("id"), r.getUUID("meter_id"), r.getString("kind"), (JsonObject) r.getValue("params"),
            r.getLocalDate("effective_from")));
        }
        return out;
      });
    return Future.all(zone, meters, units, occupancy, rules).map(all -> {
      if (zone.result() == null) {
        throw new IllegalArgumentException("no site " + siteId);
      }
      String print = fingerprint(meters.result().values(), units.result(), occupancy.result(), rules.result());
      return new SiteModel(siteId, ZoneId.of(zone.result()), meters.result(), units.result(), occupancy.result(),
        rules.result(), print);
    });
  }

  /**
   * A hash of everything the model holds. Each item enters as the text of its record's {@code toString()} (the form
   * the hashes stored in allocation_day were made from, so it must not change); the three record types of which a
   * site has thousands write that text themselves ({@link #describe}), because the generated {@code toString} of
   * 30,000 records per load kept a freshly started server's JIT compiler busy during the first bill run.
   */
  private static String fingerprint(Iterable<?>... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      StringBuilder text = new StringBuilder(256);
      for (Iterable<?> part : parts) {
        for (Object item : part) {
          text.setLength(0);
          digest.update(describe(text, item).toString().getBytes(StandardCharsets.UTF_8));
        }
        digest.update((byte) '|');
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Appends what {@code item.toString()} returns: a record's components as {@code Name[a=1, b=2]}. */
  static StringBuilder describe(StringBuilder text, Object item) {
    if (item instanceof Meter m) {
      return text.append("Meter[id=").append(m.id()).append(", serial=").append(m.serial()).append(", kind=")
        .append(m.kind()).append(", level=").append(m.level()).append(", buildingId=").append(m.buildingId())
        .append(", floorId=").append(m.floorId()).append(", unitId=").append(m.unitId()).append(", parentId=")
        .append(m.parentId()).append(", registerUnits=").append(m.registerUnits()).append(']');
    }
    if (item instanceof Unit u) {
      return text.append("Unit[id=").append(u.id()).append(", floorId=").append(u.floorId()).append(", buildingId=")
        .append(u.buildingId()).append(", areaCenti=").append(u.areaCenti()).append(", headcount=").append(u.headcount())
        .append(", common=").append(u.common()).append(']');
    }
    if (item instanceof Occupancy o) {
      return text.append("Occupancy[tenantId=").append(o.tenantId()).append(", unitId=").append(o.unitId())
        .append(", from=").append(o.from()).append(", to=").append(o.to()).append(']');
    }
    return text.append(item);
  }
}
