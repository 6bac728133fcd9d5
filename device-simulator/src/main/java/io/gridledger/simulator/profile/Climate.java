package io.gridledger.simulator.profile;

import java.time.ZonedDateTime;

/**
 * Outdoor temperature for a temperate central-European site (monthly means close to Hamburg's), with a daily swing
 * peaking mid-afternoon. Enough to make heating follow winter and cooling follow summer, month by month.
 */
public final class Climate {

  /** Mean outdoor temperature per month, January first, in °C. */
  private static final double[] MONTHLY_MEAN_C = {1.5, 2.0, 4.8, 8.8, 13.0, 16.0, 18.3, 18.0, 14.6, 10.0, 5.6, 2.6};
  private static final double DAILY_SWING_C = 4.0;

  private Climate() {
  }

  public static double outdoorC(ZonedDateTime local) {
    // Interpolate between mid-month means so there is no step on the first of the month.
    double monthPosition = local.getMonthValue() - 1 + (local.getDayOfMonth() - 15.0) / 30.0;
    int m0 = Math.floorMod((int) Math.floor(monthPosition), 12);
    int m1 = (m0 + 1) % 12;
    double f = monthPosition - Math.floor(monthPosition);
    double mean = MONTHLY_MEAN_C[m0] * (1 - f) + MONTHLY_MEAN_C[m1] * f;
    double hour = local.getHour() + local.getMinute() / 60.0;
    return mean + DAILY_SWING_C * Math.cos(2 * Math.PI * (hour - 15) / 24);
  }
}
