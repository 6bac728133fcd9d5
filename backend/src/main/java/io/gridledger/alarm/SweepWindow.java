package io.gridledger.alarm;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The UTC bounds of a site-local window (a night, a day), with how many 15-minute intervals it holds: DST nights
 * hold 12 or 20 instead of 16, DST days 92 or 100 instead of 96. {@code k} tells a day's weeks back from yesterday.
 */
record SweepWindow(String zone, LocalDate day, int k, Instant start, Instant end) {

  static final Duration INTERVAL = Duration.ofMinutes(15);

  int intervals() {
    return (int) (Duration.between(start, end).toMinutes() / INTERVAL.toMinutes());
  }

  /** A site-local calendar day [00:00, next 00:00) in UTC: 23, 24 or 25 hours. */
  static SweepWindow localDay(String zoneName, ZoneId zone, LocalDate day, int k) {
    return new SweepWindow(zoneName, day, k, day.atStartOfDay(zone).toInstant(),
      day.plusDays(1).atStartOfDay(zone).toInstant());
  }
}
