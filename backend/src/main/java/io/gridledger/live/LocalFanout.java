package io.gridledger.live;

import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One instance: nothing to fan out, and the latest values are kept in memory, bounded by {@code maxEntries} (an
 * installation's meter registers, balances and relays; past the bound a new key is not cached and a later client
 * waits for its next update instead of getting it at once).
 */
final class LocalFanout implements LiveFanout {

  private final int maxEntries;
  private final Map<UUID, LinkedHashMap<String, LiveEvent>> bySite = new HashMap<>();
  private int entries;

  LocalFanout(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  @Override
  public Future<Void> start(Context context, Consumer<List<LiveEvent>> remote, Runnable topologyChanged) {
    return Future.succeededFuture();
  }

  @Override
  public void publish(List<LiveEvent> events) {
    for (LiveEvent e : events) {
      if (!e.value()) {
        continue;
      }
      LinkedHashMap<String, LiveEvent> site = bySite.computeIfAbsent(e.siteId(), k -> new LinkedHashMap<>());
      if (site.containsKey(e.key())) {
        site.put(e.key(), e);
      } else if (entries < maxEntries) {
        site.put(e.key(), e);
        entries++;
      }
    }
  }

  @Override
  public void topologyChanged() {
  }

  @Override
  public Future<List<LiveEvent>> latest(UUID siteId, Wanted wanted) {
    LinkedHashMap<String, LiveEvent> site = bySite.get(siteId);
    if (site == null) {
      return Future.succeededFuture(List.of());
    }
    if (wanted == null) {
      return Future.succeededFuture(new ArrayList<>(site.values()));
    }
    List<LiveEvent> out = new ArrayList<>();
    for (String key : wanted.keys()) {
      LiveEvent e = site.get(key);
      if (e != null) {
        out.add(e);
      }
    }
    if (!wanted.prefixes().isEmpty()) {
      for (LiveEvent e : site.values()) {
        if (wanted.prefixes().stream().anyMatch(p -> e.key().startsWith(p))) {
          out.add(e);
        }
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
