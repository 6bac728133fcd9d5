package io.gridledger.live;

import io.gridledger.site.SiteTopology;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Which topics an event belongs to. Kept in memory from the site model (reloaded when meters change, and every
 * refresh period for occupancy changes) so routing costs a map lookup, not a query. The topics of a meter are
 * precomputed: meter, unit, floor, building, site and the tenants occupying its unit today.
 *
 * <p>Used on one event loop (the API server's).
 */
final class LiveTopology {

  private static final Logger LOG = LoggerFactory.getLogger(LiveTopology.class);
  private static final long MIN_RELOAD_INTERVAL_MS = 2_000;

  private final SiteTopology source;
  private Map<UUID, List<String>> meterTopics = Map.of();
  private Map<UUID, SiteTopology.MeterPlacement> meters = Map.of();
  /** The meters each topic covers (reverse of meterTopics), for snapshots. */
  private Map<String, List<UUID>> metersOfTopic = Map.of();
  private Future<Void> loading;
  private long loadedAtMs;

  LiveTopology(SiteTopology source) {
    this.source = source;
  }

  Future<Void> reload() {
    if (loading != null) {
      return loading;
    }
    loading = source.load().map(snapshot -> {
      Map<UUID, List<String>> topics = new HashMap<>(snapshot.meters().size() * 2);
      for (SiteTopology.MeterPlacement m : snapshot.meters().values()) {
        List<String> list = new ArrayList<>(6);
        list.add(LiveTopic.meter(m.meterId()));
        if (m.unitId() != null) {
          list.add("unit:" + m.unitId());
          for (UUID tenant : snapshot.occupantsByUnit().getOrDefault(m.unitId(), List.of())) {
            list.add(LiveTopic.tenant(tenant));
          }
        }
        if (m.floorId() != null) {
          list.add("floor:" + m.floorId());
        }
        if (m.buildingId() != null) {
          list.add("building:" + m.buildingId());
        }
        list.add(LiveTopic.site(m.siteId()));
        topics.put(m.meterId(), List.copyOf(list));
      }
      Map<String, List<UUID>> reverse = new HashMap<>();
      topics.forEach((meter, list) -> list.forEach(t -> reverse.computeIfAbsent(t, k -> new ArrayList<>()).add(meter)));
      meterTopics = topics;
      meters = snapshot.meters();
      metersOfTopic = reverse;
      loadedAtMs = System.currentTimeMillis();
      return (Void) null;
    }).onFailure(e -> LOG.warn("live topology not loaded: {}", e.getMessage()))
      .eventually(() -> {
        loading = null;
        return Future.succeededFuture();
      });
    return loading;
  }

  /** A meter the topology does not know yet (created since the last load): reload, at most every 2 s. */
  void reloadIfStale() {
    if (System.currentTimeMillis() - loadedAtMs > MIN_RELOAD_INTERVAL_MS) {
      reload();
    }
  }

  SiteTopology.MeterPlacement meter(UUID meterId) {
    return meters.get(meterId);
  }

  /** The meters whose data a topic covers (a meter topic: itself, even before the topology knows it). */
  List<UUID> metersOf(LiveTopic topic) {
    if (topic.kind().equals("meter")) {
      return List.of(topic.id());
    }
    return metersOfTopic.getOrDefault(topic.toString(), List.of());
  }

  /** The topics {@code event} is published on. */
  List<String> topicsOf(LiveEvent event) {
    List<String> topics = new ArrayList<>(8);
    if (event.meterId() != null) {
      List<String> ofMeter = meterTopics.get(event.meterId());
      if (ofMeter == null) {
        // Only the meter's own topic is safe without its placement; subscribers of it were authorised for it.
        topics.add(LiveTopic.meter(event.meterId()));
        reloadIfStale();
      } else {
        topics.addAll(ofMeter);
      }
    } else {
      topics.add(LiveTopic.site(event.siteId()));
    }
    if (event.tenantId() != null) {
      String tenant = LiveTopic.tenant(event.tenantId());
      if (!topics.contains(tenant)) {
        topics.add(tenant);
      }
    }
    return topics;
  }
}
