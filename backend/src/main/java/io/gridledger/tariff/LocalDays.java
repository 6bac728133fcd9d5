package io.gridledger.tariff;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Set;

/**
 * The site-local days of a service range, each with its UTC bounds, day type and UTC offsets, so that the hot loop
 * turns an interval's epoch second into (day, local minute of day) with two comparisons and no allocation. A day has
 * at most one offset change (a DST transition): 23- and 25-hour days come out of the zone rules, never out of an
 * assumption of 24 hours.
 */
final class LocalDays {

  final LocalDate first;
  final int count;
  /** UTC epoch second at which each local day starts; [count] is the end of the last day. */
  final long[] startEpoch;
  final int[] dayType;
  private final long firstEpochDay;
  private final int[] offsetBefore;
  private final long[] transitionEpoch;
  private final int[] offsetAfter;

  /** The last calendar each thread built: a bill run rates every tenant over the same days, zone and holidays. */
  private static final ThreadLocal<LocalDays> LAST_BUILT = new ThreadLocal<>();

  private final ZoneId zone;
  private final LocalDate toExclusive;
  private final Set<LocalDate> holidays;
  private final Set<DayOfWeek> weekend;

  /**
   * The calendar of a service range, reused when this thread's previous call asked for the same one. A 10,000-tenant
   * bill run otherwise builds the same 31 days 10,000 times, and in a freshly started server the JIT compiler then
   * spends half a second of a core compiling this constructor while the run waits for the core. Instances are never
   * changed after construction, so sharing one is safe.
   */
  static LocalDays of(ZoneId zone, LocalDate from, LocalDate toExclusive, Set<LocalDate> holidays,
                      Set<DayOfWeek> weekend) {
    LocalDays last = LAST_BUILT.get();
    if (last != null && last.first.equals(from) && last.toExclusive.equals(toExclusive) && last.zone.equals(zone)
        && (last.holidays == holidays || last.holidays.equals(holidays))
        && (last.weekend == weekend || last.weekend.equals(weekend))) {
      return last;
    }
    LocalDays built = new LocalDays(zone, from, toExclusive, Set.copyOf(holidays), Set.copyOf(weekend));
    LAST_BUILT.set(built);
    return built;
  }

  private LocalDays(ZoneId zone, LocalDate from, LocalDate toExclusive, Set<LocalDate> holidays,
                    Set<DayOfWeek> weekend) {
    this.zone = zone;
    this.toExclusive = toExclusive;
    this.holidays = holidays;
    this.weekend = weekend;
    this.first = from;
    this.firstEpochDay = from.toEpochDay();
    this.count = (int) (toExclusive.toEpochDay() - firstEpochDay);
    this.startEpoch = new long[count + 1];
    this.dayType = new int[count];
    this.offsetBefore = new int[count];
    this.transitionEpoch = new long[count];
    this.offsetAfter = new int[count];
    Transitions transitions = new Transitions(zone.getRules(), from.atStartOfDay(zone).toEpochSecond() - 2 * 86_400L,
      (firstEpochDay + count + 2) * 86_400L);
    for (int d = 0; d <= count; d++) {
      startEpoch[d] = transitions.startOfLocalDay((firstEpochDay + d) * 86_400L);
    }
    for (int d = 0; d < count; d++) {
      LocalDate date = from.plusDays(d);
      dayType[d] = holidays.contains(date) ? TouSchedule.HOLIDAY
        : weekend.contains(date.getDayOfWeek()) ? TouSchedule.WEEKEND : TouSchedule.WEEKDAY;
      offsetBefore[d] = transitions.offsetAt(startEpoch[d]);
      int t = transitions.firstAfter(startEpoch[d]);
      if (t >= 0 && transitions.epoch[t] < startEpoch[d + 1]) {
        transitionEpoch[d] = transitions.epoch[t];
        offsetAfter[d] = transitions.after[t];
      } else {
        transitionEpoch[d] = Long.MAX_VALUE;
        offsetAfter[d] = offsetBefore[d];
      }
    }
  }

  /**
   * The zone's offset changes around the range, looked up once: the ZoneRules calls per day (atStartOfDay,
   * getOffset, nextTransition) cost more than rating the intervals themselves.
   */
  private static final class Transitions {
    final long[] epoch;
    final int[] before;
    final int[] after;

    Transitions(ZoneRules rules, long fromEpoch, long toEpochLocalBound) {
      java.util.List<ZoneOffsetTransition> found = new java.util.ArrayList<>();
      ZoneOffsetTransition next = rules.nextTransition(Instant.ofEpochSecond(fromEpoch));
      while (next != null && next.toEpochSecond() < toEpochLocalBound + 86_400L && found.size() < 64) {
        found.add(next);
        next = rules.nextTransition(next.getInstant());
      }
      epoch = new long[found.size() + 1];
      before = new int[found.size() + 1];
      after = new int[found.size() + 1];
      // Entry 0 is the offset in force at the start of the range, with no transition.
      epoch[0] = Long.MIN_VALUE;
      before[0] = rules.getOffset(Instant.ofEpochSecond(fromEpoch)).getTotalSeconds();
      after[0] = before[0];
      for (int i = 0; i < found.size(); i++) {
        epoch[i + 1] = found.get(i).toEpochSecond();
        before[i + 1] = found.get(i).getOffsetBefore().getTotalSeconds();
        after[i + 1] = found.get(i).getOffsetAfter().getTotalSeconds();
      }
    }

    int offsetAt(long epochSecond) {
      int offset = after[0];
      for (int i = 1; i < epoch.length && epoch[i] <= epochSecond; i++) {
        offset = after[i];
      }
      return offset;
    }

    int firstAfter(long epochSecond) {
      for (int i = 1; i < epoch.length; i++) {
        if (epoch[i] > epochSecond) {
          return i;
        }
      }
      return -1;
    }

    /**
     * The UTC second at which a local day starts, as LocalDate.atStartOfDay(zone): in an overlap the earlier
     * midnight, in a gap over midnight the first instant after the gap.
     */
    long startOfLocalDay(long localMidnight) {
      for (int i = 0; i < epoch.length; i++) {
        long candidate = localMidnight - after[i];
        boolean beforeNext = i + 1 == epoch.length || candidate < epoch[i + 1];
        if (candidate >= epoch[i] && beforeNext) {
          return candidate;
        }
        if (i + 1 < epoch.length && localMidnight - after[i] >= epoch[i + 1] && localMidnight - after[i + 1] < epoch[i + 1]) {
          return epoch[i + 1];
        }
      }
      return localMidnight - after[epoch.length - 1];
    }
  }

  LocalDate date(int day) {
    return first.plusDays(day);
  }

  /** Local wall-clock minute of the day (0..1439) at which {@code epochSecond}, inside day {@code day}, falls. */
  int minuteOfDay(int day, long epochSecond) {
    int offset = epochSecond >= transitionEpoch[day] ? offsetAfter[day] : offsetBefore[day];
    long localSecondOfDay = epochSecond + offset - (firstEpochDay + day) * 86_400L;
    return (int) Math.floorDiv(localSecondOfDay, 60L);
  }
}
