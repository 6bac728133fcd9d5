package io.gridledger.simulator.profile;

import java.util.Set;

/**
 * A three-phase electricity meter. A leaf meter follows its unit's occupancy between a base load (standby,
 * refrigeration, servers) and a peak sized by floor area; a meter with sub-meters reads their sum plus cable and
 * transformer losses, so the meter tree balances as it does on a real site.
 */
public final class ElectricityPhysics implements MeterPhysics {

  private static final double NOMINAL_VOLTAGE_V = 230, POWER_FACTOR = 0.95, DISTRIBUTION_LOSS = 0.015;
  private static final double MIN_PEAK_KW = 1.5;

  private final String use;
  private final double peakKw, baseFraction;
  private final Noise loadNoise, voltageNoise;

  public ElectricityPhysics(long seed, String use, double areaM2) {
    this.use = use;
    this.peakKw = Math.max(MIN_PEAK_KW, areaM2 * peakWattsPerM2(use) / 1000);
    this.baseFraction = baseFraction(use);
    this.loadNoise = new Noise(seed, 600);
    this.voltageNoise = new Noise(seed ^ 0x5EED, 1800);
  }

  @Override
  public void update(StepInput in, Quantities out) {
    double voltageV = in.upstreamSupplied() ? NOMINAL_VOLTAGE_V * (1 + 0.008 * voltageNoise.next(in.dtSeconds())) : 0;
    double noise = loadNoise.next(in.dtSeconds());
    double powerKw;
    if (!in.supplied()) {
      powerKw = 0;
    } else if (in.hasChildren()) {
      powerKw = in.childrenPrimary() * (1 + DISTRIBUTION_LOSS);
    } else {
      double activity = Occupancy.activity(use, in.local());
      powerKw = Math.max(0, peakKw * (baseFraction + (1 - baseFraction) * activity) * (1 + 0.06 * noise));
    }
    // Balanced three-phase load: P = 3 · U(L-N) · I · cos φ.
    double currentA = voltageV > 0 ? powerKw * 1000 / (3 * voltageV * POWER_FACTOR) : 0;
    out.value("power_active", powerKw);
    out.value("voltage_l1", voltageV);
    out.value("current_l1", currentA);
    out.ratePerHour("energy_active_import", powerKw);
    out.primary(powerKw);
  }

  @Override
  public Set<String> registers() {
    return Set.of("energy_active_import", "power_active", "voltage_l1", "current_l1");
  }

  private static double peakWattsPerM2(String use) {
    return switch (use) {
      case "office" -> 30;
      case "retail" -> 60;
      case "industrial" -> 80;
      case "clinical" -> 45;
      default -> 12;
    };
  }

  private static double baseFraction(String use) {
    return switch (use) {
      case "office" -> 0.25;
      case "retail" -> 0.25; // refrigeration and security lighting never stop
      case "industrial" -> 0.12;
      case "clinical" -> 0.40; // medical refrigerators, IT, emergency lighting
      default -> 0.35;
    };
  }
}
