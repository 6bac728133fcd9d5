package io.gridledger.simulator.profile;

import java.time.ZonedDateTime;
import java.util.Set;

/**
 * A heat or cooling (BTU) meter on a water circuit. Thermal power follows the weather (heating in winter, cooling in
 * summer, month by month through {@link Climate}) and occupancy; supply temperature follows a heating curve or the
 * chilled-water set point; the flow is whatever carries that power at that temperature difference:
 *
 * <pre>
 *   P = ρ · c · q · ΔT        ρ ≈ 1000 kg/m3, c ≈ 4.19 kJ/(kg·K)
 *   P[kW] = 1.1639 · q[m3/h] · ΔT[K]      (1000 · 4.19 / 3600)
 * </pre>
 *
 * so power, flow and the two temperatures a meter reports are always consistent, and the energy register (MWh)
 * integrates the power. A closed valve (the meter's switch open) stops the flow and with it the power.
 */
public final class ThermalPhysics implements MeterPhysics {

  /** ρ · c in kW per (m3/h · K): 1000 kg/m3 · 4.19 kJ/(kg·K) / 3600 s/h. */
  public static final double KW_PER_M3H_KELVIN = 1000 * 4.19 / 3600;
  private static final double PLANT_DISTRIBUTION_LOSS = 0.06;

  private final boolean heating;
  private final String use;
  private final double designKw;
  private final Noise noise;

  public ThermalPhysics(long seed, boolean heating, String use, double areaM2) {
    this.heating = heating;
    this.use = use;
    this.designKw = Math.max(5, areaM2 * (heating ? 45 : 55) / 1000);
    this.noise = new Noise(seed, 900);
  }

  @Override
  public void update(StepInput in, Quantities out) {
    double n = noise.next(in.dtSeconds());
    double demand = heating ? heatingDemand(in.local()) : coolingDemand(in.local());
    double powerKw;
    if (!in.supplied()) {
      powerKw = 0;
    } else if (in.hasChildren()) {
      powerKw = in.childrenPrimary() * (1 + PLANT_DISTRIBUTION_LOSS);
    } else {
      double activity = Occupancy.activity(use, in.local());
      // Night set-back keeps 40 % of the heating; cooling mostly stops when nobody is in.
      double schedule = heating ? 0.4 + 0.6 * activity : 0.1 + 0.9 * activity;
      double internalGains = heating ? 0 : 0.05 * activity; // IT and people need some cooling all year
      powerKw = Math.max(0, designKw * (demand * schedule + internalGains) * (1 + 0.05 * n));
    }
    double supplyC, deltaK;
    if (heating) {
      // Heating curve: 70 °C at -12 °C outside down to 45 °C at 15 °C; ΔT opens from 8 K to 20 K with load.
      double outdoorC = Climate.outdoorC(in.local());
      supplyC = clamp(70 - (outdoorC + 12) * 25 / 27, 45, 70);
      deltaK = 8 + 12 * demand;
    } else {
      supplyC = 6; // chilled-water set point
      deltaK = 3 + 3 * demand;
    }
    double flowM3h = powerKw / (KW_PER_M3H_KELVIN * deltaK);
    if (flowM3h <= 0) {
      // No flow: the temperatures of standing water in the meter's sensors converge.
      deltaK = 1;
    }
    double returnC = heating ? supplyC - deltaK : supplyC + deltaK;
    out.value("power_thermal", powerKw);
    out.value("flow_rate", flowM3h);
    out.value("temperature_supply", supplyC);
    out.value("temperature_return", returnC);
    out.ratePerHour(heating ? "energy_heat" : "energy_cooling", powerKw / 1000);
    out.ratePerHour("volume", flowM3h);
    out.primary(powerKw);
  }

  @Override
  public Set<String> registers() {
    return Set.of(heating ? "energy_heat" : "energy_cooling", "power_thermal", "flow_rate", "temperature_supply",
      "temperature_return", "volume");
  }

  /** 0 above 15 °C outside, 1 at the design temperature of -12 °C. */
  public static double heatingDemand(ZonedDateTime local) {
    return clamp((15 - Climate.outdoorC(local)) / 27, 0, 1);
  }

  /** 0 below 14 °C outside, 1 at the design temperature of 32 °C. */
  public static double coolingDemand(ZonedDateTime local) {
    return clamp((Climate.outdoorC(local) - 14) / 18, 0, 1);
  }

  static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }
}
