package io.gridledger.allocation;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Marks a site's stored allocation days dirty when metering announces rebuilt intervals. Announcements come one per
 * rebuilt series, thousands a second at high ingest rates; an UPDATE each overflowed the pool's wait queue, and then
 * ingest's own inserts were refused with it. So they are merged per site (earliest from, latest to) and written by one
 * statement at a time; what arrives meanwhile waits for the next. Marking a few days too many only costs a
 * recompute; every day a rebuild touched is marked after that rebuild committed, which is what the mark is for.
 */
final class DirtyDayMarker {

  private static final Logger LOG = LoggerFactory.getLogger(DirtyDayMarker.class);
  private static final String MARK = "UPDATE allocation_day a SET dirty_since = now() "
    + "FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS d(site_id, f, t), site s "
    + "WHERE s.id = d.site_id AND a.site_id = d.site_id AND a.day >= (d.f AT TIME ZONE s.time_zone)::date "
    + "AND a.day <= (d.t AT TIME ZONE s.time_zone)::date";

  private final Pool pool;
  private Map<UUID, Instant[]> waiting = new LinkedHashMap<>();
  private boolean writing;

  DirtyDayMarker(Pool pool) {
    this.pool = pool;
  }

  /** A live interval event: {@code siteId}, {@code from}, {@code to}. Must be called on one event loop. */
  void rebuilt(JsonObject event) {
    Instant from = Instant.parse(event.getString("from"));
    Instant to = Instant.parse(event.getString("to"));
    waiting.merge(UUID.fromString(event.getString("siteId")), new Instant[] {from, to}, (a, b) -> new Instant[] {
      a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
    next();
  }

  private void next() {
    if (writing || waiting.isEmpty()) {
      return;
    }
    Map<UUID, Instant[]> batch = waiting;
    waiting = new LinkedHashMap<>();
    UUID[] sites = new UUID[batch.size()];
    OffsetDateTime[] from = new OffsetDateTime[batch.size()];
    OffsetDateTime[] to = new OffsetDateTime[batch.size()];
    int i = 0;
    for (Map.Entry<UUID, Instant[]> e : batch.entrySet()) {
      sites[i] = e.getKey();
      from[i] = e.getValue()[0].atOffset(ZoneOffset.UTC);
      to[i] = e.getValue()[1].atOffset(ZoneOffset.UTC);
      i++;
    }
    writing = true;
    pool.preparedQuery(MARK).execute(Tuple.of(sites, from, to)).onComplete(done -> {
      writing = false;
      if (done.failed()) {
        LOG.warn("allocation days not marked dirty sites={} error={}", batch.size(), done.cause().getMessage());
      }
      next();
    });
  }
}
