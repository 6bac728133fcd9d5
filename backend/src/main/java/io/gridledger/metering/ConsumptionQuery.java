package io.gridledger.metering;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Aggregates 15-minute intervals into buckets. Hours are counted on the site's wall clock by offset (so a half-hour
 * zone gets its own hours) but as instants (so the repeated hour of a DST fall-back is two buckets, not one merged);
 * days and months are the site's calendar days and months, 23 or 25 hours long on change days.
 */
final class ConsumptionQuery {

  private static final String BUCKET_15M = "i.interval_start";
  private static final String BUCKET_1H = "i.interval_start - make_interval(secs => "
    + "mod(extract(epoch from (i.interval_start AT TIME ZONE $3))::bigint, 3600))";
  private static final String BUCKET_1D = "(date_trunc('day', i.interval_start AT TIME ZONE $3) AT TIME ZONE $3)";
  private static final String BUCKET_1MO = "(date_trunc('month', i.interval_start AT TIME ZONE $3) AT TIME ZONE $3)";

  private final Pool pool;

  ConsumptionQuery(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> series(UUID meterId, String register, String timeZone, String interval, OffsetDateTime from,
                            OffsetDateTime to) {
    String bucket = switch (interval) {
      case "15m" -> BUCKET_15M;
      case "1h" -> BUCKET_1H;
      case "1d" -> BUCKET_1D;
      default -> BUCKET_1MO;
    };
    String bucketEnd = switch (interval) {
      case "15m" -> "b.bucket + interval '15 minutes'";
      case "1h" -> "b.bucket + interval '1 hour'";
      case "1d" -> "((b.bucket AT TIME ZONE $3) + interval '1 day') AT TIME ZONE $3";
      default -> "((b.bucket AT TIME ZONE $3) + interval '1 month') AT TIME ZONE $3";
    };
    String sql = "SELECT b.bucket AS start, " + bucketEnd + " AS \"end\", b.consumption, b.intervals, b.estimated, "
      + "(extract(epoch from (LEAST(" + bucketEnd + ", $5) - GREATEST(b.bucket, $4))) / 900)::int AS expected "
      + "FROM (SELECT " + bucket + " AS bucket, sum(i.consumption) AS consumption, count(*) AS intervals, "
      + "count(*) FILTER (WHERE i.quality = 'estimated') AS estimated FROM interval_consumption i "
      + "WHERE i.meter_id = $1 AND i.register = $2 AND i.interval_start >= $4 AND i.interval_end <= $5 "
      + "GROUP BY 1) b ORDER BY b.bucket";
    return pool.preparedQuery(sql).execute(Tuple.of(meterId, register, timeZone, from, to)).map(rows -> {
      JsonArray items = new JsonArray();
      double total = 0;
      for (Row row : rows) {
        double consumption = row.getDouble("consumption");
        int count = row.getInteger("intervals");
        int estimated = row.getInteger("estimated");
        String quality = count < row.getInteger("expected") ? "incomplete" : estimated > 0 ? "estimated" : "actual";
        items.add(new JsonObject().put("start", io.gridledger.api.Requests.timestamp(row.getOffsetDateTime("start")))
          .put("end", io.gridledger.api.Requests.timestamp(row.getOffsetDateTime("end"))).put("consumption", consumption)
          .put("quality", quality).put("intervals", count).put("estimatedIntervals", estimated));
        total += consumption;
      }
      return new JsonObject().put("items", items).put("total", total);
    });
  }
}
