package io.gridledger.alarm;

import io.gridledger.alarm.SweepQueries.Counts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import static io.gridledger.alarm.SweepQueries.SYSTEM;
import static io.gridledger.alarm.SweepQueries.each;
import static io.gridledger.alarm.SweepQueries.utc;

/** Meters and gateways gone silent for longer than {@link AlarmThresholds#offlineAfter()}. */
final class OfflineDetector {

  private static final Logger LOG = LoggerFactory.getLogger(OfflineDetector.class);
  /** Advisory lock key serialising gateway_offline inserts across sweeps and instances (no unique index helps). */
  private static final String GATEWAY_LOCK = "gridledger.alarm.gateway_offline";

  private final SweepQueries q;
  private final AlarmService alarms;
  private final AlarmThresholds thresholds;

  OfflineDetector(SweepQueries q, AlarmService alarms, AlarmThresholds thresholds) {
    this.q = q;
    this.alarms = alarms;
    this.thresholds = thresholds;
  }

  /** A meter that has reported (device_status.last_seen_at is the newest reading's ts) but not within the configured offline threshold. */
  Future<Counts> deviceOffline(Instant now) {
    OffsetDateTime cutoff = utc(now.minus(thresholds.offlineAfter()));
    String kind = AlarmKind.DEVICE_OFFLINE.wire();
    Future<List<Row>> toRaise = q.rows("SELECT m.site_id, m.id, m.serial, d.last_seen_at FROM device_status d "
      + "JOIN meter m ON m.id = d.meter_id WHERE d.last_seen_at < $1 AND NOT EXISTS (SELECT 1 FROM alarm a "
      + "WHERE a.meter_id = d.meter_id AND a.kind = $2 AND a.state <> 'cleared')", Tuple.of(cutoff, kind));
    Future<List<Row>> toResolve = q.rows("SELECT a.meter_id FROM alarm a JOIN device_status d ON d.meter_id = a.meter_id "
      + "WHERE a.kind = $2 AND a.state <> 'cleared' AND d.last_seen_at >= $1", Tuple.of(cutoff, kind));
    return Future.all(toRaise, toResolve).compose(both -> {
      Future<Integer> raised = each(toRaise.result(), r -> alarms.raise(r.getUUID("site_id"), r.getUUID("id"),
        AlarmKind.DEVICE_OFFLINE, "Meter " + r.getString("serial") + " has not reported since "
          + r.getOffsetDateTime("last_seen_at").toInstant(),
        new JsonObject().put("lastSeenAt", r.getOffsetDateTime("last_seen_at").toInstant().toString())
          .put("offlineAfterSeconds", thresholds.offlineAfter().toSeconds())));
      return raised.compose(n -> each(toResolve.result(),
          r -> alarms.resolve(r.getUUID("meter_id"), AlarmKind.DEVICE_OFFLINE, SYSTEM))
        .map(m -> new Counts(n, m)));
    });
  }

  /**
   * A gateway whose last contact is older than the configured offline threshold. The MQTT endpoint refreshes last_seen_at on connect,
   * on disconnect and at most every 30 s while publishing, so "disconnected for more than 15 minutes" is
   * "connected = false and last_seen_at older than 15 minutes": covered by the same test. It clears once the gateway
   * is connected and seen again. Gateway alarms have no meter, so the partial unique index cannot deduplicate them;
   * the insert checks for an open alarm of the same site and gateway under a transaction-scoped advisory lock.
   */
  Future<Counts> gatewayOffline(Instant now) {
    OffsetDateTime cutoff = utc(now.minus(thresholds.offlineAfter()));
    AlarmKind kind = AlarmKind.GATEWAY_OFFLINE;
    Future<List<Row>> raised = q.pool().withTransaction(conn -> conn
      .preparedQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext($1))) l").execute(Tuple.of(GATEWAY_LOCK))
      .compose(locked -> conn.preparedQuery("INSERT INTO alarm AS a (id, site_id, meter_id, kind, severity, state, message, "
          + "details) SELECT gen_random_uuid(), g.site_id, NULL, $2, $3, 'active', "
          + "format('Gateway %s (%s) has not been seen since %s', g.gateway, g.protocol, "
          + "to_char(g.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')), "
          + "jsonb_build_object('gateway', g.gateway, 'protocol', g.protocol, 'connected', g.connected, "
          + "'lastSeenAt', to_char(g.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
          + "'offlineAfterSeconds', $4::bigint) "
          + "FROM gateway_status g WHERE g.last_seen_at < $1 AND NOT EXISTS (SELECT 1 FROM alarm o "
          + "WHERE o.site_id = g.site_id AND o.meter_id IS NULL AND o.kind = $2 AND o.state <> 'cleared' "
          + "AND o.details->>'gateway' = g.gateway) RETURNING a.site_id, a.details->>'gateway' AS gateway, "
          + AlarmHandlers.DOC + " AS doc")
        .execute(Tuple.of(cutoff, kind.wire(), kind.severity(), thresholds.offlineAfter().toSeconds()))))
      .map(SweepQueries::list);
    return raised.compose(inserted -> {
      inserted.forEach(r -> {
        LOG.info("alarm kind={} site={} gateway={}", kind.wire(), r.getUUID("site_id"), r.getString("gateway"));
        alarms.changed("raised", r.getJsonObject("doc"));
      });
      return q.rows("UPDATE alarm a SET state = 'cleared', cleared_at = now(), cleared_by = $3 FROM gateway_status g "
          + "WHERE a.kind = $2 AND a.meter_id IS NULL AND a.state <> 'cleared' AND g.site_id = a.site_id "
          + "AND g.gateway = a.details->>'gateway' AND g.connected AND g.last_seen_at >= $1 RETURNING a.id, "
          + AlarmHandlers.DOC + " AS doc", Tuple.of(cutoff, kind.wire(), SYSTEM))
        .map(cleared -> {
          cleared.forEach(r -> alarms.changed("cleared", r.getJsonObject("doc")));
          return new Counts(inserted.size(), cleared.size());
        });
    });
  }
}
