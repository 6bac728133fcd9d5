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

  /** The latest value of every key of a site. */
  Future<List<LiveEvent>> latest(UUID siteId);

  Future<Void> close();
}
