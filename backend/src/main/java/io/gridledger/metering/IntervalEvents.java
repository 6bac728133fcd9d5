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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tells live push that series' intervals were rebuilt: after a rebuild committed, the latest intervals of each rebuilt
 * span (at most {@value #LATEST} per register, newest first) are read back and published on
 * {@link LiveAddresses#INTERVAL}, one message per series.
 *
 * <p>The read-back is one query per {@value #SERIES_PER_QUERY} series, and one query at a time: a rebuild of
 * thousands of series (10,000 meters at start, or after a pause) must not put thousands of queries into the pool's
 * wait queue, where they would overflow it and starve ingest of connections. Series rebuilt while a query runs wait,
 * merged per series (only the latest span matters to a live view), so what waits is bounded by the series there are.
 */
final class IntervalEvents {

  private static final Logger LOG = LoggerFactory.getLogger(IntervalEvents.class);
  static final int LATEST = 4;
  static final int SERIES_PER_QUERY = 500;

  /** One rebuilt span of a series. */
  record Rebuilt(UUID meterId, String register, Instant from, Instant to) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final MeterDirectory meters;
  private final Map<String, Rebuilt> waiting = new LinkedHashMap<>();
  private boolean querying;

  IntervalEvents(Vertx vertx, Pool pool, MeterDirectory meters) {
    this.vertx = vertx;
    this.pool = pool;
    this.meters = meters;
  }

  /** {@code register} "*": every register of the meter (computed meters rebuild all of theirs at once). */
  void rebuilt(List<Rebuilt> spans) {
    for (Rebuilt span : spans) {
      MeterDirectory.MeterRef meter = meters.byId(span.meterId());
      if (meter == null) {
        continue;
      }
      List<String> registers = "*".equals(span.register()) ? List.copyOf(meter.registers().keySet())
        : List.of(span.register());
      for (String name : registers) {
        waiting.merge(span.meterId() + "|" + name, new Rebuilt(span.meterId(), name, span.from(), span.to()),
          (a, b) -> new Rebuilt(a.meterId(), a.register(), a.from().isBefore(b.from()) ? a.from() : b.from(),
            a.to().isAfter(b.to()) ? a.to() : b.to()));
      }
    }
    next();
  }

  /** Series waiting to be read back (tests). */
  int waiting() {
    return waiting.size() + (querying ? 1 : 0);
  }

  private void next() {
    if (querying || waiting.isEmpty()) {
      return;
    }
    List<Rebuilt> batch = new ArrayList<>(Math.min(SERIES_PER_QUERY, waiting.size()));
    Iterator<Rebuilt> it = waiting.values().iterator();
    while (it.hasNext() && batch.size() < SERIES_PER_QUERY) {
      batch.add(it.next());
      it.remove();
    }
    querying = true;
    latest(batch).onComplete(done -> {
      querying = false;
      if (done.succeeded()) {
        publish(batch, done.result());
      } else {
        LOG.warn("live intervals not published series={} first meter={} error={}", batch.size(),
          batch.get(0).meterId(), done.cause().getMessage());
      }
      next();
    });
  }

  private void publish(List<Rebuilt> batch, Map<Integer, JsonArray> intervals) {
    for (int i = 0; i < batch.size(); i++) {
      JsonArray latest = intervals.get(i + 1);
      if (latest == null) {
        continue;
      }
      Rebuilt r = batch.get(i);
      MeterDirectory.MeterRef meter = meters.byId(r.meterId());
      if (meter != null) {
        vertx.eventBus().publish(LiveAddresses.INTERVAL, new JsonObject().put("siteId", meter.siteId().toString())
          .put("meterId", r.meterId().toString()).put("register", r.register()).put("from", r.from().toString())
          .put("to", r.to().toString()).put("intervals", latest));
      }
    }
  }

  /** Per series (its 1-based position in {@code batch}), its newest intervals ending in its span, newest first. */
  private Future<Map<Integer, JsonArray>> latest(List<Rebuilt> batch) {
    UUID[] ids = new UUID[batch.size()];
    String[] registers = new String[batch.size()];
    OffsetDateTime[] from = new OffsetDateTime[batch.size()];
    OffsetDateTime[] to = new OffsetDateTime[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      Rebuilt r = batch.get(i);
      ids[i] = r.meterId();
      registers[i] = r.register();
      from[i] = r.from().atOffset(ZoneOffset.UTC);
      to[i] = r.to().atOffset(ZoneOffset.UTC);
    }
    return pool.preparedQuery("SELECT s.n, c.interval_start, c.interval_end, c.consumption, c.quality "
        + "FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY "
        + "AS s(meter_id, register, span_from, span_to, n) "
        + "CROSS JOIN LATERAL (SELECT interval_start, interval_end, consumption, quality FROM interval_consumption i "
        + "WHERE i.meter_id = s.meter_id AND i.register = s.register AND i.interval_end >= s.span_from "
        + "AND i.interval_end <= s.span_to ORDER BY i.interval_start DESC LIMIT " + LATEST + ") c "
        + "ORDER BY s.n, c.interval_start DESC")
      .execute(Tuple.of(ids, registers, from, to))
      .map(rows -> {
        Map<Integer, JsonArray> out = new java.util.HashMap<>();
        for (Row r : rows) {
          out.computeIfAbsent(r.getLong("n").intValue(), k -> new JsonArray()).add(new JsonObject()
            .put("start", r.getOffsetDateTime("interval_start").toInstant().toString())
            .put("end", r.getOffsetDateTime("interval_end").toInstant().toString())
            .put("consumption", r.getDouble("consumption")).put("quality", r.getString("quality")));
        }
        return out;
      });
  }
}
