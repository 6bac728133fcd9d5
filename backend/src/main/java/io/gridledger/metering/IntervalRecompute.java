package io.gridledger.metering;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * The event-bus address through which anything that changes raw data (new readings, a meter exchange) asks the
 * metering verticle to rebuild the intervals around it. Fire and forget: the raw data is already durable, and the
 * metering verticle catches up after a restart (see {@link IntervalService}).
 */
public final class IntervalRecompute {

  public static final String ADDRESS = "gridledger.metering.recompute";

  private IntervalRecompute() {
  }

  public static void request(Vertx vertx, UUID meterId, String register, Instant from, Instant to) {
    vertx.eventBus().send(ADDRESS, new JsonArray().add(entry(meterId, register, from, to)));
  }

  /**
   * One message per batch of new readings, the readings themselves (local delivery, no copy): the metering verticle
   * derives in-order readings from them directly and works out the spans of the rest (cumulative registers, and
   * temperatures that computed heat meters use). Grouping them there keeps that work off the ingest event loop.
   */
  public static void requestFor(Vertx vertx, List<StoredReading> inserted) {
    if (inserted.isEmpty()) {
      return;
    }
    vertx.eventBus().send(READINGS_ADDRESS, new NewReadings(inserted), new DeliveryOptions().setLocalOnly(true)
      .setCodecName(codec(vertx)));
  }

  /** Readings just committed, as {@link #requestFor} hands them over. */
  record NewReadings(List<StoredReading> readings) {
  }

  static final String READINGS_ADDRESS = ADDRESS + ".readings";

  private static final Set<Vertx> CODEC_REGISTERED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /** The pass-through codec for {@link NewReadings}, registered once per Vert.x instance. */
  static String codec(Vertx vertx) {
    if (CODEC_REGISTERED.add(vertx)) {
      try {
        vertx.eventBus().registerCodec(new LocalOnly());
      } catch (IllegalStateException alreadyRegistered) {
        // another caller registered it first
      }
    }
    return LocalOnly.NAME;
  }

  /** Local delivery only: the message is the object itself. */
  private static final class LocalOnly implements MessageCodec<NewReadings, NewReadings> {
    static final String NAME = "gridledger.new-readings";

    @Override
    public void encodeToWire(Buffer buffer, NewReadings readings) {
      throw new UnsupportedOperationException("new readings are delivered locally only");
    }

    @Override
    public NewReadings decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("new readings are delivered locally only");
    }

    @Override
    public NewReadings transform(NewReadings readings) {
      return readings;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  static boolean isTemperature(String register) {
    return RegisterVocabulary.lookup(register).map(d -> "temperature".equals(d.quantity())).orElse(false);
  }

  private static JsonObject entry(UUID meterId, String register, Instant from, Instant to) {
    return new JsonObject().put("meterId", meterId.toString()).put("register", register)
      .put("from", from.toString()).put("to", to.toString());
  }
}
