package io.gridledger.metering;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.PageQuery;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.auth.Role;
import io.gridledger.site.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/** Readings, interval consumption and meter exchanges of one meter, and a site's device health. */
public final class MeteringHandlers implements OperationBinder {

  private static final String READING_DOC = "json_build_object('register', r.register, 'ts', r.ts, 'value', r.value, "
    + "'unit', (SELECT reg->>'unit' FROM meter m, jsonb_array_elements(m.registers) reg WHERE m.id = r.meter_id "
    + "AND reg->>'name' = r.register), 'quality', r.quality, 'source', r.source, 'gateway', r.gateway, "
    + "'receivedAt', r.received_at, 'quarantine', q.reason)";
  private static final String EXCHANGE_DOC = "json_build_object('id', e.id, 'meterId', e.meter_id, 'register', e.register, "
    + "'ts', e.ts, 'oldFinalValue', e.old_final_value, 'newInitialValue', e.new_initial_value, "
    + "'newSerial', e.new_serial, 'note', e.note, 'createdBy', e.created_by, 'createdAt', e.created_at)";

  private final Vertx vertx;
  private final Pool pool;
  private final SiteAccess sites;
  private final ConsumptionQuery consumption;
  private final long offlineAfterSeconds;

  /** @param offlineAfter a device silent this long is reported offline (alarm.offlineAfterSeconds, as the alarms) */
  public MeteringHandlers(Vertx vertx, Pool pool, SiteAccess sites, java.time.Duration offlineAfter) {
    this.offlineAfterSeconds = offlineAfter.toSeconds();
    this.vertx = vertx;
    this.pool = pool;
    this.sites = sites;
    this.consumption = new ConsumptionQuery(pool);
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("listMeterReadings").addHandler(this::readings);
    routes.getRoute("getMeterConsumption").addHandler(this::consumption);
    routes.getRoute("listMeterExchanges").addHandler(this::listExchanges);
    routes.getRoute("createMeterExchange").addHandler(this::createExchange);
    routes.getRoute("getDeviceHealth").addHandler(this::deviceHealth);
  }

  private void readings(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID meterId = pathId(rc, "meterId");
    ok(rc, sites.visibleMeter(p, meterId).compose(meter -> {
      PageQuery query = new PageQuery("reading r LEFT JOIN reading_quarantine q ON q.meter_id = r.meter_id "
        + "AND q.register = r.register AND q.ts = r.ts", READING_DOC,
        Map.of("ts", new PageQuery.SortField("r.ts", "timestamptz")), "-ts")
        .idType("text")
        .where("r.meter_id = ?", meterId);
      String register = query(rc, "register");
      if (register != null) {
        query.where("r.register = ?", register);
      }
      if (query(rc, "from") != null) {
        query.where("r.ts >= ?", utc(query(rc, "from")));
      }
      if (query(rc, "to") != null) {
        query.where("r.ts < ?", utc(query(rc, "to")));
      }
      return query.page(query(rc, "cursor"), queryInt(rc, "limit"), null).run(pool, "r.register");
    }));
  }

  private void consumption(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID meterId = pathId(rc, "meterId");
    String register = query(rc, "register") == null ? "energy_active_import" : query(rc, "register");
    String interval = query(rc, "interval") == null ? "1h" : query(rc, "interval");
    OffsetDateTime from = utc(query(rc, "from"));
    OffsetDateTime to = utc(query(rc, "to"));
    if (!to.isAfter(from)) {
      throw Problem.unprocessable("invalid-period", "to", "'to' must be after 'from'");
    }
    if (java.time.Duration.between(from, to).toDays() > 3660) {
      throw Problem.unprocessable("invalid-period", "to", "At most ten years per request");
    }
    ok(rc, sites.visibleMeter(p, meterId).compose(meter -> {
      JsonObject def = registerOf(meter, register);
      if (def == null || !RegisterVocabulary.isCumulative(register)) {
        throw Problem.unprocessable("not-cumulative", "register", "Meter " + meter.getString("serial")
          + " has no cumulative register '" + register + "'");
      }
      return consumption.series(meterId, register, meter.getString("timeZone"), interval, from, to)
        .map(series -> series.put("meterId", meterId.toString()).put("register", register)
          .put("unit", def.getString("unit")).put("interval", interval).put("timeZone", meter.getString("timeZone")));
    }));
  }

  private void listExchanges(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID meterId = pathId(rc, "meterId");
    ok(rc, sites.visibleMeter(p, meterId).compose(meter -> pool.preparedQuery("SELECT " + EXCHANGE_DOC + " AS doc "
        + "FROM meter_exchange e WHERE e.meter_id = $1 ORDER BY e.ts, e.register").execute(Tuple.of(meterId))
      .map(rows -> {
        JsonArray list = new JsonArray();
        rows.forEach(row -> list.add(row.getJsonObject("doc")));
        return list;
      })));
  }

  private void createExchange(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID meterId = pathId(rc, "meterId");
    JsonObject body = body(rc);
    String register = body.getString("register");
    Instant ts = Instant.parse(body.getString("ts"));
    created(rc, sites.visibleMeter(p, meterId).compose(meter -> {
      SiteAccess.requireEditor(p);
      if (registerOf(meter, register) == null || !RegisterVocabulary.isCumulative(register)) {
        throw Problem.unprocessable("invalid-reference", "/register", "Meter " + meter.getString("serial")
          + " has no cumulative register '" + register + "'");
      }
      String protocol = meter.getJsonObject("binding").getString("protocol");
      if ("virtual".equals(protocol) || "computed".equals(protocol)) {
        throw Problem.unprocessable("invalid-virtual-meter", "/register", "A " + protocol + " meter has no device to exchange");
      }
      if (ts.isAfter(Instant.now().plusSeconds(300))) {
        throw Problem.unprocessable("invalid-period", "/ts", "An exchange cannot be in the future");
      }
      return pool.preparedQuery("INSERT INTO meter_exchange AS e (id, site_id, meter_id, register, ts, old_final_value, "
          + "new_initial_value, new_serial, note, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
          + "RETURNING " + EXCHANGE_DOC + " AS doc")
        .execute(Tuple.from(java.util.Arrays.asList(UUID.randomUUID(), UUID.fromString(meter.getString("siteId")),
          meterId, register, ts.atOffset(ZoneOffset.UTC), body.getNumber("oldFinalValue").doubleValue(),
          body.getNumber("newInitialValue").doubleValue(), body.getString("newSerial"), body.getString("note"),
          p.subject())))
        .map(rows -> rows.iterator().next().getJsonObject("doc"));
    }).onSuccess(exchange -> IntervalRecompute.request(vertx, meterId, register, ts, ts)));
  }

  private void deviceHealth(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    ok(rc, sites.visibleSite(p, siteId).compose(site -> {
      if (p.role() == Role.TENANT) {
        throw Problem.forbidden("Device health is for operators");
      }
      return pool.preparedQuery("SELECT m.id, m.serial, m.protocol, m.binding->>'gateway' AS gateway, d.last_seen_at, "
          + "coalesce(d.reading_count, 0) AS readings, coalesce(d.error_count, 0) AS errors, d.last_error "
          + "FROM meter m LEFT JOIN device_status d ON d.meter_id = m.id WHERE m.site_id = $1 ORDER BY m.serial")
        .execute(Tuple.of(siteId))
        .compose(meters -> pool.preparedQuery("SELECT gateway, protocol, last_seen_at, connected FROM gateway_status "
          + "WHERE site_id = $1 ORDER BY gateway").execute(Tuple.of(siteId)).map(gateways -> {
            OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(offlineAfterSeconds);
            JsonArray meterList = new JsonArray();
            for (Row m : meters) {
              OffsetDateTime seen = m.getOffsetDateTime("last_seen_at");
              meterList.add(new JsonObject().put("meterId", m.getUUID("id").toString()).put("serial", m.getString("serial"))
                .put("protocol", m.getString("protocol")).put("gateway", m.getString("gateway"))
                .put("online", seen != null && seen.isAfter(cutoff)).put("lastSeenAt", timestamp(seen))
                .put("readingCount", m.getLong("readings")).put("errorCount", m.getLong("errors"))
                .put("lastError", m.getString("last_error")));
            }
            JsonArray gatewayList = new JsonArray();
            for (Row g : gateways) {
              OffsetDateTime seen = g.getOffsetDateTime("last_seen_at");
              gatewayList.add(new JsonObject().put("gateway", g.getString("gateway")).put("protocol", g.getString("protocol"))
                .put("online", seen.isAfter(cutoff)).put("connected", g.getBoolean("connected"))
                .put("lastSeenAt", timestamp(seen)));
            }
            return new JsonObject().put("siteId", siteId.toString()).put("offlineAfterSeconds", offlineAfterSeconds)
              .put("meters", meterList).put("gateways", gatewayList);
          }));
    }));
  }

  private static JsonObject registerOf(JsonObject meter, String register) {
    for (Object r : meter.getJsonArray("registers")) {
      if (register.equals(((JsonObject) r).getString("name"))) {
        return (JsonObject) r;
      }
    }
    return null;
  }

  private static OffsetDateTime utc(String timestamp) {
    return OffsetDateTime.parse(timestamp).withOffsetSameInstant(ZoneOffset.UTC);
  }
}
