package io.gridledger.live;

import io.gridledger.site.SiteTopology;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Routes live events to the clients subscribed to their topics, on this instance. Each event is encoded once; each
 * client gets it once, naming every topic of its own that it matched. Events originating here are also handed to
 * the fan-out (other instances, latest values); events from other instances are only delivered.
 *
 * <p>What is routed in one burst (one tick's readings, events published together) is written to each client as one
 * frame when the burst ends: the flush runs as the next task on this loop, after whatever was already queued
 * behind the first event, so batching costs no timer and no added wait.
 *
 * <p>Used on the API server's event loop only.
 */
final class LiveHub {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveHub.class);

  private final LiveTopology topology;
  private final LiveFanout fanout;
  private final Map<Long, LiveClient> clients = new HashMap<>();
  private final Map<String, Set<LiveClient>> subscribers = new HashMap<>();
  private final List<LiveClient> touched = new ArrayList<>();
  /** Clients with an open burst, and how the flush is scheduled (the next task on this loop). */
  private final List<LiveClient> unflushed = new ArrayList<>();
  private final java.util.function.Consumer<Runnable> later;
  private boolean flushScheduled;
  private long deliveries;
  private long eventsRouted;
  private long eventsOriginated;
  private long eventsArrived;

  LiveHub(LiveTopology topology, LiveFanout fanout, java.util.function.Consumer<Runnable> later) {
    this.topology = topology;
    this.fanout = fanout;
    this.later = later;
  }

  void add(LiveClient client) {
    clients.put(client.id, client);
  }

  void remove(LiveClient client) {
    clients.remove(client.id);
    for (String topic : client.topics) {
      Set<LiveClient> set = subscribers.get(topic);
      if (set != null && set.remove(client) && set.isEmpty()) {
        subscribers.remove(topic);
      }
    }
    client.topics.clear();
    client.closed();
  }

  int clientCount() {
    return clients.size();
  }

  Iterable<LiveClient> clients() {
    return new ArrayList<>(clients.values());
  }

  void subscribe(LiveClient client, String topic) {
    if (client.topics.add(topic)) {
      subscribers.computeIfAbsent(topic, k -> new HashSet<>()).add(client);
    }
  }

  void unsubscribe(LiveClient client, String topic) {
    if (client.topics.remove(topic)) {
      Set<LiveClient> set = subscribers.get(topic);
      if (set != null && set.remove(client) && set.isEmpty()) {
        subscribers.remove(topic);
      }
    }
  }

  /** Events that happened on this instance: delivered here, then fanned out. */
  void originated(List<LiveEvent> events) {
    eventsOriginated += events.size();
    events.forEach(this::deliver);
    scheduleFlush();
    fanout.publish(events);
  }

  /** Events from another instance. */
  void arrived(List<LiveEvent> events) {
    eventsArrived += events.size();
    events.forEach(this::deliver);
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (!flushScheduled && !unflushed.isEmpty()) {
      flushScheduled = true;
      later.accept(this::flush);
    }
  }

  /** Ends the burst: each client with messages routed gets them in one frame. */
  private void flush() {
    flushScheduled = false;
    for (LiveClient client : unflushed) {
      try {
        client.flush();
      } catch (RuntimeException e) {
        LOG.debug("live delivery failed client={} error={}", client.id, e.toString());
      }
    }
    unflushed.clear();
  }

  private void deliver(LiveEvent event) {
    eventsRouted++;
    for (String topic : topology.topicsOf(event)) {
      Set<LiveClient> set = subscribers.get(topic);
      if (set == null) {
        continue;
      }
      for (LiveClient client : set) {
        if (client.routing != event) {
          client.routing = event;
          client.routedTopics = new ArrayList<>(2);
          touched.add(client);
        }
        client.routedTopics.add(topic);
      }
    }
    for (LiveClient client : touched) {
      List<String> topics = client.routedTopics;
      client.routing = null;
      client.routedTopics = null;
      try {
        if (client.route(event, topics)) {
          unflushed.add(client);
        }
      } catch (RuntimeException e) {
        // One client's failure (its socket closing under us) must not cost the others their delivery.
        LOG.debug("live delivery failed client={} error={}", client.id, e.toString());
      }
    }
    deliveries += touched.size();
    touched.clear();
  }

  /**
   * The current values of {@code topics} (just subscribed) for one client, from the latest values of their sites;
   * a key the client has had a live value for since it subscribed is skipped (that value is newer).
   */
  Future<Integer> snapshot(LiveClient client, Map<String, UUID> topicSites) {
    Map<UUID, LiveFanout.Wanted> bySite = new HashMap<>();
    Set<UUID> wholeSites = new HashSet<>();
    topicSites.forEach((name, site) -> {
      LiveTopic topic = LiveTopic.parse(name);
      if (topic.kind().equals("site")) {
        wholeSites.add(site);
        return;
      }
      LiveFanout.Wanted wanted = bySite.computeIfAbsent(site, k -> new LiveFanout.Wanted(new HashSet<>(), new HashSet<>()));
      for (UUID meter : topology.metersOf(topic)) {
        wanted.keys().add("relay|" + meter);
        SiteTopology.MeterPlacement placement = topology.meter(meter);
        for (String register : placement == null ? Set.<String>of() : placement.registerUnits().keySet()) {
          wanted.keys().add("reading|" + meter + "|" + register);
          wanted.keys().add("interval|" + meter + "|" + register);
        }
      }
      if (topic.kind().equals("tenant")) {
        wanted.prefixes().add("balance|" + topic.id() + "|");
      }
    });
    List<Future<List<LiveEvent>>> loads = new ArrayList<>();
    wholeSites.forEach(site -> loads.add(fanout.latest(site, null)));
    bySite.forEach((site, wanted) -> {
      if (!wholeSites.contains(site)) {
        loads.add(fanout.latest(site, wanted));
      }
    });
    client.snapshotRequested();
    return Future.all(loads).map(all -> {
      Map<String, LiveEvent> byKey = new LinkedHashMap<>();
      for (Future<List<LiveEvent>> load : loads) {
        load.result().forEach(e -> byKey.put(e.key(), e));
      }
      List<Object[]> queued = new ArrayList<>(byKey.size());
      for (LiveEvent e : byKey.values()) {
        List<String> matched = new ArrayList<>(2);
        for (String topic : topology.topicsOf(e)) {
          if (topicSites.containsKey(topic)) {
            matched.add(topic);
          }
        }
        if (!matched.isEmpty()) {
          queued.add(new Object[] {e, matched});
        }
      }
      return queued;
    }).map(queued -> {
      client.snapshotFetched(queued);
      return queued.size();
    }).onFailure(e -> client.snapshotFetched(List.of()));
  }

  static String frame(boolean snapshot, List<String> topics, LiveEvent event) {
    StringBuilder out = new StringBuilder(event.tail().length() + 64 * topics.size() + 32);
    return appendFrame(out, snapshot, topics, event).toString();
  }

  /** One message: {"topics":[...], then the event's encoded body (without its opening brace). */
  static StringBuilder appendFrame(StringBuilder out, boolean snapshot, List<String> topics, LiveEvent event) {
    out.append(snapshot ? "{\"snapshot\":true,\"topics\":[" : "{\"topics\":[");
    for (int i = 0; i < topics.size(); i++) {
      // Topics are <kind>:<uuid>, written by this code: nothing to escape.
      out.append(i == 0 ? "\"" : ",\"").append(topics.get(i)).append('"');
    }
    return out.append("],").append(event.tail());
  }

  JsonObject metrics() {
    long queuedEvents = 0;
    long queuedValues = 0;
    long droppedEvents = 0;
    long droppedValues = 0;
    for (LiveClient c : clients.values()) {
      LiveClient.Stats s = c.stats();
      queuedEvents += s.queuedEvents();
      queuedValues += s.queuedValues();
      droppedEvents += s.droppedEvents();
      droppedValues += s.droppedValues();
    }
    return new JsonObject().put("clients", clients.size()).put("topics", subscribers.size())
      .put("eventsOriginated", eventsOriginated).put("eventsArrived", eventsArrived)
      .put("eventsRouted", eventsRouted).put("deliveries", deliveries).put("queuedEvents", queuedEvents)
      .put("queuedValues", queuedValues).put("droppedEvents", droppedEvents).put("droppedValues", droppedValues);
  }
}
