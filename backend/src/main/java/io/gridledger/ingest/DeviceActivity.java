package io.gridledger.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Remembers when each meter last reported and how many readings and communication errors it had, and writes that to
 * device_status every few seconds: one upsert per active meter per flush instead of one per reading.
 */
public final class DeviceActivity {

  private record Counts(Instant lastSeen, long readings, long errors, String lastError, Instant lastErrorAt) {
  }

  private final Pool pool;
  private Map<UUID, Counts> pending = new HashMap<>();

  public DeviceActivity(Pool pool) {
    this.pool = pool;
  }

  public synchronized void seen(UUID meterId, Instant readingTs) {
    seen(meterId, readingTs, 1);
  }

  /** A batch's worth for one meter: its latest reading time and how many readings it brought. */
  public synchronized void seen(UUID meterId, Instant latestTs, int readings) {
    pending.merge(meterId, new Counts(latestTs, readings, 0, null, null), DeviceActivity::combine);
  }

  public synchronized void error(UUID meterId, String error) {
    Instant now = Instant.now();
    pending.merge(meterId, new Counts(null, 0, 1, error, now), DeviceActivity::combine);
  }

  public Future<Void> flush() {
    Map<UUID, Counts> batch;
    synchronized (this) {
      if (pending.isEmpty()) {
        return Future.succeededFuture();
      }
      batch = pending;
      pending = new HashMap<>();
    }
    List<Tuple> rows = new ArrayList<>(batch.size());
    batch.forEach((id, c) -> rows.add(Tuple.of(id, at(c.lastSeen()), c.readings(), c.errors(), c.lastError(),
      at(c.lastErrorAt()))));
    return pool.preparedQuery("INSERT INTO device_status AS d (meter_id, last_seen_at, reading_count, error_count, "
        + "last_error, last_error_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (meter_id) DO UPDATE SET "
        + "last_seen_at = GREATEST(d.last_seen_at, EXCLUDED.last_seen_at), "
        + "reading_count = d.reading_count + EXCLUDED.reading_count, error_count = d.error_count + EXCLUDED.error_count, "
        + "last_error = COALESCE(EXCLUDED.last_error, d.last_error), "
        + "last_error_at = GREATEST(d.last_error_at, EXCLUDED.last_error_at)")
      .executeBatch(rows).mapEmpty();
  }

  private static Counts combine(Counts a, Counts b) {
    Instant seen = a.lastSeen() == null ? b.lastSeen()
      : b.lastSeen() == null ? a.lastSeen() : a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen();
    return new Counts(seen, a.readings() + b.readings(), a.errors() + b.errors(),
      b.lastError() != null ? b.lastError() : a.lastError(), b.lastErrorAt() != null ? b.lastErrorAt() : a.lastErrorAt());
  }

  private static OffsetDateTime at(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
