package io.gridledger.live;

import io.gridledger.auth.Role;
import io.gridledger.site.SiteTopology;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a client may send: {@code subscribe} and {@code unsubscribe}, nothing else (clients never publish). Every
 * topic is authorised with the REST API's rules before it is added; each refused topic is named in an error message,
 * never dropped silently. Requests are handled one at a time per client (the socket is paused meanwhile), so a client
 * cannot pile up authorisation queries; a client that keeps sending what is refused is disconnected.
 */
final class LiveRequests {

  /** Close code for a client that keeps misbehaving (RFC 6455 policy violation). */
  static final short POLICY_VIOLATION = 1008;

  private final LiveHub hub;
  private final SiteTopology sites;
  private final LiveTopology topology;
  private final int maxTopicsPerClient;
  private final int maxTopicsPerMessage;
  private final int maxErrors;
  /**
   * Authorisations waiting for a database connection. Each client has at most one (its socket is paused meanwhile),
   * so this is bounded by live.maxConnections; at most {@link #MAX_CHECKS} run at once, so a reconnect storm of
   * thousands of clients queues here instead of overflowing the pool's wait queue.
   */
  private final java.util.ArrayDeque<Runnable> waiting = new java.util.ArrayDeque<>();
  private static final int MAX_CHECKS = 4;
  private int checking;

  LiveRequests(LiveHub hub, SiteTopology sites, LiveTopology topology, int maxTopicsPerClient,
               int maxTopicsPerMessage, int maxErrors) {
    this.hub = hub;
    this.sites = sites;
    this.topology = topology;
    this.maxTopicsPerClient = maxTopicsPerClient;
    this.maxTopicsPerMessage = maxTopicsPerMessage;
    this.maxErrors = maxErrors;
  }

  void text(LiveClient client, String text) {
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      refuse(client, null, null, "invalid-message", "a message is one JSON object", null);
      return;
    }
    Object id = message.getValue("id");
    if (id != null && !(id instanceof String s && s.length() <= 64) && !(id instanceof Number)) {
      id = null;
    }
    Object op = message.getValue("op");
    if ("subscribe".equals(op)) {
      subscribe(client, id, message.getValue("topics"));
    } else if ("unsubscribe".equals(op)) {
      unsubscribe(client, id, message.getValue("topics"));
    } else {
      refuse(client, id, op instanceof String s && s.length() <= 32 ? s : null, "unknown-op",
        "clients may only subscribe and unsubscribe", null);
    }
  }

  void binary(LiveClient client) {
    refuse(client, null, null, "invalid-message", "messages are JSON text frames", null);
  }

  private List<LiveTopic> topics(LiveClient client, Object id, String op, Object raw) {
    if (!(raw instanceof JsonArray array) || array.isEmpty() || array.size() > maxTopicsPerMessage) {
      refuse(client, id, op, "invalid-message", "topics must be an array of 1 to " + maxTopicsPerMessage + " topics",
        null);
      return null;
    }
    List<LiveTopic> parsed = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (Object t : array) {
      LiveTopic topic = LiveTopic.parse(t);
      if (topic == null) {
        invalid.add(String.valueOf(t).length() > 80 ? String.valueOf(t).substring(0, 80) : String.valueOf(t));
      } else if (!parsed.contains(topic)) {
        parsed.add(topic);
      }
    }
    if (!invalid.isEmpty()) {
      refuse(client, id, op, "invalid-topic",
        "a topic is <kind>:<uuid> with kind site, building, floor, unit, meter or tenant", invalid);
    }
    return parsed;
  }

  private void unsubscribe(LiveClient client, Object id, Object raw) {
    List<LiveTopic> topics = topics(client, id, "unsubscribe", raw);
    if (topics == null || topics.isEmpty()) {
      return;
    }
    JsonArray removed = new JsonArray();
    for (LiveTopic t : topics) {
      hub.unsubscribe(client, t.toString());
      removed.add(t.toString());
    }
    client.control(reply("unsubscribed", id).put("topics", removed));
  }

  private void subscribe(LiveClient client, Object id, Object raw) {
    List<LiveTopic> topics = topics(client, id, "subscribe", raw);
    if (topics == null || topics.isEmpty()) {
      return;
    }
    long added = topics.stream().filter(t -> !client.topics.contains(t.toString())).count();
    if (client.topics.size() + added > maxTopicsPerClient) {
      client.control(error(id, "subscribe", "too-many-topics", "at most " + maxTopicsPerClient
        + " topics per connection; unsubscribe some first", names(topics)));
      return;
    }
    client.socket.pause();
    waiting.add(() -> authorise(client, topics).onComplete(done -> {
      checking--;
      next();
      if (client.isClosed()) {
        return;
      }
      if (done.failed()) {
        client.control(error(id, "subscribe", "unavailable", "subscriptions cannot be checked now; retry",
          names(topics)));
        client.socket.resume();
        return;
      }
      subscribed(client, id, topics, done.result());
      client.socket.resume();
    }));
    next();
  }

  private void next() {
    while (checking < MAX_CHECKS && !waiting.isEmpty()) {
      checking++;
      waiting.poll().run();
    }
  }

  /** Per topic: its site id when allowed, "not-found" or "forbidden" otherwise. */
  private Future<Map<LiveTopic, Object>> authorise(LiveClient client, List<LiveTopic> topics) {
    Map<String, List<UUID>> byKind = new HashMap<>();
    topics.forEach(t -> byKind.computeIfAbsent(t.kind(), k -> new ArrayList<>()).add(t.id()));
    Map<String, Future<Map<UUID, UUID>>> checks = new HashMap<>();
    byKind.forEach((kind, ids) -> checks.put(kind, sites.visible(client.principal, kind, ids)));
    return Future.all(new ArrayList<>(checks.values())).map(all -> {
      Map<LiveTopic, Object> verdicts = new LinkedHashMap<>();
      boolean tenant = client.principal.role() == Role.TENANT;
      for (LiveTopic t : topics) {
        UUID site = checks.get(t.kind()).result().get(t.id());
        if (site == null) {
          verdicts.put(t, "not-found");
        } else if (tenant && Set.of("site", "building", "floor").contains(t.kind())) {
          // Visible (its own site's structure) but carrying other tenants' data: REST's 404-before-403 order.
          verdicts.put(t, "forbidden");
        } else {
          verdicts.put(t, site);
        }
      }
      return verdicts;
    });
  }

  private void subscribed(LiveClient client, Object id, List<LiveTopic> topics, Map<LiveTopic, Object> verdicts) {
    Map<String, UUID> accepted = new LinkedHashMap<>();
    List<String> notFound = new ArrayList<>();
    List<String> forbidden = new ArrayList<>();
    verdicts.forEach((topic, verdict) -> {
      if (verdict instanceof UUID site) {
        accepted.put(topic.toString(), site);
      } else if ("forbidden".equals(verdict)) {
        forbidden.add(topic.toString());
      } else {
        notFound.add(topic.toString());
      }
    });
    if (!notFound.isEmpty()) {
      refuse(client, id, "subscribe", "not-found", "no such object, or one this connection may not see", notFound);
    }
    if (!forbidden.isEmpty()) {
      refuse(client, id, "subscribe", "forbidden",
        "a tenant subscribes to its tenant, its units and their meters, not to site, building or floor", forbidden);
    }
    if (accepted.isEmpty() || client.isClosed()) {
      return;
    }
    accepted.keySet().forEach(topic -> hub.subscribe(client, topic));
    for (LiveTopic t : topics) {
      if (t.kind().equals("meter") && accepted.containsKey(t.toString()) && topology.meter(t.id()) == null) {
        topology.reloadIfStale();
      }
    }
    client.control(reply("subscribed", id).put("topics", new JsonArray(new ArrayList<>(accepted.keySet()))));
    hub.snapshot(client, accepted);
  }

  private void refuse(LiveClient client, Object id, String op, String error, String message, List<String> topics) {
    client.control(error(id, op, error, message, topics));
    client.errors++;
    if (client.errors > maxErrors) {
      client.socket.close(POLICY_VIOLATION, "too many refused messages");
    }
  }

  private static JsonObject reply(String type, Object id) {
    JsonObject reply = new JsonObject().put("type", type);
    if (id != null) {
      reply.put("id", id);
    }
    return reply;
  }

  private static JsonObject error(Object id, String op, String error, String message, List<String> topics) {
    JsonObject json = reply("error", id).put("error", error).put("message", message);
    if (op != null) {
      json.put("op", op);
    }
    if (topics != null) {
      json.put("topics", new JsonArray(new ArrayList<>(topics)));
    }
    return json;
  }

  private static List<String> names(List<LiveTopic> topics) {
    return topics.stream().map(LiveTopic::toString).toList();
  }
}
