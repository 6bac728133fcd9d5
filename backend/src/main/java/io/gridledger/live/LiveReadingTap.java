package io.gridledger.live;

import io.gridledger.metering.StoredReading;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The ingest path's hook into live push: it sees every batch of readings right after the group commit and keeps only
 * the latest value per meter and register until the next tick, when it publishes them as one message on
 * {@link LiveAddresses#READINGS}. The cost on the hot path is one map update per new reading; a meter polled every
 * second at a 50 ms tick costs one live message per tick, not one per reading, and the clients see every change within
 * a tick.
 *
 * <p>Not thread-safe: one per ingest pipeline, called on that pipeline's event loop (the timer runs there too).
 */
public final class LiveReadingTap {

  private record Key(UUID meterId, String register) {
  }

  private final Vertx vertx;
  private final long tickMs;
  private final int maxKeys;
  private Map<Key, StoredReading> latest = new HashMap<>();
  private long timer = -1;
  private long droppedKeys;

  /**
   * @param tickMs  how long values are coalesced before they are published
   * @param maxKeys distinct meter registers held per tick; more are dropped (counted) until the next tick
   */
  public LiveReadingTap(Vertx vertx, long tickMs, int maxKeys) {
    this.vertx = vertx;
    this.tickMs = Math.max(1, tickMs);
    this.maxKeys = maxKeys;
  }

  /** The readings a commit inserted (duplicates excluded). */
  public void committed(List<StoredReading> inserted) {
    for (StoredReading r : inserted) {
      Key key = new Key(r.meterId(), r.register());
      StoredReading held = latest.get(key);
      if (held == null && latest.size() >= maxKeys) {
        droppedKeys++;
      } else if (held == null || !r.ts().isBefore(held.ts())) {
        latest.put(key, r);
      }
    }
    if (!latest.isEmpty() && timer < 0) {
      timer = vertx.setTimer(tickMs, id -> publish());
    }
  }

  /** Readings left out because a tick held too many distinct registers (for metrics). */
  public long droppedKeys() {
    return droppedKeys;
  }

  private void publish() {
    timer = -1;
    Map<Key, StoredReading> batch = latest;
    latest = new HashMap<>();
    JsonArray values = new JsonArray(new java.util.ArrayList<>(batch.size()));
    for (StoredReading r : batch.values()) {
      values.add(new JsonObject().put("meterId", r.meterId().toString()).put("register", r.register())
        .put("ts", r.ts().toString()).put("value", r.value()).put("quality", r.quality()));
    }
    vertx.eventBus().publish(LiveAddresses.READINGS, values, new DeliveryOptions().setLocalOnly(true));
  }
}
