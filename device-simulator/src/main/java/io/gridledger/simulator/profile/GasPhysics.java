package io.gridledger.simulator.profile;

import java.time.ZonedDateTime;
import java.util.Set;

/**
 * A gas meter. Unit meters are kitchens: burners idle while open and peak at lunch and dinner. A main meter with no
 * gas sub-meters feeds space heating instead, following the outdoor temperature. Natural gas is taken at about
 * 10.4 kWh per m3.
 */
public final class GasPhysics implements MeterPhysics {

  private static final double KWH_PER_M3 = 10.4, DISTRIBUTION_LOSS = 0.01;

  private final String use;
  private final double kitchenPeakM3h, heatingPeakM3h;
  private final Noise noise;

  public GasPhysics(long seed, String use, double areaM2) {
    this.use = use;
    this.kitchenPeakM3h = Math.max(1.0, areaM2 * 0.02);
    this.heatingPeakM3h = Math.max(2.0, areaM2 * 0.060 / KWH_PER_M3); // 60 W/m2 at design outdoor temperature
    this.noise = new Noise(seed, 300);
  }

  @Override
  public void update(StepInput in, Quantities out) {
    double n = noise.next(in.dtSeconds());
    double flowM3h;
    if (!in.supplied()) {
      flowM3h = 0;
    } else if (in.hasChildren()) {
      flowM3h = in.childrenPrimary() * (1 + DISTRIBUTION_LOSS);
    } else if ("common".equals(use)) {
      double demand = ThermalPhysics.heatingDemand(in.local());
      flowM3h = heatingPeakM3h * demand * (0.6 + 0.4 * Occupancy.activity("industrial", in.local())) * (1 + 0.05 * n);
    } else {
      double activity = Occupancy.activity("retail", in.local());
      flowM3h = activity <= 0 ? 0 : kitchenPeakM3h * activity * meals(in.local()) * Math.max(0.2, 1 + 0.15 * n);
    }
    flowM3h = Math.max(0, flowM3h);
    out.value("flow_rate", flowM3h);
    out.ratePerHour("volume", flowM3h);
    out.primary(flowM3h);
  }

  @Override
  public Set<String> registers() {
    return Set.of("volume", "flow_rate");
  }

  /** Burners idle at a third between meals and run flat out around 12:30 and 19:30. */
  private static double meals(ZonedDateTime local) {
    double hour = local.getHour() + local.getMinute() / 60.0;
    double lunch = Math.max(0, 1 - Math.abs(hour - 12.5) / 1.5), dinner = Math.max(0, 1 - Math.abs(hour - 19.5) / 1.5);
    return 0.35 + 0.65 * Math.max(lunch, dinner);
  }
}
