package io.gridledger.tariff;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("Local days agree with java.time in zones with DST at 02:00, at midnight, and by 30 minutes")
class LocalDaysTest {

  @Test
  @DisplayName("every day start and every interval's local minute of 2025-2026 match ZonedDateTime")
  void matchesJavaTime() {
    for (String id : new String[] {"Europe/Berlin", "America/Los_Angeles", "America/Santiago", "Asia/Beirut",
      "Australia/Lord_Howe", "Asia/Kolkata", "UTC"}) {
      ZoneId zone = ZoneId.of(id);
      LocalDate from = LocalDate.of(2025, 1, 1);
      LocalDate to = LocalDate.of(2027, 1, 1);
      LocalDays days = new LocalDays(zone, from, to, Set.of(), EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
      for (int d = 0; d < days.count; d++) {
        assertEquals(from.plusDays(d).atStartOfDay(zone).toEpochSecond(), days.startEpoch[d], id + " day " + d);
        for (long t = days.startEpoch[d]; t < days.startEpoch[d + 1]; t += 900) {
          ZonedDateTime local = java.time.Instant.ofEpochSecond(t).atZone(zone);
          assertEquals(from.plusDays(d), local.toLocalDate(), id + " " + local);
          assertEquals(local.getHour() * 60 + local.getMinute(), days.minuteOfDay(d, t), id + " " + local);
        }
      }
    }
  }
}
