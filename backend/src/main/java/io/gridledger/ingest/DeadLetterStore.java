package io.gridledger.ingest;

import io.gridledger.api.PageQuery;
import io.gridledger.auth.Principal;
import io.gridledger.site.Scope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Device data we could not ingest, kept with the reason so an operator can see and fix the sender. */
public final class DeadLetterStore {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);
  static final String DOC = "json_build_object('id', d.id, 'receivedAt', d.received_at, 'siteId', d.site_id, "
    + "'source', d.source, 'gateway', d.gateway, 'meterSerial', d.meter_serial, 'register', d.register, "
    + "'reason', d.reason, 'payload', d.payload)";

  private final Pool pool;

  public DeadLetterStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> store(UUID siteId, String source, String gateway, List<Rejection> rejections) {
    if (rejections.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>(rejections.size());
    for (Rejection r : rejections) {
      rows.add(Tuple.of(UUID.randomUUID(), siteId, source, gateway, r.serial(), r.register(), r.reason(), r.payload()));
      LOG.info("dead letter source={} gateway={} meter={} register={} reason={}", source, gateway, r.serial(),
        r.register(), r.reason().replace(' ', '_'));
    }
    return pool.preparedQuery("INSERT INTO dead_letter (id, site_id, source, gateway, meter_serial, register, reason, payload) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)").executeBatch(rows).mapEmpty();
  }

  /** Admins see everything; others see dead letters of their sites (unattributed ones are admin-only). */
  public Future<JsonObject> list(Principal principal, UUID siteId, String source, String cursor, Integer limit) {
    Scope scope = Scope.site(principal, "d.site_id");
    PageQuery query = new PageQuery("dead_letter d", DOC,
      Map.of("receivedAt", new PageQuery.SortField("d.received_at", "timestamptz")), "-receivedAt")
      .where(scope.sql(), scope.params());
    if (siteId != null) {
      query.where("d.site_id = ?", siteId);
    }
    if (source != null) {
      query.where("d.source = ?", source);
    }
    return query.page(cursor, limit, null).run(pool, "d.id");
  }
}
