package io.gridledger.metering.vee;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A virtual meter: a linear formula over aligned interval series, such as the common-area remainder
 * {@code main - sum(subs)}, or {@code 0.5 x A + B} for a shared supply.
 *
 * <h2>Rules, and why</h2>
 * <ol>
 * <li><b>Alignment.</b> Series are matched by (start, end). A value is produced only for an interval that every
 * term has; an interval missing from some term gets no value and a {@link FlagKind#MISSING_INPUT} flag naming the
 * missing terms. Why: a remainder computed without one sub-meter silently bills that sub-meter's consumption to the
 * remainder's payer.</li>
 * <li><b>Quality.</b> {@link IntervalQuality#ACTUAL} only if every input is ACTUAL and the value was not clamped.</li>
 * <li><b>Negative results.</b> A remainder below zero is physically impossible: it means a metering error (a wrong
 * CT ratio, a sub-meter wired to the wrong circuit, a sub-meter not under the main). The value is clamped to 0 so no
 * one is credited for it, its quality becomes ESTIMATED, the unclamped value is kept in
 * {@link VirtualInterval#unclamped()}, and a {@link FlagKind#NEGATIVE_RESULT} flag is raised: flagged, never hidden.
 * Floating-point noise (below 1e-9 of the sum of the terms' magnitudes, e.g. 0.3 - 0.1 - 0.2) is clamped without a
 * flag, since it is no metering error.</li>
 * <li><b>Determinism.</b> Output is ordered by start, then end; flags likewise.</li>
 * </ol>
 */
public final class VirtualMeter {

  /** One term of the formula: {@code coefficient x series}. */
  public record Term(String name, double coefficient, List<IntervalValue> series) {
    public Term {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(series, "series");
      if (!Double.isFinite(coefficient)) {
        throw new IllegalArgumentException("coefficient must be finite");
      }
      series = List.copyOf(series);
    }
  }

  public enum FlagKind { NEGATIVE_RESULT, MISSING_INPUT }

  /** Something wrong with one interval of the formula. */
  public record Flag(FlagKind kind, Instant start, Instant end, double value, String detail) {
  }

  /**
   * One interval of the virtual meter.
   *
   * @param value     the value to use: the formula's result, clamped to &gt;= 0
   * @param unclamped the formula's result as computed (negative when a metering error is flagged)
   */
  public record VirtualInterval(Instant start, Instant end, double value, double unclamped, IntervalQuality quality) {

    public IntervalValue toIntervalValue() {
      return new IntervalValue(start, end, value, quality);
    }
  }

  public record Result(List<VirtualInterval> intervals, List<Flag> flags) {
    public Result {
      intervals = List.copyOf(intervals);
      flags = List.copyOf(flags);
    }
  }

  private static final double NOISE = 1e-9;

  private VirtualMeter() {
  }

  /** {@code main - sum(subs)}. */
  public static Result remainder(List<IntervalValue> main, List<List<IntervalValue>> subs) {
    List<Term> terms = new ArrayList<>();
    terms.add(new Term("main", 1.0, main));
    for (int i = 0; i < subs.size(); i++) {
      terms.add(new Term("sub" + (i + 1), -1.0, subs.get(i)));
    }
    return evaluate(terms);
  }

  /** Evaluates {@code sum(coefficient x series)} interval by interval. */
  public static Result evaluate(List<Term> terms) {
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("a virtual meter needs at least one term");
    }
    List<Map<Key, IntervalValue>> indexed = new ArrayList<>(terms.size());
    TreeMap<Key, Boolean> allKeys = new TreeMap<>();
    for (Term term : terms) {
      Map<Key, IntervalValue> byKey = new HashMap<>();
      for (IntervalValue v : term.series()) {
        Key key = new Key(v.start(), v.end());
        if (byKey.put(key, v) != null) {
          throw new IllegalArgumentException("term " + term.name() + " has two values for " + v.start());
        }
        allKeys.put(key, Boolean.TRUE);
      }
      indexed.add(byKey);
    }

    List<VirtualInterval> out = new ArrayList<>();
    List<Flag> flags = new ArrayList<>();
    for (Key key : allKeys.keySet()) {
      List<String> missing = new ArrayList<>();
      double sum = 0;
      double magnitude = 0;
      boolean actual = true;
      for (int i = 0; i < terms.size(); i++) {
        IntervalValue v = indexed.get(i).get(key);
        if (v == null) {
          missing.add(terms.get(i).name());
          continue;
        }
        double contribution = terms.get(i).coefficient() * v.consumption();
        sum += contribution;
        magnitude += Math.abs(contribution);
        actual &= v.quality() == IntervalQuality.ACTUAL;
      }
      if (!missing.isEmpty()) {
        flags.add(new Flag(FlagKind.MISSING_INPUT, key.start, key.end, Double.NaN,
          "no value for " + String.join(", ", missing)));
        continue;
      }
      double value = sum;
      if (sum < 0) {
        value = 0.0;
        if (-sum > NOISE * magnitude) {
          actual = false;
          flags.add(new Flag(FlagKind.NEGATIVE_RESULT, key.start, key.end, sum, String.format(Locale.ROOT,
            "formula gives %s: a metering error (ratio, wiring or meter tree); clamped to 0", sum)));
        }
      }
      out.add(new VirtualInterval(key.start, key.end, value, sum,
        actual ? IntervalQuality.ACTUAL : IntervalQuality.ESTIMATED));
    }
    return new Result(out, flags);
  }

  private record Key(Instant start, Instant end) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = start.compareTo(o.start);
      return c != 0 ? c : end.compareTo(o.end);
    }
  }
}
