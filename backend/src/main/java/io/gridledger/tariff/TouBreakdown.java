package io.gridledger.tariff;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Set;

/**
 * Read-only time-of-use lookup for reports (consumption by TOU period): which period of a tariff version's schedule
 * an interval start falls in, with the same day types, seasons and DST handling the engine rates with. The schedule
 * is the one the version's energy charges use first, else its first schedule.
 */
public final class TouBreakdown {

  private final String[] periods;
  private final byte[][] tables;
  private final LocalDays days;

  private TouBreakdown(String[] periods, byte[][] tables, LocalDays days) {
    this.periods = periods;
    this.tables = tables;
    this.days = days;
  }

  /** The lookup for site-local days [from, toExclusive), or null when the document has no TOU schedule. */
  public static TouBreakdown of(TariffDocument doc, ZoneId zone, LocalDate from, LocalDate toExclusive,
                                Set<LocalDate> holidays) {
    TouSchedule schedule = null;
    for (Component c : doc.components()) {
      if (c instanceof Component.Energy e && e.schedule() != null) {
        schedule = doc.schedules().get(e.schedule());
        break;
      }
    }
    if (schedule == null && !doc.scheduleList().isEmpty()) {
      schedule = doc.scheduleList().get(0);
    }
    if (schedule == null) {
      return null;
    }
    LocalDays days = LocalDays.of(zone, from, toExclusive, holidays, doc.weekendDays());
    byte[][] tables = new byte[days.count][];
    for (int d = 0; d < days.count; d++) {
      tables[d] = schedule.tableFor(days.date(d), days.dayType[d]);
    }
    return new TouBreakdown(schedule.periods, tables, days);
  }

  /** The period of the interval starting at {@code epochSecond}, or null outside the days of this lookup. */
  public String periodAt(long epochSecond) {
    if (epochSecond < days.startEpoch[0] || epochSecond >= days.startEpoch[days.count]) {
      return null;
    }
    int d = 0;
    while (epochSecond >= days.startEpoch[d + 1]) {
      d++;
    }
    int period = tables[d][days.minuteOfDay(d, epochSecond)];
    return period < 0 ? null : periods[period];
  }
}
