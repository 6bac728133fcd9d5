package io.gridledger.metering;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * How other capabilities (rating, billing) read a meter's 15-minute interval consumption without reading metering's
 * tables themselves. The caller has already checked the meter is visible to whoever asks.
 */
public final class IntervalReader {

  /** Interval starts (UTC epoch seconds, ascending) and consumption in the register's unit, multiplier applied. */
  public record Intervals(long[] startsEpochSecond, double[] consumption) {
  }

  /** A year of 15-minute intervals: the most one read returns. */
  public static final int MAX_INTERVALS = 366 * 100;

  private final Pool pool;

  public IntervalReader(Pool pool) {
    this.pool = pool;
  }

  /** Intervals that start in [from, to), at most {@link #MAX_INTERVALS}. */
  public Future<Intervals> read(UUID meterId, String register, OffsetDateTime from, OffsetDateTime to) {
    return pool.preparedQuery("SELECT extract(epoch from interval_start)::bigint AS start, consumption "
        + "FROM interval_consumption WHERE meter_id = $1 AND register = $2 AND interval_start >= $3 "
        + "AND interval_start < $4 ORDER BY interval_start LIMIT $5")
      .execute(Tuple.of(meterId, register, from, to, MAX_INTERVALS))
      .map(rows -> {
        long[] starts = new long[rows.size()];
        double[] consumption = new double[rows.size()];
        int i = 0;
        for (Row row : rows) {
          starts[i] = row.getLong("start");
          consumption[i++] = row.getDouble("consumption");
        }
        return new Intervals(starts, consumption);
      });
  }
}
