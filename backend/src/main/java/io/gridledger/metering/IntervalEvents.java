package io.gridledger.metering;

import io.gridledger.ingest.MeterDirectory;
import io.gridledger.live.LiveAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Tells live push that a series' intervals were rebuilt: after the rebuild committed, the latest intervals of the
 * rebuilt span (at most {@value #LATEST} per register, newest first) are read back and published on
 * {@link LiveAddresses#INTERVAL}. One indexed query per rebuilt register; rebuilds are already debounced.
 */
final class IntervalEvents {

  private static final Logger LOG = LoggerFactory.getLogger(IntervalEvents.class);
  static final int LATEST = 4;

  private final Vertx vertx;
  private final Pool pool;
  private final MeterDirectory meters;

  IntervalEvents(Vertx vertx, Pool pool, MeterDirectory meters) {
    this.vertx = vertx;
    this.pool = pool;
    this.meters = meters;
  }

  /** {@code register} "*": every register of the meter (computed meters rebuild all of theirs at once). */
  void rebuilt(UUID meterId, String register, Instant from, Instant to) {
    MeterDirectory.MeterRef meter = meters.byId(meterId);
    if (meter == null) {
      return;
    }
    List<String> registers = "*".equals(register) ? List.copyOf(meter.registers().keySet()) : List.of(register);
    for (String name : registers) {
      latest(meterId, name, from, to).onSuccess(intervals -> {
        if (!intervals.isEmpty()) {
          vertx.eventBus().publish(LiveAddresses.INTERVAL, new JsonObject().put("siteId", meter.siteId().toString())
            .put("meterId", meterId.toString()).put("register", name).put("from", from.toString())
            .put("to", to.toString()).put("intervals", intervals));
        }
      }).onFailure(e -> LOG.warn("live intervals not published meter={} register={} error={}", meterId, name,
        e.getMessage()));
    }
  }

  private Future<JsonArray> latest(UUID meterId, String register, Instant from, Instant to) {
    return pool.preparedQuery("SELECT interval_start, interval_end, consumption, quality FROM interval_consumption "
        + "WHERE meter_id = $1 AND register = $2 AND interval_end >= $3 AND interval_end <= $4 "
        + "ORDER BY interval_start DESC LIMIT " + LATEST)
      .execute(Tuple.of(meterId, register, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
      .map(rows -> {
        JsonArray out = new JsonArray();
        for (Row r : rows) {
          out.add(new JsonObject().put("start", r.getOffsetDateTime("interval_start").toInstant().toString())
            .put("end", r.getOffsetDateTime("interval_end").toInstant().toString())
            .put("consumption", r.getDouble("consumption")).put("quality", r.getString("quality")));
        }
        return out;
      });
  }
}
