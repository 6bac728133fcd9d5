package io.gridledger.simulator.profile;

import java.util.Set;

/**
 * A water meter. Use is bursty (taps, flushes, cleaning) around a daily volume sized by area and use, and stops when
 * the space is closed, except when {@link LeakSchedule} gives the meter a leak: then a small flow runs day and night.
 * A meter with sub-meters adds the common areas' unmetered use to their sum.
 */
public final class WaterPhysics implements MeterPhysics {

  private static final double ACTIVE_HOURS_PER_DAY = 11;

  private final String serial, use;
  private final double activeMeanFlowM3h, commonFlowM3h;
  private final Noise burst;

  public WaterPhysics(long seed, String serial, String use, double areaM2) {
    this.serial = serial;
    this.use = use;
    this.activeMeanFlowM3h = areaM2 * litresPerM2PerDay(use) / 1000 / ACTIVE_HOURS_PER_DAY;
    this.commonFlowM3h = areaM2 * 0.00002; // cleaning and toilets of the common areas, about 0.5 l/m2 a day
    this.burst = new Noise(seed, 90);
  }

  @Override
  public void update(StepInput in, Quantities out) {
    double noise = burst.next(in.dtSeconds());
    double flowM3h;
    if (!in.supplied()) {
      flowM3h = 0; // the shut-off valve is closed
    } else if (in.hasChildren()) {
      flowM3h = in.childrenPrimary() + commonFlowM3h * Occupancy.activity("common", in.local())
        * Math.max(0, 1 + 0.5 * noise);
    } else {
      double activity = Occupancy.activity(use, in.local());
      flowM3h = activeMeanFlowM3h * activity * Math.max(0, 1 + 0.8 * noise)
        + LeakSchedule.leakFlowM3h(serial, in.local().toLocalDate());
    }
    out.value("flow_rate", flowM3h);
    out.ratePerHour("volume", flowM3h);
    out.primary(flowM3h);
  }

  @Override
  public Set<String> registers() {
    return Set.of("volume", "flow_rate");
  }

  private static double litresPerM2PerDay(String use) {
    return switch (use) {
      case "retail" -> 1.5;
      case "industrial" -> 0.6;
      case "clinical" -> 4.0;
      case "office" -> 0.8;
      default -> 0.3;
    };
  }
}
