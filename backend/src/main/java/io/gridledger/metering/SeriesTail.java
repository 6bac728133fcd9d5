package io.gridledger.metering;

import io.gridledger.metering.vee.RegisterReading;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.gridledger.metering.IntervalService.alignDown;

/**
 * The end of one series as its last rebuild left it: every stored reading from the one the next rebuild's window will
 * start at, up to the last reading, and which of them are quarantined. With it, new readings that come after the last
 * one (data in order, the normal case) are derived from memory: the window, readings and known quarantines that
 * {@link SeriesRebuild}'s queries would find are exactly these plus the new readings, so the intervals are the same,
 * without reading back from the database what was just written to it. Anything else (late data, exchanges, a restart)
 * goes through the queries, which also set the tail again.
 *
 * <p>Kept compact (two arrays), as it lives for every series between rebuilds.
 */
final class SeriesTail {

  /** A series held in memory beyond this many readings (fast meters, long gaps) is rebuilt from the database. */
  static final int MAX_READINGS = 4096;

  private final long[] micros;
  private final double[] values;
  private final BitSet quarantined;

  private SeriesTail(long[] micros, double[] values, BitSet quarantined) {
    this.micros = micros;
    this.values = values;
    this.quarantined = quarantined;
  }

  /**
   * The tail left by a rebuild whose window held {@code readings} (sorted by ts, every stored reading of the window)
   * and ended at the series' last reading; null if the next window's start is not among them.
   */
  static SeriesTail after(List<RegisterReading> readings, Set<Instant> quarantinedTs) {
    int lastGood = lastGoodAtOrBefore(readings, quarantinedTs, readings.size() - 1, Long.MAX_VALUE);
    if (lastGood < 0) {
      return null;
    }
    int start = lastGoodAtOrBefore(readings, quarantinedTs, lastGood, micros(alignDown(readings.get(lastGood).ts())));
    if (start < 0 || readings.size() - start > MAX_READINGS) {
      return null;
    }
    int n = readings.size() - start;
    long[] micros = new long[n];
    double[] values = new double[n];
    BitSet quarantined = new BitSet(n);
    for (int i = 0; i < n; i++) {
      RegisterReading r = readings.get(start + i);
      micros[i] = micros(r.ts());
      values[i] = r.value();
      quarantined.set(i, quarantinedTs.contains(r.ts()));
    }
    return new SeriesTail(micros, values, quarantined);
  }

  /** Whether the tail holds a reading at this instant. */
  boolean holds(Instant ts) {
    return java.util.Arrays.binarySearch(micros, micros(ts)) >= 0;
  }

  Instant lastReading() {
    return instant(micros[micros.length - 1]);
  }

  /** The inputs of a rebuild for new readings all after {@link #lastReading}; null when the queries must find them. */
  SeriesRebuild.Known extend(List<RegisterReading> fresh, Instant from, Instant to, Duration bridge) {
    long earliest = micros(from.minus(bridge));
    // p: the last good reading before the new ones; the window starts at the last good one at or before its quarter.
    int p = lastGood(micros.length - 1, Long.MAX_VALUE);
    if (p < 0 || micros[p] < earliest) {
      return null;
    }
    int start = lastGood(p, micros(alignDown(instant(micros[p]))));
    if (start < 0 || micros[start] < earliest || micros.length - start + fresh.size() > MAX_READINGS) {
      return null;
    }
    List<RegisterReading> readings = new ArrayList<>(micros.length - start + fresh.size());
    Set<Instant> known = new HashSet<>();
    for (int i = start; i < micros.length; i++) {
      Instant ts = instant(micros[i]);
      readings.add(new RegisterReading(ts, values[i]));
      if (quarantined.get(i)) {
        known.add(ts);
      }
    }
    readings.addAll(fresh);
    return new SeriesRebuild.Known(instant(micros[start]), to, to, readings, known);
  }

  private int lastGood(int from, long atOrBefore) {
    for (int i = from; i >= 0; i--) {
      if (!quarantined.get(i) && micros[i] <= atOrBefore) {
        return i;
      }
    }
    return -1;
  }

  private static int lastGoodAtOrBefore(List<RegisterReading> readings, Set<Instant> quarantined, int from, long atOrBefore) {
    for (int i = from; i >= 0; i--) {
      RegisterReading r = readings.get(i);
      if (!quarantined.contains(r.ts()) && micros(r.ts()) <= atOrBefore) {
        return i;
      }
    }
    return -1;
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L);
  }
}
