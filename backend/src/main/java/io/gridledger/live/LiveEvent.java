package io.gridledger.live;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * One thing to push, as every client of every instance sees it. A value (the latest state of something: a register
 * reading, the latest intervals, a balance, a relay, a bill run's progress) is keyed, so a slow client's queue keeps
 * only the newest per key; an event (an alarm change) is not, and is dropped (counted) when a queue is full.
 *
 * @param type     the message type clients see (reading, interval, alarm, balance, relay, bill-run)
 * @param key      what a newer value replaces: type|id...; unique per event for events
 * @param siteId   the site it belongs to (routing, the Redis hash of latest values)
 * @param meterId  the meter it concerns, or null (routing to meter, unit, floor, building and occupying tenants)
 * @param tenantId the tenant it concerns, or null (routing to tenant:)
 * @param value    true for values, false for events
 * @param body     the message without topics; "type" included
 */
public record LiveEvent(String type, String key, UUID siteId, UUID meterId, UUID tenantId, boolean value,
                        JsonObject body, String tail) {

  public static LiveEvent of(String type, String key, UUID siteId, UUID meterId, UUID tenantId, boolean value,
                             JsonObject body) {
    body.put("type", type);
    String encoded = body.encode();
    // The frame each client gets is {"topics":[...],<tail>: encoded once, whatever the number of clients.
    return new LiveEvent(type, key, siteId, meterId, tenantId, value, body, encoded.substring(1));
  }

  /** The field of this value in its site's hash of latest values. */
  public String field() {
    return key;
  }

  /** The wire form between instances (Redis) and in the latest-values cache. */
  public JsonObject toWire() {
    JsonObject wire = new JsonObject().put("key", key).put("siteId", siteId.toString()).put("value", value)
      .put("body", body);
    if (meterId != null) {
      wire.put("meterId", meterId.toString());
    }
    if (tenantId != null) {
      wire.put("tenantId", tenantId.toString());
    }
    return wire;
  }

  public static LiveEvent fromWire(JsonObject wire) {
    JsonObject body = wire.getJsonObject("body");
    return of(body.getString("type"), wire.getString("key"), UUID.fromString(wire.getString("siteId")),
      uuid(wire.getString("meterId")), uuid(wire.getString("tenantId")), wire.getBoolean("value"), body);
  }

  private static UUID uuid(String s) {
    return s == null ? null : UUID.fromString(s);
  }
}
