package io.gridledger.ingest;

import io.gridledger.ingest.MeterDirectory.MeterRef;
import io.gridledger.ingest.MeterDirectory.RegisterDef;
import io.gridledger.metering.ReadingWriter;
import io.gridledger.metering.RegisterVocabulary;
import io.gridledger.metering.StoredReading;
import io.gridledger.metering.UnitConversion;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.UUID;

/**
 * The one path every protocol's readings take into the platform: resolve each to its meter and register, convert its
 * unit, store it durably (duplicates once), and send what cannot be used to the dead-letter store with the reason.
 * The returned future completes when both are durable; only then may the sender be acknowledged.
 *
 * <p>Not thread-safe: each ingest verticle owns one, on its own event loop.
 */
public final class IngestService {

  /** What happened to a batch. */
  public record Outcome(int received, int stored, int duplicates, int rejected) {
    public JsonObject toJson() {
      return new JsonObject().put("received", received).put("stored", stored).put("duplicates", duplicates)
        .put("rejected", rejected);
    }
  }

  private final MeterDirectory meters;
  private final ReadingWriter writer;
  private final DeadLetterStore deadLetters;
  private final DeviceActivity activity;

  public IngestService(MeterDirectory meters, ReadingWriter writer, DeadLetterStore deadLetters, DeviceActivity activity) {
    this.meters = meters;
    this.writer = writer;
    this.deadLetters = deadLetters;
    this.activity = activity;
  }

  /**
   * @param allowedSites the sites the sender may write to (an API key's or gateway's scope); null for any
   */
  public Future<Outcome> ingest(ReadingBatchParser.Parsed batch, String source, String gateway, Set<UUID> allowedSites) {
    return ingest(batch, source, gateway, allowedSites, false);
  }

  /** @param gatewayOwnsMeter MQTT: a gateway may only report meters bound to it in the site model */
  public Future<Outcome> ingest(ReadingBatchParser.Parsed batch, String source, String gateway, Set<UUID> allowedSites,
                                boolean gatewayOwnsMeter) {
    boolean unknownSerial = batch.readings().stream().anyMatch(r -> !meters.knows(r.serial()));
    Future<Void> ready = unknownSerial ? meters.reloadIfStale() : Future.succeededFuture();
    return ready.compose(v -> {
      java.util.Map<UUID, java.time.Instant> lastSeen = new java.util.HashMap<>();
      java.util.Map<UUID, Integer> readingsPerMeter = new java.util.HashMap<>();
      List<StoredReading> stored = new ArrayList<>(batch.readings().size());
      List<Rejection> rejected = new ArrayList<>(batch.rejections());
      UUID siteOfBatch = null;
      for (IncomingReading reading : batch.readings()) {
        MeterRef meter = meters.resolve(reading.serial(), gateway, allowedSites, gatewayOwnsMeter);
        if (meter != null) {
          siteOfBatch = meter.siteId();
        }
        String problem = check(reading, meter);
        if (problem != null) {
          rejected.add(new Rejection(reading.serial(), reading.register(), problem, describe(reading)));
          continue;
        }
        RegisterDef register = meter.registers().get(reading.register());
        double value = UnitConversion.convert(reading.value(), reading.unit(), register.unit()).getAsDouble();
        stored.add(new StoredReading(meter.id(), reading.register(), reading.ts().truncatedTo(ChronoUnit.MICROS),
          value, reading.quality(), source, gateway));
        lastSeen.merge(meter.id(), reading.ts(), (a, b) -> a.isAfter(b) ? a : b);
        readingsPerMeter.merge(meter.id(), 1, Integer::sum);
      }
      lastSeen.forEach((meterId, ts) -> activity.seen(meterId, ts, readingsPerMeter.get(meterId)));
      UUID deadLetterSite = siteOfBatch != null ? siteOfBatch
        : allowedSites != null && allowedSites.size() == 1 ? allowedSites.iterator().next() : null;
      Future<ReadingWriter.Written> written = writer.submit(stored);
      Future<Void> dead = deadLetters.store(deadLetterSite, source, gateway, rejected);
      return Future.all(written, dead).map(all -> new Outcome(batch.readings().size() + batch.rejections().size(),
        written.result().inserted(), written.result().duplicates(), rejected.size()));
    });
  }

  /** Why a reading cannot be stored, or null when it can. */
  private static String check(IncomingReading reading, MeterRef meter) {
    if (meter == null) {
      return "unknown meter serial (or one this sender may not write to)";
    }
    if ("virtual".equals(meter.protocol()) || "computed".equals(meter.protocol())) {
      return "meter " + meter.serial() + " is " + meter.protocol() + ": its consumption is derived, it takes no readings";
    }
    RegisterDef register = meter.registers().get(reading.register());
    if (register == null) {
      return "meter " + meter.serial() + " has no register '" + reading.register() + "'";
    }
    OptionalDouble converted = UnitConversion.convert(reading.value(), reading.unit(), register.unit());
    if (converted.isEmpty()) {
      return "unit '" + reading.unit() + "' cannot be converted to the register's unit '" + register.unit() + "'";
    }
    if (RegisterVocabulary.isCumulative(reading.register()) && converted.getAsDouble() < 0) {
      return "a cumulative register cannot be negative";
    }
    if (register.maxValue() != null && converted.getAsDouble() >= register.maxValue()) {
      return "value is not below the register's rollover value " + register.maxValue();
    }
    return null;
  }

  private static String describe(IncomingReading r) {
    return new JsonObject().put("meter", r.serial()).put("register", r.register()).put("ts", r.ts().toString())
      .put("value", r.value()).put("unit", r.unit()).encode();
  }
}
