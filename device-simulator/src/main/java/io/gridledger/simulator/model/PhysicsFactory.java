package io.gridledger.simulator.model;

import io.gridledger.simulator.profile.ElectricityPhysics;
import io.gridledger.simulator.profile.EnvironmentPhysics;
import io.gridledger.simulator.profile.GasPhysics;
import io.gridledger.simulator.profile.MeterPhysics;
import io.gridledger.simulator.profile.ThermalPhysics;
import io.gridledger.simulator.profile.WaterPhysics;

/** Picks the physics for a meter's kind and sizes it by the area it serves. */
final class PhysicsFactory {

  private PhysicsFactory() {
  }

  static MeterPhysics forMeter(MeterSpec meter) {
    long seed = seed(meter.serial());
    Location at = meter.location();
    return switch (meter.kind()) {
      case ELECTRICITY -> new ElectricityPhysics(seed, at.use(), at.areaM2());
      case WATER -> new WaterPhysics(seed, meter.serial(), at.use(), at.areaM2());
      case GAS -> new GasPhysics(seed, at.use(), at.areaM2());
      case HEAT -> new ThermalPhysics(seed, true, at.use(), at.areaM2());
      case COOLING -> new ThermalPhysics(seed, false, at.use(), at.areaM2());
      case ENVIRONMENT -> new EnvironmentPhysics(seed, at.use(), at.areaM2(), at.headcount());
    };
  }

  /** Stable across runs and JVMs (String.hashCode is specified), so a serial always behaves the same way. */
  static long seed(String serial) {
    long h = 1125899906842597L;
    for (int i = 0; i < serial.length(); i++) {
      h = 31 * h + serial.charAt(i);
    }
    return h;
  }
}
