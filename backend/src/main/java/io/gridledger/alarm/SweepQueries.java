package io.gridledger.alarm;

import io.vertx.core.Future;
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

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
