package io.gridledger.live;

import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * How events reach the clients of the other instances, and where the latest values live so a client connecting
 * anywhere gets them at once. One instance alone: {@link LocalFanout}; several: {@link RedisFanout}.
 */
interface LiveFanout {

  /** {@code remote} receives, on {@code context}, what other instances published. */
  Future<Void> start(Context context, Consumer<List<LiveEvent>> remote, Runnable topologyChanged);

  /** Events that originated on this instance (already delivered to its own clients). */
  void publish(List<LiveEvent> events);

  /** Tells the other instances that the site model changed (they reload their topology). */
  void topologyChanged();

  /**
   * Latest values of a site: every one ({@code wanted} null), or those whose key is in {@link Wanted#keys()} or starts
   * with one of {@link Wanted#prefixes()}.
   */
  Future<List<LiveEvent>> latest(UUID siteId, Wanted wanted);

  /** Which latest values a snapshot needs: exact keys (a meter's registers, its relay), key prefixes (balances). */
  record Wanted(java.util.Set<String> keys, java.util.Set<String> prefixes) {
  }

  Future<Void> close();
}
