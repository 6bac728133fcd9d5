package io.gridledger.alarm;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/**
 * When the data alarms fire, from the {@code alarm} configuration section (docs/configuration.md). Checked once at
 * start: a threshold that makes no sense (a night that ends before it starts, a factor of zero) is refused with the
 * key's name rather than producing alarms nobody can explain.
 *
 * @param offlineAfter   a device or gateway silent this long is offline (also what device health reports)
 * @param nightStart     site-local start of the night in which continuous water flow is a leak
 * @param nightEnd       site-local end of that night
 * @param highFactor     a day above highFactor x baseline + highFloor is abnormally high
 * @param highFloor      keeps a near-zero baseline from alarming on noise (register unit)
 * @param lowFactor      a day below lowFactor x baseline is abnormally low ...
 * @param lowMinBaseline ... if the baseline is at least this big (register unit)
 * @param baselineWeeks  the baseline is the median of the same weekday over this many previous weeks ...
 * @param minBaselineDays ... counting only complete days, at least this many of them
 */
public record AlarmThresholds(Duration offlineAfter, LocalTime nightStart, LocalTime nightEnd, double highFactor,
                              double highFloor, double lowFactor, double lowMinBaseline, int baselineWeeks,
                              int minBaselineDays) {

  public AlarmThresholds {
    require(!offlineAfter.isNegative() && !offlineAfter.isZero(), "alarm.offlineAfterSeconds", "must be positive");
    require(nightStart.isBefore(nightEnd), "alarm.leakNightStart", "must be before alarm.leakNightEnd (same night)");
    require(highFactor > 1, "alarm.abnormalHighFactor", "must be greater than 1");
    require(highFloor >= 0, "alarm.abnormalHighFloor", "must not be negative");
    require(lowFactor > 0 && lowFactor < 1, "alarm.abnormalLowFactor", "must be between 0 and 1");
    require(lowMinBaseline >= 0, "alarm.abnormalLowMinBaseline", "must not be negative");
    require(baselineWeeks >= 1 && baselineWeeks <= 52, "alarm.baselineWeeks", "must be 1 to 52");
    require(minBaselineDays >= 1 && minBaselineDays <= baselineWeeks, "alarm.minBaselineDays",
      "must be 1 to alarm.baselineWeeks");
  }

  /** The documented defaults. */
  public static AlarmThresholds defaults() {
    return new AlarmThresholds(Duration.ofMinutes(15), LocalTime.of(1, 0), LocalTime.of(5, 0), 3.0, 1.0, 0.2, 5.0, 4, 3);
  }

  public static AlarmThresholds fromConfig(JsonObject alarm) {
    return new AlarmThresholds(Duration.ofSeconds(alarm.getLong("offlineAfterSeconds")),
      time(alarm, "leakNightStart"), time(alarm, "leakNightEnd"),
      alarm.getDouble("abnormalHighFactor"), alarm.getDouble("abnormalHighFloor"), alarm.getDouble("abnormalLowFactor"),
      alarm.getDouble("abnormalLowMinBaseline"), alarm.getInteger("baselineWeeks"), alarm.getInteger("minBaselineDays"));
  }

  /** Too high: above highFactor x baseline + highFloor. Too low: below lowFactor x a baseline of some size. */
  public boolean isAbnormal(double consumption, double baseline) {
    return consumption > highFactor * baseline + highFloor
      || (baseline >= lowMinBaseline && consumption < lowFactor * baseline);
  }

  /** The last night whose end has passed in {@code zone} at {@code now}. */
  SweepWindow lastCompleteNight(String zoneName, ZoneId zone, Instant now) {
    ZonedDateTime local = now.atZone(zone);
    LocalDate night = local.toLocalTime().isBefore(nightEnd) ? local.toLocalDate().minusDays(1) : local.toLocalDate();
    return new SweepWindow(zoneName, night, 0, night.atTime(nightStart).atZone(zone).toInstant(),
      night.atTime(nightEnd).atZone(zone).toInstant());
  }

  private static LocalTime time(JsonObject alarm, String key) {
    try {
      return LocalTime.parse(alarm.getString(key));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("alarm." + key + " must be a site-local time like 01:00, not '"
        + alarm.getString(key) + "'");
    }
  }

  private static void require(boolean ok, String key, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(key + " " + rule);
    }
  }
}
