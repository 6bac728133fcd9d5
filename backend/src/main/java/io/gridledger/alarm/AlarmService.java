package io.gridledger.alarm;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Raises alarms. One alarm stays open per meter and kind: a repeat of an open alarm counts as an occurrence and
 * refreshes its details instead of adding a row, so a flapping meter cannot flood the operators' list.
 */
public final class AlarmService {

  private static final Logger LOG = LoggerFactory.getLogger(AlarmService.class);

  private final Pool pool;

  public AlarmService(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> raise(UUID siteId, UUID meterId, AlarmKind kind, String message, JsonObject details) {
    LOG.info("alarm kind={} site={} meter={} message={}", kind.wire(), siteId, meterId, message.replace(' ', '_'));
    return pool.preparedQuery("INSERT INTO alarm (id, site_id, meter_id, kind, severity, state, message, details) "
        + "VALUES ($1, $2, $3, $4, $5, 'active', $6, $7) "
        + "ON CONFLICT (meter_id, kind) WHERE state <> 'cleared' DO UPDATE SET occurrences = alarm.occurrences + 1, "
        + "last_seen_at = now(), message = EXCLUDED.message, details = EXCLUDED.details")
      .execute(Tuple.of(UUID.randomUUID(), siteId, meterId, kind.wire(), kind.severity(), message, details))
      .mapEmpty();
  }

  /** Clears the open alarm of this kind on the meter, if any (the condition went away by itself). */
  public Future<Void> resolve(UUID meterId, AlarmKind kind, String by) {
    return pool.preparedQuery("UPDATE alarm SET state = 'cleared', cleared_at = now(), cleared_by = $3 "
        + "WHERE meter_id = $1 AND kind = $2 AND state <> 'cleared'")
      .execute(Tuple.of(meterId, kind.wire(), by)).mapEmpty();
  }
}
