package io.gridledger.simulator.model;

import java.util.Map;

/**
 * Converts the simulator's canonical units (kWh, kW, MWh, m3, m3/h, V, A, degC, %, ppm, ug/m3) to the unit a site
 * document declares, within one dimension (a document may count energy in Wh or MWh, water in litres).
 */
public final class Units {

  private record Unit(String dimension, double size) { }

  private static final Map<String, Unit> UNITS = Map.ofEntries(
    Map.entry("Wh", new Unit("energy", 0.001)), Map.entry("kWh", new Unit("energy", 1)),
    Map.entry("MWh", new Unit("energy", 1000)), Map.entry("GJ", new Unit("energy", 277.7778)),
    Map.entry("W", new Unit("power", 0.001)), Map.entry("kW", new Unit("power", 1)),
    Map.entry("MW", new Unit("power", 1000)),
    Map.entry("l", new Unit("volume", 0.001)), Map.entry("L", new Unit("volume", 0.001)),
    Map.entry("m3", new Unit("volume", 1)),
    Map.entry("l/h", new Unit("flow", 0.001)), Map.entry("m3/h", new Unit("flow", 1)));

  private Units() {
  }

  /** The factor that turns a value in canonical into one in declared, or 1 where they are not comparable. */
  public static double factor(String canonical, String declared) {
    Unit from = UNITS.get(canonical), to = UNITS.get(declared);
    if (from == null || to == null || !from.dimension().equals(to.dimension())) {
      return 1;
    }
    return from.size() / to.size();
  }

  /** The unit the physics computes a register in. */
  static String canonical(String register) {
    if (register.equals("energy_heat") || register.equals("energy_cooling")) {
      return "MWh";
    }
    if (register.startsWith("energy_")) {
      return "kWh";
    }
    return switch (register) {
      case "power_active", "power_thermal" -> "kW";
      case "volume" -> "m3";
      case "flow_rate" -> "m3/h";
      default -> null;
    };
  }
}
