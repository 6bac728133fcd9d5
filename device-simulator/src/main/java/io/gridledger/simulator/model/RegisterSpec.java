package io.gridledger.simulator.model;

/**
 * One register as the site document declares it.
 *
 * @param maxValue the value at which the register rolls over to zero, or null if it never does
 */
public record RegisterSpec(String name, String unit, Double maxValue) {

  /** Counters (energy, volume) integrate over time and only grow; everything else is an instantaneous value. */
  public boolean cumulative() {
    return name.startsWith("energy_") || name.equals("volume");
  }

  /**
   * Whether the meter's multiplier (CT ratio, pulse weight) applies: the device reports secondary values, the platform
   * multiplies them back. Voltage and ambient quantities are not transformed by a CT or a pulse divider.
   */
  public boolean scaledByMultiplier() {
    return !(name.startsWith("voltage") || name.startsWith("temperature") || name.equals("humidity")
      || name.equals("co2") || name.equals("pm25"));
  }
}
