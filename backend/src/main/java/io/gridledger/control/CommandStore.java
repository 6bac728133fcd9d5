package io.gridledger.control;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The control capability's SQL: the command log and each meter's last confirmed relay state. */
final class CommandStore {

  static final String DOC = "json_build_object('id', c.id, 'siteId', c.site_id, 'meterId', c.meter_id, "
    + "'action', c.action, 'state', c.state, 'cause', c.cause, 'actor', c.actor, 'reason', c.reason, "
    + "'overrideCriticalLoad', c.override_critical_load, 'protocol', c.protocol, 'attempts', c.attempts, "
    + "'maxAttempts', c.max_attempts, 'lastError', c.last_error, 'reportedState', c.reported_state, "
    + "'requestedAt', c.requested_at, 'sentAt', c.sent_at, 'confirmedAt', c.confirmed_at, "
    + "'completedAt', c.completed_at)";

  /** Longest error text kept per command (device messages can be long; the log has the rest). */
  private static final int MAX_ERROR_LENGTH = 500;

  private final Pool pool;

  CommandStore(Pool pool) {
    this.pool = pool;
  }

  Future<MeterCommand> insert(UUID id, RelayTarget meter, RelayAction action, CommandCause cause, int maxAttempts) {
    return one("INSERT INTO meter_command AS c (id, site_id, meter_id, action, state, cause, actor, reason, "
        + "override_critical_load, protocol, max_attempts) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10) "
        + "RETURNING " + DOC + " AS doc",
      Tuple.from(List.of(id, meter.siteId(), meter.id(), action.wire(), cause.kind().wire(), cause.actor(),
        cause.reason(), cause.overrideCriticalLoad(), meter.protocol(), maxAttempts)));
  }

  /** One more attempt is going out: state sent, attempts counted, the first send time kept. */
  Future<MeterCommand> attemptStarted(UUID id, int attempt) {
    return one("UPDATE meter_command AS c SET state = 'sent', attempts = $2, sent_at = coalesce(c.sent_at, now()), "
      + "updated_at = now() WHERE c.id = $1 RETURNING " + DOC + " AS doc", Tuple.of(id, attempt));
  }

  /** An attempt failed and another follows after the backoff: the error is kept, the state stays sent. */
  Future<MeterCommand> attemptFailed(UUID id, String error) {
    return one("UPDATE meter_command AS c SET last_error = $2, updated_at = now() WHERE c.id = $1 "
      + "RETURNING " + DOC + " AS doc", Tuple.of(id, clip(error)));
  }

  /**
   * The device reported the requested state: the command is confirmed and, in the same transaction, becomes the
   * meter's relay state (unless a later-confirmed command already set it).
   */
  Future<MeterCommand> confirmed(UUID id, String reportedState) {
    return pool.withTransaction(tx -> tx.preparedQuery("UPDATE meter_command AS c SET state = 'confirmed', "
          + "reported_state = $2, confirmed_at = clock_timestamp(), completed_at = clock_timestamp(), updated_at = now() "
          + "WHERE c.id = $1 RETURNING " + DOC + " AS doc")
        .execute(Tuple.of(id, reportedState))
        .map(CommandStore::firstCommand)
        .compose(command -> tx.preparedQuery("INSERT INTO meter_relay_state AS r (meter_id, site_id, state, confirmed_at, "
            + "command_id) SELECT c.meter_id, c.site_id, c.reported_state, c.confirmed_at, c.id FROM meter_command c "
            + "WHERE c.id = $1 ON CONFLICT (meter_id) DO UPDATE SET state = EXCLUDED.state, "
            + "confirmed_at = EXCLUDED.confirmed_at, command_id = EXCLUDED.command_id "
            + "WHERE r.confirmed_at <= EXCLUDED.confirmed_at")
          .execute(Tuple.of(id))
          .map(command)));
  }

  /** Failed (after the last attempt) or superseded: final, with the last error. */
  Future<MeterCommand> finished(UUID id, CommandState state, String error) {
    return one("UPDATE meter_command AS c SET state = $2, last_error = coalesce($3, c.last_error), "
      + "completed_at = clock_timestamp(), updated_at = now() WHERE c.id = $1 RETURNING " + DOC + " AS doc",
      Tuple.of(id, state.wire(), clip(error)));
  }

  Future<MeterCommand> find(UUID id) {
    return pool.preparedQuery("SELECT " + DOC + " AS doc FROM meter_command c WHERE c.id = $1").execute(Tuple.of(id))
      .map(rows -> rows.size() == 0 ? null : firstCommand(rows));
  }

  Future<RelayState> relayState(UUID meterId, UUID siteId) {
    return pool.preparedQuery("SELECT state, confirmed_at, command_id FROM meter_relay_state WHERE meter_id = $1")
      .execute(Tuple.of(meterId))
      .map(rows -> {
        if (rows.size() == 0) {
          return new RelayState(meterId, siteId, RelayState.UNKNOWN, null, null);
        }
        Row row = rows.iterator().next();
        return new RelayState(meterId, siteId, row.getString("state"),
          row.getOffsetDateTime("confirmed_at").toInstant(), row.getUUID("command_id"));
      });
  }

  /**
   * Commands still pending or sent although nothing touched them for {@code staleSeconds} (longer than any command
   * can take): the instance working on them stopped. They are failed, and returned so their alarms can be raised.
   */
  Future<List<MeterCommand>> failAbandoned(long staleSeconds, int limit) {
    return pool.preparedQuery("UPDATE meter_command AS c SET state = 'failed', completed_at = clock_timestamp(), "
        + "updated_at = now(), last_error = 'abandoned: the instance sending it stopped before the device confirmed' "
        + "WHERE c.id IN (SELECT id FROM meter_command WHERE state IN ('pending', 'sent') "
        + "AND updated_at < now() - make_interval(secs => $1) ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
        + "RETURNING " + DOC + " AS doc")
      .execute(Tuple.of((double) staleSeconds, limit))
      .map(rows -> {
        List<MeterCommand> out = new ArrayList<>();
        rows.forEach(row -> out.add(MeterCommand.fromJson(row.getJsonObject("doc"))));
        return out;
      });
  }

  private Future<MeterCommand> one(String sql, Tuple params) {
    return pool.preparedQuery(sql).execute(params).map(CommandStore::firstCommand);
  }

  private static MeterCommand firstCommand(RowSet<Row> rows) {
    if (rows.size() == 0) {
      throw new IllegalStateException("meter command not found");
    }
    JsonObject doc = rows.iterator().next().getJsonObject("doc");
    return MeterCommand.fromJson(doc);
  }

  private static String clip(String error) {
    return error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
  }
}
