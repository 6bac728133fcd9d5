package io.gridledger.prepaid;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * When an exhausted wallet may lead to a cut-off ("friendly credit"): only on working days (not Saturday, Sunday or
 * a site holiday) and only outside the friendly window (default 18:00 to 08:00 site-local), so nobody loses supply
 * at night, at a weekend or on a holiday, when they could not top up or get help.
 */
record CutOffWindow(LocalTime friendlyStart, LocalTime friendlyEnd) {

  boolean allows(Instant now, ZoneId zone, Set<LocalDate> holidays) {
    ZonedDateTime local = now.atZone(zone);
    DayOfWeek dow = local.getDayOfWeek();
    if (dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY || holidays.contains(local.toLocalDate())) {
      return false;
    }
    LocalTime t = local.toLocalTime();
    if (friendlyStart.isAfter(friendlyEnd)) {
      // The friendly window spans midnight: cut-offs only between its end (morning) and its start (evening).
      return !t.isBefore(friendlyEnd) && t.isBefore(friendlyStart);
    }
    return t.isBefore(friendlyStart) || !t.isBefore(friendlyEnd);
  }
}
