package io.gridledger.live;

import io.gridledger.site.SiteTopology;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;

/**
 * Turns what capabilities publish on {@link LiveAddresses} into {@link LiveEvent}s, checking each message's shape:
 * a publisher's mistake is refused here (IllegalArgumentException naming the field) instead of reaching clients.
 */
final class LiveSources {

  /** Bounds {@link #newest}: an installation's meter registers fit many times over. */
  private static final int MAX_TRACKED = 1_000_000;

  private final LiveTopology topology;
  /** Per meter register, the newest reading pushed: live values never go back in time. */
  private final Map<String, Instant> newest = new HashMap<>();

  LiveSources(LiveTopology topology) {
    this.topology = topology;
  }

  /**
   * Coalesced readings; those of meters the topology does not know yet are skipped (it reloads), and so are readings
   * older than one already pushed for their register (late or back-filled data is history, not the live value).
   */
  List<LiveEvent> readings(JsonArray batch) {
    List<LiveEvent> out = new ArrayList<>(batch.size());
    for (Object o : batch) {
      JsonObject r = (JsonObject) o;
      UUID meterId = uuid(r, "meterId");
      SiteTopology.MeterPlacement meter = topology.meter(meterId);
      if (meter == null) {
        topology.reloadIfStale();
        continue;
      }
      String register = text(r, "register");
      Instant ts = Instant.parse(text(r, "ts"));
      String key = "reading|" + meterId + "|" + register;
      Instant previous = newest.get(key);
      if (previous != null && ts.isBefore(previous)) {
        continue;
      }
      if (newest.size() >= MAX_TRACKED) {
        newest.clear();
      }
      newest.put(key, ts);
      JsonObject body = new JsonObject().put("siteId", meter.siteId().toString()).put("meterId", meterId.toString())
        .put("register", register).put("value", number(r, "value")).put("unit", meter.registerUnits().get(register))
        .put("ts", text(r, "ts")).put("quality", r.getString("quality"));
      out.add(LiveEvent.of("reading", key, meter.siteId(), meterId, null, true, body));
    }
    return out;
  }

  LiveEvent interval(JsonObject m) {
    UUID meterId = uuid(m, "meterId");
    String register = text(m, "register");
    text(m, "from");
    text(m, "to");
    if (!(m.getValue("intervals") instanceof JsonArray)) {
      throw new IllegalArgumentException("intervals must be an array");
    }
    return LiveEvent.of("interval", "interval|" + meterId + "|" + register, uuid(m, "siteId"), meterId, null, true,
      m.copy());
  }

  LiveEvent alarm(JsonObject m) {
    String change = text(m, "change");
    if (!List.of("raised", "acknowledged", "cleared").contains(change)) {
      throw new IllegalArgumentException("change must be raised, acknowledged or cleared");
    }
    if (!(m.getValue("alarm") instanceof JsonObject alarm)) {
      throw new IllegalArgumentException("alarm must be an object");
    }
    UUID meterId = alarm.getString("meterId") == null ? null : uuid(alarm, "meterId");
    return LiveEvent.of("alarm", "alarm|" + uuid(alarm, "id"), uuid(alarm, "siteId"), meterId, null, false,
      new JsonObject().put("change", change).put("alarm", alarm.copy()));
  }

  LiveEvent balance(JsonObject m) {
    UUID accountId = uuid(m, "accountId");
    if (!(m.getValue("balanceMinor") instanceof Number n) || n.longValue() != n.doubleValue()) {
      throw new IllegalArgumentException("balanceMinor must be an integer count of minor units");
    }
    text(m, "currency");
    text(m, "status");
    UUID tenantId = uuid(m, "tenantId");
    // Keyed under the tenant, so a tenant's snapshot finds its balances by prefix.
    return LiveEvent.of("balance", "balance|" + tenantId + "|" + accountId, uuid(m, "siteId"), null, tenantId, true,
      m.copy());
  }

  LiveEvent relay(JsonObject m) {
    UUID meterId = uuid(m, "meterId");
    text(m, "state");
    return LiveEvent.of("relay", "relay|" + meterId, uuid(m, "siteId"), meterId, null, true, m.copy());
  }

  LiveEvent billRun(JsonObject m) {
    UUID runId = uuid(m, "runId");
    text(m, "state");
    for (String count : List.of("tenantsTotal", "tenantsDone", "tenantsFailed")) {
      if (!(m.getValue(count) instanceof Number)) {
        throw new IllegalArgumentException(count + " must be a number");
      }
    }
    return LiveEvent.of("bill-run", "bill-run|" + runId, uuid(m, "siteId"), null, null, true, m.copy());
  }

  private static UUID uuid(JsonObject m, String field) {
    try {
      return UUID.fromString(text(m, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " must be a uuid");
    }
  }

  private static String text(JsonObject m, String field) {
    if (!(m.getValue(field) instanceof String s) || s.isEmpty()) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return s;
  }

  private static Number number(JsonObject m, String field) {
    if (!(m.getValue(field) instanceof Number n)) {
      throw new IllegalArgumentException(field + " must be a number");
    }
    return n;
  }
}
