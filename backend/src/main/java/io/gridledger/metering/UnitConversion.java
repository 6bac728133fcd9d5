package io.gridledger.metering;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Converts a reported value into the unit the meter's register is declared in. Only units of the same quantity
 * convert (Wh to MWh, l to m3); anything else (kWh reported for a water register) is refused, because guessing would
 * put a wrong number on a bill.
 */
public final class UnitConversion {

  /** A unit: its quantity and its factor to that quantity's base unit. */
  private record UnitDef(String quantity, double toBase) {
  }

  private static final Map<String, UnitDef> UNITS = Map.ofEntries(
    Map.entry("wh", new UnitDef("energy", 0.001)),
    Map.entry("kwh", new UnitDef("energy", 1)),
    Map.entry("mwh", new UnitDef("energy", 1000)),
    Map.entry("gj", new UnitDef("energy", 1000.0 / 3.6)),
    Map.entry("varh", new UnitDef("reactive_energy", 0.001)),
    Map.entry("kvarh", new UnitDef("reactive_energy", 1)),
    Map.entry("l", new UnitDef("volume", 0.001)),
    Map.entry("m3", new UnitDef("volume", 1)),
    Map.entry("w", new UnitDef("power", 0.001)),
    Map.entry("kw", new UnitDef("power", 1)),
    Map.entry("mw", new UnitDef("power", 1000)),
    Map.entry("var", new UnitDef("reactive_power", 0.001)),
    Map.entry("kvar", new UnitDef("reactive_power", 1)),
    Map.entry("v", new UnitDef("voltage", 1)),
    Map.entry("a", new UnitDef("current", 1)),
    Map.entry("hz", new UnitDef("frequency", 1)),
    Map.entry("pf", new UnitDef("ratio", 1)),
    Map.entry("m3/h", new UnitDef("flow", 1)),
    Map.entry("l/h", new UnitDef("flow", 0.001)),
    Map.entry("l/s", new UnitDef("flow", 3.6)),
    Map.entry("degc", new UnitDef("temperature", 1)),
    Map.entry("%", new UnitDef("humidity", 1)),
    Map.entry("%rh", new UnitDef("humidity", 1)),
    Map.entry("ppm", new UnitDef("concentration_ppm", 1)),
    Map.entry("ug/m3", new UnitDef("concentration_mass", 1)),
    Map.entry("s", new UnitDef("runtime", 1)),
    Map.entry("h", new UnitDef("runtime", 3600)));

  private UnitConversion() {
  }

  /** The value in {@code toUnit}, or empty when either unit is unknown or they measure different things. */
  public static OptionalDouble convert(double value, String fromUnit, String toUnit) {
    UnitDef from = UNITS.get(normalise(fromUnit));
    UnitDef to = UNITS.get(normalise(toUnit));
    if (from == null || to == null || !from.quantity().equals(to.quantity())) {
      return OptionalDouble.empty();
    }
    if (from.toBase() == to.toBase()) {
      return OptionalDouble.of(value);
    }
    return OptionalDouble.of(value * from.toBase() / to.toBase());
  }

  public static boolean isKnown(String unit) {
    return UNITS.containsKey(normalise(unit));
  }

  /** Senders repeat the same few spellings; normalising each once keeps this off the per-reading cost. */
  private static final java.util.concurrent.ConcurrentHashMap<String, String> NORMALISED =
    new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_CACHED_SPELLINGS = 1000;

  private static String normalise(String unit) {
    if (unit == null) {
      return "";
    }
    String cached = NORMALISED.get(unit);
    if (cached != null) {
      return cached;
    }
    String normal = normaliseUncached(unit);
    if (NORMALISED.size() < MAX_CACHED_SPELLINGS) {
      NORMALISED.put(unit, normal);
    }
    return normal;
  }

  private static String normaliseUncached(String unit) {
    String u = unit.trim().toLowerCase(Locale.ROOT).replace("³", "3").replace("°c", "degc").replace("µ", "u");
    return u.equals("m^3") ? "m3" : u;
  }
}
