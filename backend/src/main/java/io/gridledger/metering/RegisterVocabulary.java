package io.gridledger.metering;

import java.util.Map;
import java.util.Optional;

/**
 * The register names Gridledger understands and what they measure. Cumulative registers (energy, volume) are turned
 * into interval consumption; instantaneous ones (power, temperature, CO2) are kept as readings only. The list is
 * documented in docs/protocols.md.
 */
public final class RegisterVocabulary {

  /** What a register measures: the quantity decides which units it accepts. */
  public record Definition(String quantity, boolean cumulative) {
  }

  private static final Map<String, Definition> REGISTERS = Map.ofEntries(
    Map.entry("energy_active_import", new Definition("energy", true)),
    Map.entry("energy_active_export", new Definition("energy", true)),
    Map.entry("energy_reactive_import", new Definition("reactive_energy", true)),
    Map.entry("energy_heat", new Definition("energy", true)),
    Map.entry("energy_cooling", new Definition("energy", true)),
    Map.entry("volume", new Definition("volume", true)),
    // fan-coil valve-open time x speed weight (e.g. low 0.5, medium 0.75, high 1): weights central HVAC apportionment
    Map.entry("fan_coil_runtime_weighted", new Definition("runtime", true)),
    Map.entry("power_active", new Definition("power", false)),
    Map.entry("power_reactive", new Definition("reactive_power", false)),
    Map.entry("power_thermal", new Definition("power", false)),
    Map.entry("voltage_l1", new Definition("voltage", false)),
    Map.entry("voltage_l2", new Definition("voltage", false)),
    Map.entry("voltage_l3", new Definition("voltage", false)),
    Map.entry("current_l1", new Definition("current", false)),
    Map.entry("current_l2", new Definition("current", false)),
    Map.entry("current_l3", new Definition("current", false)),
    Map.entry("frequency", new Definition("frequency", false)),
    Map.entry("power_factor", new Definition("ratio", false)),
    Map.entry("flow_rate", new Definition("flow", false)),
    Map.entry("temperature_supply", new Definition("temperature", false)),
    Map.entry("temperature_return", new Definition("temperature", false)),
    Map.entry("temperature", new Definition("temperature", false)),
    Map.entry("humidity", new Definition("humidity", false)),
    Map.entry("co2", new Definition("concentration_ppm", false)),
    Map.entry("pm25", new Definition("concentration_mass", false)));

  private RegisterVocabulary() {
  }

  public static Optional<Definition> lookup(String register) {
    return Optional.ofNullable(REGISTERS.get(register));
  }

  public static boolean isCumulative(String register) {
    return lookup(register).map(Definition::cumulative).orElse(false);
  }
}
