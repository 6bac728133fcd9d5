package io.gridledger.metering.vee;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Validation, estimation and editing (VEE): turns the raw readings of one cumulative register into fixed-length
 * interval consumption.
 *
 * <p>This is a pure function of its arguments: no database, no clock, no randomness, no shared state. An auditor can
 * rebuild any interval from the raw readings, the exchange records and the register spec by calling
 * {@link #compute} again, and gets the same doubles bit for bit.
 *
 * <h2>Rules, and why</h2>
 *
 * <ol>
 * <li><b>Order and duplicates.</b> Readings are sorted by timestamp. Readings with equal timestamps collapse to one;
 * if their values differ, the <em>lowest</em> value is kept and a {@link AnomalyKind#DUPLICATE_CONFLICT} anomaly
 * names the other. Why: the persistence layer returns rows in no guaranteed order, so "keep the first given" would
 * make an audit rebuild depend on a query plan; a rule on the values alone makes the result identical for every
 * permutation of the input. (Upstream stores one row per timestamp, so a conflict should never happen; when it does
 * it is reported, not silently resolved.) Readings with a non-finite value, or outside [0, rolloverAt) for a wrapping
 * register, are quarantined as {@link AnomalyKind#INVALID_VALUE}: a field glitch must not stop a bill run.</li>
 *
 * <li><b>A continuous cumulative-consumption curve.</b> Walking the sorted readings, each reading r<sub>j</sub> is
 * compared with the last <em>accepted</em> reading r<sub>i</sub> (the first valid reading is the anchor, C = 0):
 * <ul>
 * <li>If one or more meter exchanges lie in (r<sub>i</sub>.ts, r<sub>j</sub>.ts], the delta is
 * (oldFinal - r<sub>i</sub>.value) + (r<sub>j</sub>.value - newInitial) (chained through every exchange in between).
 * Each part must be &gt;= 0, otherwise the exchange record contradicts the readings:
 * {@link AnomalyKind#EXCHANGE_INCONSISTENT}, r<sub>j</sub> is quarantined. Why: the old meter's tail and the new
 * meter's head are both real consumption, so the curve stays continuous across the swap and nothing is lost; a part
 * below zero means a wrong final/initial value that a person must correct (readings are append-only, so the fix is a
 * corrected exchange record and a recompute). A reading stamped exactly at the exchange belongs to the new meter.</li>
 * <li>Otherwise delta = r<sub>j</sub>.value - r<sub>i</sub>.value. If it is negative and the register wraps, the
 * wrapped delta (rolloverAt - r<sub>i</sub>.value + r<sub>j</sub>.value) is used when it is plausible (see the
 * allowance below): {@link AnomalyKind#ROLLOVER}, informational. A negative delta that is not a plausible wrap is
 * {@link AnomalyKind#DECREASE_QUARANTINED}. Why: registers only count up; a decrease is a glitch, an unrecorded swap
 * or a reset, and using it would make consumption negative.</li>
 * <li>A delta above the allowance is {@link AnomalyKind#JUMP_QUARANTINED} (a spike, a misread digit, a wrong exchange
 * value). Why: a meter physically cannot advance faster than its rating, and one corrupt value must not put a
 * tenant's bill off by orders of magnitude.</li>
 * <li>A quarantined reading is excluded and the next reading is compared with r<sub>i</sub> again, so one bad value
 * costs only that value: consumption continues from the next good reading and the span is interpolated.</li>
 * </ul>
 * The allowance for readings {@code h} hours apart is
 * {@code maxRatePerHour x (h + 1 minute) x 1.01 + resolution}: a 1 % tolerance on the rating, one minute of
 * timestamp jitter (gateway polling and clock skew), and one register step (so a single tick between readings
 * seconds apart passes). The curve is stored as C = offset + raw value, where the offset grows by rolloverAt at a wrap
 * and by (oldFinal - newInitial) at an exchange; so C(last) - C(first) telescopes to exactly
 * (last - first) adjusted for wraps and exchanges: nothing is lost and nothing is counted twice. Every accepted step
 * is &gt;= 0, so C never decreases and no interval is ever negative or implausibly large.
 * <p>Known limits, by design: the first valid reading is trusted as the anchor, so the caller should load the window
 * with a lead-in that starts at an already validated reading. A persistent step down (an unrecorded swap) keeps the
 * following readings quarantined, and the curve stops at the last good reading, until an exchange record is added and
 * the window recomputed: nothing is billed on a guess. A register that could wrap more than once between two readings
 * (a gap longer than rolloverAt / maxRatePerHour) cannot be told apart from one wrap; only one is assumed.</li>
 *
 * <li><b>Boundaries.</b> Interval boundaries are whole multiples of {@code interval} since the Unix epoch, so 15
 * minutes aligns with the quarter hours of every real time zone (all UTC offsets in use are whole quarter hours);
 * day and month boundaries in site-local time are the caller's job when it aggregates. The curve value at a boundary
 * b is the accepted reading at b if there is one, else the linear interpolation between the accepted readings
 * bracketing b. An interval is produced only if both of its boundaries lie within [first accepted reading, last
 * accepted reading] (no extrapolation: beyond the data nothing is known); its consumption is
 * (C(end) - C(start)) x multiplier.</li>
 *
 * <li><b>Quality.</b> A boundary is <em>pinned</em> when an accepted reading sits exactly on it, or the accepted
 * readings bracketing it are at most {@code interval} apart (the meter reported at least once per interval around
 * it). An interval is {@link IntervalQuality#ACTUAL} when both of its boundaries are pinned, otherwise
 * {@link IntervalQuality#ESTIMATED}: a linear estimate across a gap. Why: the error of a linear interpolation is
 * bounded by what the meter can do between the bracketing readings; within one interval that is small, across a
 * longer gap the shape of the load is unknown. When late readings fill a gap, computing again yields ACTUAL values
 * that replace the estimates (the caller upserts by interval), and the total over the gap does not change.</li>
 *
 * <li><b>Window and determinism.</b> Only intervals with start &gt;= from and end &lt;= to are returned, ordered by
 * start. Anomalies and quarantined timestamps cover all readings given (the caller decides which to keep), ordered by
 * timestamp.</li>
 * </ol>
 */
public final class IntervalCalculator {

  /** Relative tolerance on {@link RegisterSpec#maxRatePerHour()}: ratings are nominal, meters run slightly over. */
  static final double RATE_TOLERANCE = 0.01;
  /** How far a reading's timestamp may be off (polling jitter, gateway clock skew). */
  static final Duration TIMESTAMP_SLACK = Duration.ofMinutes(1);

  private static final double NANOS_PER_HOUR = 3_600_000_000_000.0;
  private static final double SLACK_HOURS = TIMESTAMP_SLACK.toNanos() / NANOS_PER_HOUR;

  private IntervalCalculator() {
  }

  /**
   * Computes the interval consumption of one register.
   *
   * @param readings  raw readings, in any order, possibly with duplicates
   * @param exchanges meter exchanges on this register, in any order (may be empty)
   * @param spec      the register's rollover, multiplier and plausible rate
   * @param interval  the interval length: a positive whole number of seconds (15 minutes in practice)
   * @param from      the earliest interval start wanted (inclusive)
   * @param to        the latest interval end wanted (inclusive)
   */
  public static IntervalResult compute(List<RegisterReading> readings, List<MeterExchange> exchanges, RegisterSpec spec,
                                       Duration interval, Instant from, Instant to) {
    Objects.requireNonNull(readings, "readings");
    Objects.requireNonNull(exchanges, "exchanges");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (interval.isNegative() || interval.isZero() || interval.getNano() != 0) {
      throw new IllegalArgumentException("interval must be a positive whole number of seconds: " + interval);
    }
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("from must not be after to");
    }

    List<Anomaly> anomalies = new ArrayList<>();
    List<Instant> quarantined = new ArrayList<>();
    List<RegisterReading> sorted = sortAndCollapse(readings, anomalies);
    List<MeterExchange> swaps = new ArrayList<>(exchanges);
    swaps.forEach(x -> Objects.requireNonNull(x, "exchange"));
    swaps.sort(Comparator.comparing(MeterExchange::ts)
      .thenComparingDouble(MeterExchange::oldFinalValue)
      .thenComparingDouble(MeterExchange::newInitialValue));

    Curve curve = buildCurve(sorted, swaps, spec, anomalies, quarantined);
    List<IntervalValue> intervals = intervals(curve, spec.multiplier(), interval, from, to);

    // Stable sort: anomalies of one timestamp keep the order in which they were found.
    anomalies.sort(Comparator.comparing(Anomaly::ts));
    return new IntervalResult(intervals, anomalies, quarantined);
  }

  // ---------------------------------------------------------------------------------------------------- rule 1

  private static List<RegisterReading> sortAndCollapse(List<RegisterReading> readings, List<Anomaly> anomalies) {
    List<RegisterReading> all = new ArrayList<>(readings);
    all.forEach(r -> Objects.requireNonNull(r, "reading"));
    // By time, then by value (Double.compare is a total order, NaN last): the lowest value of a timestamp comes first.
    all.sort(Comparator.comparing(RegisterReading::ts).thenComparingDouble(RegisterReading::value));
    List<RegisterReading> unique = new ArrayList<>(all.size());
    RegisterReading kept = null;
    double lastReported = Double.NaN;
    for (RegisterReading r : all) {
      if (kept != null && kept.ts().equals(r.ts())) {
        boolean sameValue = Double.compare(kept.value(), r.value()) == 0 || kept.value() == r.value();
        boolean alreadyReported = Double.compare(lastReported, r.value()) == 0;
        if (!sameValue && !alreadyReported) {
          anomalies.add(new Anomaly(AnomalyKind.DUPLICATE_CONFLICT, r.ts(), kept.value(), r.value(),
            String.format(Locale.ROOT, "two readings at the same time differ: kept %s, discarded %s",
              num(kept.value()), num(r.value()))));
          lastReported = r.value();
        }
        continue;
      }
      kept = r;
      lastReported = Double.NaN;
      unique.add(r);
    }
    return unique;
  }

  // ---------------------------------------------------------------------------------------------------- rule 2

  /** Accepted readings as (time, cumulative raw consumption), C non-decreasing, C[0] = 0. */
  private record Curve(Instant[] times, double[] cum) {
    int size() {
      return times.length;
    }
  }

  private static Curve buildCurve(List<RegisterReading> sorted, List<MeterExchange> swaps, RegisterSpec spec,
                                  List<Anomaly> anomalies, List<Instant> quarantined) {
    List<Instant> times = new ArrayList<>(sorted.size());
    double[] cum = new double[sorted.size()];
    RegisterReading anchor = null;
    double offset = 0;
    for (RegisterReading r : sorted) {
      double prevValue = anchor == null ? Double.NaN : anchor.value();
      if (!validValue(r.value(), spec)) {
        reject(anomalies, quarantined, AnomalyKind.INVALID_VALUE, r, prevValue,
          spec.rolloverAt() == null
            ? "the value is not a finite number"
            : String.format(Locale.ROOT, "the value is not a finite number in [0, %s)", num(spec.rolloverAt())));
        continue;
      }
      if (anchor == null) {
        anchor = r;
        offset = -r.value();
        cum[times.size()] = 0.0;
        times.add(r.ts());
        continue;
      }
      double hours = Duration.between(anchor.ts(), r.ts()).toNanos() / NANOS_PER_HOUR;
      double allowance = spec.maxRatePerHour() * (hours + SLACK_HOURS) * (1 + RATE_TOLERANCE) + spec.resolution();
      List<MeterExchange> between = exchangesIn(swaps, anchor.ts(), r.ts());
      double newOffset;
      if (!between.isEmpty()) {
        // The value each meter showed when it began counting in this span, chained through every exchange.
        double start = anchor.value();
        double delta = 0;
        double shift = 0;
        String inconsistency = null;
        for (MeterExchange x : between) {
          double oldPart = x.oldFinalValue() - start;
          if (oldPart < 0) {
            inconsistency = String.format(Locale.ROOT,
              "exchange at %s: old meter's final value %s is below its earlier reading %s",
              x.ts(), num(x.oldFinalValue()), num(start));
            break;
          }
          delta += oldPart;
          shift += x.oldFinalValue() - x.newInitialValue();
          start = x.newInitialValue();
        }
        if (inconsistency == null && r.value() - start < 0) {
          inconsistency = String.format(Locale.ROOT,
            "new meter's reading %s is below its initial value %s", num(r.value()), num(start));
        }
        if (inconsistency != null) {
          reject(anomalies, quarantined, AnomalyKind.EXCHANGE_INCONSISTENT, r, prevValue, inconsistency);
          continue;
        }
        delta += r.value() - start;
        if (delta > allowance) {
          reject(anomalies, quarantined, AnomalyKind.JUMP_QUARANTINED, r, prevValue, String.format(Locale.ROOT,
            "increase of %s across a meter exchange in %s h exceeds the plausible %s",
            num(delta), num(hours), num(allowance)));
          continue;
        }
        newOffset = offset + shift;
      } else {
        double delta = r.value() - anchor.value();
        if (delta < 0) {
          Double rollover = spec.rolloverAt();
          double wrapped = rollover == null ? Double.NaN : rollover - anchor.value() + r.value();
          if (rollover != null && wrapped >= 0 && wrapped <= allowance) {
            anomalies.add(new Anomaly(AnomalyKind.ROLLOVER, r.ts(), prevValue, r.value(), String.format(Locale.ROOT,
              "register wrapped at %s: consumption %s in %s h", num(rollover), num(wrapped), num(hours))));
            newOffset = offset + rollover;
          } else {
            reject(anomalies, quarantined, AnomalyKind.DECREASE_QUARANTINED, r, prevValue, rollover == null
              ? String.format(Locale.ROOT, "register decreased by %s and does not wrap", num(-delta))
              : String.format(Locale.ROOT, "register decreased by %s; as a wrap it would be %s in %s h, above the "
                + "plausible %s", num(-delta), num(wrapped), num(hours), num(allowance)));
            continue;
          }
        } else if (delta > allowance) {
          reject(anomalies, quarantined, AnomalyKind.JUMP_QUARANTINED, r, prevValue, String.format(Locale.ROOT,
            "increase of %s in %s h exceeds the plausible %s", num(delta), num(hours), num(allowance)));
          continue;
        } else {
          newOffset = offset;
        }
      }
      offset = newOffset;
      int k = times.size();
      // Each accepted step is >= 0 by the checks above; max() only absorbs floating-point rounding of the offset.
      cum[k] = Math.max(offset + r.value(), cum[k - 1]);
      times.add(r.ts());
      anchor = r;
    }
    double[] trimmed = new double[times.size()];
    System.arraycopy(cum, 0, trimmed, 0, trimmed.length);
    return new Curve(times.toArray(new Instant[0]), trimmed);
  }

  private static boolean validValue(double v, RegisterSpec spec) {
    if (!Double.isFinite(v)) {
      return false;
    }
    return spec.rolloverAt() == null || (v >= 0 && v < spec.rolloverAt());
  }

  /** Exchanges with {@code after < ts <= upTo}, in order. */
  private static List<MeterExchange> exchangesIn(List<MeterExchange> swaps, Instant after, Instant upTo) {
    List<MeterExchange> in = new ArrayList<>(1);
    for (MeterExchange x : swaps) {
      if (x.ts().isAfter(after) && !x.ts().isAfter(upTo)) {
        in.add(x);
      }
    }
    return in;
  }

  private static void reject(List<Anomaly> anomalies, List<Instant> quarantined, AnomalyKind kind, RegisterReading r,
                             double previousValue, String detail) {
    anomalies.add(new Anomaly(kind, r.ts(), previousValue, r.value(), detail));
    quarantined.add(r.ts());
  }

  // ------------------------------------------------------------------------------------------------ rules 3 to 5

  private static List<IntervalValue> intervals(Curve curve, double multiplier, Duration interval, Instant from,
                                               Instant to) {
    List<IntervalValue> out = new ArrayList<>();
    if (curve.size() < 2) {
      return out;
    }
    Instant first = curve.times()[0];
    Instant last = curve.times()[curve.size() - 1];
    Instant lo = from.isAfter(first) ? from : first;
    Instant hi = to.isBefore(last) ? to : last;
    if (lo.isAfter(hi)) {
      return out;
    }
    long step = interval.getSeconds();
    long loSeconds = lo.getEpochSecond() + (lo.getNano() > 0 ? 1 : 0);
    long firstBoundary = -Math.floorDiv(-loSeconds, step) * step;   // ceiling to a multiple of step
    long lastBoundary = Math.floorDiv(hi.getEpochSecond(), step) * step;
    if (firstBoundary >= lastBoundary) {
      return out;
    }
    int p = 0;
    Instant startAt = Instant.ofEpochSecond(firstBoundary);
    Point start = null;
    for (long b = firstBoundary; b <= lastBoundary; b += step) {
      Instant at = b == firstBoundary ? startAt : Instant.ofEpochSecond(b);
      while (p + 1 < curve.size() && !curve.times()[p + 1].isAfter(at)) {
        p++;
      }
      Point end = valueAt(curve, p, at, interval);
      if (start != null) {
        double consumption = (end.value - start.value) * multiplier;
        IntervalQuality quality = start.pinned && end.pinned ? IntervalQuality.ACTUAL : IntervalQuality.ESTIMATED;
        out.add(new IntervalValue(start.at, at, consumption, quality));
      }
      start = end;
    }
    return out;
  }

  private record Point(Instant at, double value, boolean pinned) {
  }

  /** The curve at {@code at}, given {@code times[p] <= at <= times[last]}. */
  private static Point valueAt(Curve curve, int p, Instant at, Duration interval) {
    Instant t0 = curve.times()[p];
    double c0 = curve.cum()[p];
    if (t0.equals(at)) {
      return new Point(at, c0, true);
    }
    Instant t1 = curve.times()[p + 1];
    double c1 = curve.cum()[p + 1];
    double fraction = (double) Duration.between(t0, at).toNanos() / Duration.between(t0, t1).toNanos();
    // Clamped into [c0, c1] so rounding can never make the curve step backwards (a negative interval).
    double value = Math.min(Math.max(c0 + (c1 - c0) * fraction, c0), c1);
    boolean pinned = Duration.between(t0, t1).compareTo(interval) <= 0;
    return new Point(at, value, pinned);
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : Double.toString(v);
  }
}
