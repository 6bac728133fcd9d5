package io.gridledger.tariff;

import java.util.List;

/**
 * One pass over the usage: total quantity, quantity per period of every schedule and the demand peaks, all as long
 * milli-units. This is the only per-interval work of a rating; it allocates nothing per interval.
 */
final class UsageProfile {

  final List<TouSchedule> schedules;
  long totalMilli;
  /** [schedule][period] quantity in milli-units. */
  final long[][] periodMilli;
  /** Whole-period peak window sum, -1 when no interval was measured; null when the tariff has no demand charge. */
  final DemandTracker flat;
  /** [schedule] tracker of per-period peaks, null for schedules no demand charge uses. */
  final DemandTracker[] byPeriod;
  final int windowSeconds;

  private UsageProfile(List<TouSchedule> schedules, DemandTracker flat, DemandTracker[] byPeriod, int windowSeconds) {
    this.schedules = schedules;
    this.periodMilli = new long[schedules.size()][];
    for (int i = 0; i < schedules.size(); i++) {
      periodMilli[i] = new long[schedules.get(i).periods.length];
    }
    this.flat = flat;
    this.byPeriod = byPeriod;
    this.windowSeconds = windowSeconds;
  }

  int scheduleIndex(String id) {
    for (int i = 0; i < schedules.size(); i++) {
      if (schedules.get(i).id.equals(id)) {
        return i;
      }
    }
    throw new IllegalStateException("no schedule " + id);
  }

  static UsageProfile measure(TariffDocument doc, List<Component> active, IntervalUsage usage, LocalDays days) {
    List<TouSchedule> schedules = doc.scheduleList();
    int windowSeconds = doc.demandWindowMinutes() * 60;
    DemandTracker flat = null;
    DemandTracker[] byPeriod = new DemandTracker[schedules.size()];
    for (Component c : active) {
      if (c instanceof Component.Demand d) {
        if (windowSeconds % usage.intervalSeconds() != 0) {
          throw new IllegalArgumentException("the demand window of " + doc.demandWindowMinutes()
            + " minutes is not a whole number of " + usage.intervalSeconds() + "-second intervals");
        }
        flat = flat != null ? flat : new DemandTracker(windowSeconds, usage.intervalSeconds(), 1);
        if (d.schedule() != null) {
          int s = indexOf(schedules, d.schedule());
          byPeriod[s] = byPeriod[s] != null ? byPeriod[s]
            : new DemandTracker(windowSeconds, usage.intervalSeconds(), schedules.get(s).periods.length);
        }
      }
    }
    UsageProfile profile = new UsageProfile(schedules, flat, byPeriod, windowSeconds);
    profile.accumulate(usage, days);
    return profile;
  }

  private void accumulate(IntervalUsage usage, LocalDays days) {
    int scheduleCount = schedules.size();
    byte[][][] tables = new byte[scheduleCount][days.count][];
    for (int s = 0; s < scheduleCount; s++) {
      for (int d = 0; d < days.count; d++) {
        tables[s][d] = schedules.get(s).tableFor(days.date(d), days.dayType[d]);
      }
    }
    long[] starts = usage.intervalStartsEpochSecond();
    long[] quantities = usage.quantitiesMilli();
    long from = days.startEpoch[0];
    long to = days.startEpoch[days.count];
    int day = 0;
    long total = 0;
    for (int i = 0; i < starts.length; i++) {
      long start = starts[i];
      if (start < from) {
        continue;
      }
      if (start >= to) {
        break;
      }
      while (start >= days.startEpoch[day + 1]) {
        day++;
      }
      int minute = days.minuteOfDay(day, start);
      long qty = quantities[i];
      total += qty;
      for (int s = 0; s < scheduleCount; s++) {
        int period = tables[s][day][minute];
        periodMilli[s][period] += qty;
        if (byPeriod[s] != null) {
          byPeriod[s].add(start, qty, period);
        }
      }
      if (flat != null) {
        flat.add(start, qty, -1);
      }
    }
    totalMilli = total;
  }

  private static int indexOf(List<TouSchedule> schedules, String id) {
    for (int i = 0; i < schedules.size(); i++) {
      if (schedules.get(i).id.equals(id)) {
        return i;
      }
    }
    throw new IllegalStateException("no schedule " + id);
  }
}
