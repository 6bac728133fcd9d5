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
      LocalDays days = LocalDays.of(zone, from, to, Set.of(), EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
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

  @Test
  @DisplayName("a calendar reused for the same range is never handed out for another zone, range, holidays or weekend")
  void reuseOnlyForTheSameInputs() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    LocalDate from = LocalDate.of(2026, 3, 1);
    LocalDate to = LocalDate.of(2026, 4, 1);
    Set<DayOfWeek> weekend = EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
    LocalDays plain = LocalDays.of(berlin, from, to, Set.of(), weekend);
    assertSame(plain, LocalDays.of(berlin, from, to, Set.of(), EnumSet.of(DayOfWeek.SUNDAY, DayOfWeek.SATURDAY)),
      "equal inputs in other set instances reuse the calendar");

    LocalDate monday = LocalDate.of(2026, 3, 2);
    LocalDays holiday = LocalDays.of(berlin, from, to, Set.of(monday), weekend);
    assertEquals(TouSchedule.HOLIDAY, holiday.dayType[1]);
    assertEquals(TouSchedule.WEEKDAY, plain.dayType[1], "the earlier calendar is not changed");

    LocalDays fridays = LocalDays.of(berlin, from, to, Set.of(), EnumSet.of(DayOfWeek.FRIDAY));
    assertEquals(TouSchedule.WEEKEND, fridays.dayType[5], "6 March 2026 is a Friday");

    // 29 March 2026 is Berlin's 23-hour day; Los Angeles changes on 8 March
    LocalDays la = LocalDays.of(ZoneId.of("America/Los_Angeles"), from, to, Set.of(), weekend);
    assertEquals(23 * 3600, la.startEpoch[8] - la.startEpoch[7]);
    assertEquals(24 * 3600, la.startEpoch[29] - la.startEpoch[28]);
    LocalDays shorter = LocalDays.of(berlin, from, LocalDate.of(2026, 3, 15), Set.of(), weekend);
    assertEquals(14, shorter.count);
    LocalDays berlinAgain = LocalDays.of(berlin, from, to, Set.of(), weekend);
    assertEquals(23 * 3600, berlinAgain.startEpoch[29] - berlinAgain.startEpoch[28]);
    assertEquals(31, berlinAgain.count);
  }
}
