package io.gridledger.alarm;

import io.gridledger.live.LiveAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
  private final Vertx vertx;

  /** Raises and clears without telling live push (tests of detectors). */
  public AlarmService(Pool pool) {
    this(pool, null);
  }

  /** @param vertx where changes are published on {@link LiveAddresses#ALARM}, after they are committed */
  public AlarmService(Pool pool, Vertx vertx) {
    this.pool = pool;
    this.vertx = vertx;
  }

  public Future<Void> raise(UUID siteId, UUID meterId, AlarmKind kind, String message, JsonObject details) {
    LOG.info("alarm kind={} site={} meter={} message={}", kind.wire(), siteId, meterId, message.replace(' ', '_'));
    return pool.preparedQuery("INSERT INTO alarm AS a (id, site_id, meter_id, kind, severity, state, message, details) "
        + "VALUES ($1, $2, $3, $4, $5, 'active', $6, $7) "
        + "ON CONFLICT (meter_id, kind) WHERE state <> 'cleared' DO UPDATE SET occurrences = a.occurrences + 1, "
        + "last_seen_at = now(), message = EXCLUDED.message, details = EXCLUDED.details RETURNING "
        + AlarmHandlers.DOC + " AS doc")
      .execute(Tuple.of(UUID.randomUUID(), siteId, meterId, kind.wire(), kind.severity(), message, details))
      .onSuccess(rows -> rows.forEach(row -> changed("raised", row.getJsonObject("doc"))))
      .mapEmpty();
  }

  /** Clears the open alarm of this kind on the meter, if any (the condition went away by itself). */
  public Future<Void> resolve(UUID meterId, AlarmKind kind, String by) {
    return pool.preparedQuery("UPDATE alarm AS a SET state = 'cleared', cleared_at = now(), cleared_by = $3 "
        + "WHERE a.meter_id = $1 AND a.kind = $2 AND a.state <> 'cleared' RETURNING " + AlarmHandlers.DOC + " AS doc")
      .execute(Tuple.of(meterId, kind.wire(), by))
      .onSuccess(rows -> rows.forEach(row -> changed("cleared", row.getJsonObject("doc"))))
      .mapEmpty();
  }

  /** Tells live push that an alarm changed (raised, acknowledged, cleared); {@code alarm} as the API shows it. */
  public void changed(String change, JsonObject alarm) {
    if (vertx != null) {
      vertx.eventBus().publish(LiveAddresses.ALARM, new JsonObject().put("change", change).put("alarm", alarm));
    }
  }
}
