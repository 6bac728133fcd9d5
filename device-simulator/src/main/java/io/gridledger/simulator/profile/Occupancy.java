package io.gridledger.simulator.profile;

import java.time.DayOfWeek;
import java.time.ZonedDateTime;

/**
 * How busy a space is at a site-local moment, from 0 (closed, nobody there) to 1 (full activity), by the unit's use.
 * Evaluated on local wall-clock time so DST shifts the profile exactly as it shifts people.
 */
public final class Occupancy {

  private Occupancy() {
  }

  public static double activity(String use, ZonedDateTime local) {
    double hour = local.getHour() + local.getMinute() / 60.0 + local.getSecond() / 3600.0;
    DayOfWeek day = local.getDayOfWeek();
    boolean weekday = day.getValue() <= 5;
    return switch (use == null ? "common" : use) {
      // Office hours on weekdays 08-18 with an hour's ramp either side.
      case "office" -> weekday ? window(hour, 8, 18, 1.0) * lunchDip(hour) : 0;
      // Shops open Monday to Saturday 09-20; staff arrive an hour early.
      case "retail" -> day != DayOfWeek.SUNDAY ? window(hour, 9, 20, 1.0) : 0;
      // Two production shifts 06-14 and 14-22 on weekdays; the handover at 14:00 dips briefly.
      case "industrial" -> weekday ? window(hour, 6, 22, 0.5) * (1 - 0.25 * bump(hour, 14, 0.25)) : 0;
      // Clinic consulting hours on weekdays 07-19.
      case "clinical" -> weekday ? window(hour, 7, 19, 1.0) : 0;
      // Lobbies, cores, malls: lit and ventilated whenever the building is open, busiest at the day's peaks.
      default -> day != DayOfWeek.SUNDAY ? window(hour, 7, 21, 1.0) * 0.8 : window(hour, 9, 18, 1.0) * 0.3;
    };
  }

  /** 1 inside [start, end), ramping linearly over rampHours on both sides, else 0. */
  static double window(double hour, double start, double end, double rampHours) {
    if (hour >= start && hour < end) {
      return 1;
    }
    if (hour >= start - rampHours && hour < start) {
      return (hour - (start - rampHours)) / rampHours;
    }
    if (hour >= end && hour < end + rampHours) {
      return 1 - (hour - end) / rampHours;
    }
    return 0;
  }

  private static double lunchDip(double hour) {
    return 1 - 0.15 * bump(hour, 12.5, 0.75);
  }

  /** A smooth bump of height 1 centred on centre, reaching 0 at centre ± halfWidth. */
  private static double bump(double hour, double centre, double halfWidth) {
    double x = Math.abs(hour - centre) / halfWidth;
    return x >= 1 ? 0 : 0.5 * (1 + Math.cos(Math.PI * x));
  }
}
