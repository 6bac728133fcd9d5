package io.gridledger.alarm;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** What the alarm detectors share: their queries' plumbing and the per-time-zone windows they look at. */
final class SweepQueries {

  private static final Logger LOG = LoggerFactory.getLogger(SweepQueries.class);
  static final String SYSTEM = "system";

  /** What one detector did in one sweep. */
  record Counts(int raised, int resolved) {
    static final Counts NONE = new Counts(0, 0);

    @Override
    public String toString() {
      return "+" + raised + "/-" + resolved;
    }
  }

  private final Pool pool;

  SweepQueries(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** The windows {@code perZone} gives for every time zone in use by a site (a zone Java does not know is skipped). */
  Future<List<SweepWindow>> windows(Function<Map.Entry<String, ZoneId>, List<SweepWindow>> perZone) {
    return rows("SELECT DISTINCT time_zone FROM site", Tuple.tuple()).map(zones -> {
      List<SweepWindow> out = new ArrayList<>();
      for (Row z : zones) {
        String name = z.getString("time_zone");
        try {
          out.addAll(perZone.apply(Map.entry(name, ZoneId.of(name))));
        } catch (DateTimeException e) {
          LOG.warn("alarm sweep skips unknown time zone zone={}", name);
        }
      }
      return out;
    });
  }

  /** $1 zone, $2 day, $3 start, $4 end, $5 expected intervals. */
  static Tuple windowTuple(List<SweepWindow> windows) {
    return Tuple.tuple()
      .addArrayOfString(windows.stream().map(SweepWindow::zone).toArray(String[]::new))
      .addArrayOfLocalDate(windows.stream().map(SweepWindow::day).toArray(LocalDate[]::new))
      .addArrayOfOffsetDateTime(windows.stream().map(w -> utc(w.start())).toArray(OffsetDateTime[]::new))
      .addArrayOfOffsetDateTime(windows.stream().map(w -> utc(w.end())).toArray(OffsetDateTime[]::new))
      .addArrayOfInteger(windows.stream().map(SweepWindow::intervals).toArray(Integer[]::new));
  }

  Future<List<Row>> rows(String sql, Tuple params) {
    return pool.preparedQuery(sql).execute(params).map(SweepQueries::list);
  }

  static List<Row> list(RowSet<Row> rows) {
    List<Row> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }

  /** Runs {@code action} on each item one after another (bounded load on the pool); returns how many ran. */
  static <T> Future<Integer> each(List<T> items, Function<T, Future<Void>> action) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> action.apply(item));
    }
    return chain.map(v -> items.size());
  }

  /**
   * A LATERAL join giving, as {@code operator_cleared}, the details of the meter's last alarm of the kind that an
   * operator cleared (not the sweep itself). {@code meter} is the SQL expression of the meter id, {@code kindParam} and
   * {@code systemParam} the parameters holding the kind and {@link #SYSTEM}.
   */
  static String lastOperatorCleared(String meter, String kindParam, String systemParam) {
    return "LEFT JOIN LATERAL (SELECT c.details AS operator_cleared FROM alarm c WHERE c.meter_id = " + meter
      + " AND c.kind = " + kindParam + " AND c.state = 'cleared' AND c.cleared_by <> " + systemParam
      + " ORDER BY c.cleared_at DESC LIMIT 1) oc ON true ";
  }

  /**
   * Whether an operator already cleared this very verdict: the details of the alarm the operator cleared last have the
   * same values under {@code keys} (a day or night, its figures). A verdict about a past period that an operator
   * dismissed is not raised again on the next sweep; a verdict on other data (late readings changed the period) is.
   */
  static boolean operatorClearedTheSame(JsonObject operatorCleared, JsonObject details, String... keys) {
    if (operatorCleared == null) {
      return false;
    }
    for (String key : keys) {
      Object was = operatorCleared.getValue(key);
      Object is = details.getValue(key);
      boolean same = was instanceof Number a && is instanceof Number b
        ? Double.compare(a.doubleValue(), b.doubleValue()) == 0
        : java.util.Objects.equals(was, is);
      if (!same) {
        return false;
      }
    }
    return true;
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
