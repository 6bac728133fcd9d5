package io.gridledger.simulator.modbus;

import io.gridledger.simulator.model.MeterReading;
import io.gridledger.simulator.model.MeterSpec;
import io.gridledger.simulator.model.RegisterSpec;
import io.gridledger.simulator.model.Units;

/**
 * Values a register map offers beyond what the site document declares for the meter (a real SDM630 also reports
 * frequency, per-phase values and export energy). They are derived from the declared registers so they stay
 * consistent: a balanced three-phase load, no export, a steady grid.
 */
final class DerivedValues {

  private static final double POWER_FACTOR = 0.95, GRID_FREQUENCY_HZ = 50.0;

  private DerivedValues() {
  }

  /** The entry's value in the map's unit; a register the document declares in another unit is converted. */
  static double value(RegisterMapEntry entry, MeterReading reading, MeterSpec meter) {
    String name = entry.name();
    return switch (name) {
      case "voltage_l2", "voltage_l3" -> declared(reading, meter, "voltage_l1", entry.unit());
      case "current_l2", "current_l3" -> declared(reading, meter, "current_l1", entry.unit());
      case "power_active_l1" -> declared(reading, meter, "power_active", entry.unit()) / 3;
      case "energy_active_total" -> declared(reading, meter, "energy_active_import", entry.unit());
      case "power_factor" -> declared(reading, meter, "power_active", "kW") > 0 ? POWER_FACTOR : 1.0;
      // A few millihertz of wander so the value is visibly live.
      case "frequency" -> GRID_FREQUENCY_HZ + 0.02 * Math.sin(reading.time().getEpochSecond() / 97.0);
      // Declared registers as they are; export energy and anything else the simulated load never produces: 0.
      default -> declared(reading, meter, name, entry.unit());
    };
  }

  private static double declared(MeterReading reading, MeterSpec meter, String register, String unit) {
    Double value = reading.values().get(register);
    if (value == null) {
      return 0;
    }
    String declaredUnit = meter.register(register).map(RegisterSpec::unit).orElse(unit);
    return value * Units.factor(declaredUnit, unit);
  }
}
