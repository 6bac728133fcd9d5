package io.gridledger.simulator.profile;

import java.time.ZonedDateTime;
import java.util.Set;

/**
 * An indoor air-quality sensor. Temperature (19-26 °C) is held near a comfort set point while occupied and drifts
 * with the season at night; humidity (30-60 %) follows the season; CO2 (400-1200 ppm) rises with the people in the
 * space and decays after they leave; PM2.5 (2-25 µg/m3) follows traffic peaks and production. Temperature and CO2
 * approach their targets with a lag, as rooms do.
 */
public final class EnvironmentPhysics implements MeterPhysics {

  private static final double TEMPERATURE_LAG_S = 1800, CO2_LAG_S = 1200;

  private final String use;
  private final double crowding;
  private final Noise noise;
  private double temperatureC = Double.NaN, co2Ppm = Double.NaN;

  public EnvironmentPhysics(long seed, String use, double areaM2, int headcount) {
    this.use = use;
    // Nominal density is one person per 12 m2; denser spaces reach higher CO2.
    this.crowding = areaM2 <= 0 ? 1 : ThermalPhysics.clamp(headcount * 12 / areaM2, 0.3, 1.3);
    this.noise = new Noise(seed, 600);
  }

  @Override
  public void update(StepInput in, Quantities out) {
    double n = noise.next(in.dtSeconds());
    ZonedDateTime local = in.local();
    double activity = Occupancy.activity(use, local);
    double season = ThermalPhysics.clamp((Climate.outdoorC(local) - 5) / 20, 0, 1); // 0 winter, 1 summer
    double targetC = activity * (21.5 + 2 * season) + (1 - activity) * (19.5 + 5.5 * season);
    double targetCo2 = 420 + 750 * activity * crowding;
    temperatureC = lag(temperatureC, targetC, in.dtSeconds(), TEMPERATURE_LAG_S);
    co2Ppm = lag(co2Ppm, targetCo2, in.dtSeconds(), CO2_LAG_S);
    double humidity = 33 + 22 * season + 5 * activity + 2 * n;
    double pm25 = 5 + 8 * traffic(local) + ("industrial".equals(use) ? 7 * activity : 0) + 1.5 * n;
    out.value("temperature", ThermalPhysics.clamp(temperatureC + 0.2 * n, 19, 26));
    out.value("humidity", ThermalPhysics.clamp(humidity, 30, 60));
    out.value("co2", ThermalPhysics.clamp(co2Ppm + 15 * n, 400, 1200));
    out.value("pm25", ThermalPhysics.clamp(pm25, 2, 25));
    out.primary(0);
  }

  @Override
  public Set<String> registers() {
    return Set.of("temperature", "humidity", "co2", "pm25");
  }

  /** First-order approach to target; the first step starts at the target. */
  private static double lag(double current, double target, double dtSeconds, double tauSeconds) {
    if (Double.isNaN(current)) {
      return target;
    }
    return target + (current - target) * Math.exp(-dtSeconds / tauSeconds);
  }

  /** Rush hours outside push fine dust in: 1 at 08:00 and 17:30 on weekdays. */
  private static double traffic(ZonedDateTime local) {
    if (local.getDayOfWeek().getValue() > 5) {
      return 0.2;
    }
    double hour = local.getHour() + local.getMinute() / 60.0;
    return Math.max(Math.max(0, 1 - Math.abs(hour - 8) / 1.5), Math.max(0, 1 - Math.abs(hour - 17.5) / 2));
  }
}
