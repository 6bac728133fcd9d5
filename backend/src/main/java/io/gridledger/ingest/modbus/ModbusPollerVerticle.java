package io.gridledger.ingest.modbus;

import io.gridledger.ingest.DeviceActivity;
import io.gridledger.ingest.IncomingReading;
import io.gridledger.ingest.IngestService;
import io.gridledger.ingest.MeterDirectory;
import io.gridledger.ingest.MeterDirectory.MeterRef;
import io.gridledger.simulator.modbus.RegisterMap;
import io.gridledger.simulator.modbus.RegisterMapEntry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Polls the site model's Modbus TCP meters. Meters are grouped by endpoint (host:port, typically a meter or a
 * gateway with several unit ids behind it); each endpoint has one j2mod master and one single-thread worker executor,
 * so requests to one device are serialised and every blocking j2mod call runs off the event loop. Each meter is read
 * every {@code pollIntervalSeconds} of its binding, by the register map its binding names, with contiguous registers
 * coalesced into few requests. A failed poll is retried with exponential backoff; when all attempts fail the meter's
 * communication error count is raised. Readings go through the common {@link IngestService} with source "modbus".
 *
 * <p>Also answers relay commands (coil of the map, 0 by default) on {@link #RELAY_ADDRESS}:
 * {@code {"meterId": "...", "closed": true|false}} writes, without "closed" reads; the reply is {@code {"closed": b}}.
 */
public final class ModbusPollerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ModbusPollerVerticle.class);

  /** Event-bus address of the relay command interface (for the control capability). */
  public static final String RELAY_ADDRESS = "gridledger.ingest.modbus.relay";

  public static final int DEFAULT_POLL_INTERVAL_SECONDS = 15;
  public static final int DEFAULT_TIMEOUT_MS = 2_000;
  public static final int DEFAULT_RETRIES = 3;
  public static final long DEFAULT_BACKOFF_MS = 250;

  private final MeterDirectory directory;
  private final Function<Vertx, IngestService> ingestFactory;
  private final DeviceActivity activity;
  private final int timeoutMs;
  private final int retries;
  private final long backoffMs;
  private final Map<String, ModbusEndpoint> endpoints = new HashMap<>();
  private final Map<UUID, PolledMeter> polled = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private PolledReadingBatcher batcher;

  public ModbusPollerVerticle(MeterDirectory directory, Function<Vertx, IngestService> ingestFactory,
                              DeviceActivity activity) {
    this(directory, ingestFactory, activity, DEFAULT_TIMEOUT_MS, DEFAULT_RETRIES, DEFAULT_BACKOFF_MS);
  }

  public ModbusPollerVerticle(MeterDirectory directory, Function<Vertx, IngestService> ingestFactory,
                              DeviceActivity activity, int timeoutMs, int retries, long backoffMs) {
    this.directory = directory;
    this.ingestFactory = ingestFactory;
    this.activity = activity;
    this.timeoutMs = timeoutMs;
    this.retries = retries;
    this.backoffMs = backoffMs;
  }

  @Override
  public Future<?> start() {
    batcher = new PolledReadingBatcher(vertx, ingestFactory.apply(vertx));
    consumers.add(vertx.eventBus().consumer(MeterDirectory.RELOADED, m -> refresh()));
    consumers.add(vertx.eventBus().<JsonObject>consumer(RELAY_ADDRESS, this::relayCommand));
    refresh();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    batcher.close();
    consumers.forEach(MessageConsumer::unregister);
    polled.values().forEach(p -> vertx.cancelTimer(p.timer));
    polled.clear();
    List<Future<Void>> closing = new ArrayList<>();
    endpoints.values().forEach(e -> closing.add(e.close()));
    endpoints.clear();
    // A device that does not answer must not hold up shutdown: give closing a bound, then let go.
    return Future.join(closing).timeout(5, TimeUnit.SECONDS)
      .recover(e -> Future.succeededFuture());
  }

  // ---- the set of meters ----

  /** Applies the directory's current Modbus meters: starts, restarts or stops polling where they changed. */
  void refresh() {
    Map<UUID, MeterRef> wanted = new HashMap<>();
    for (MeterRef m : directory.all()) {
      if ("modbus".equals(m.protocol()) && m.binding() != null) {
        wanted.put(m.id(), m);
      }
    }
    for (var it = polled.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      MeterRef now = wanted.get(entry.getKey());
      if (now == null || !now.equals(entry.getValue().meter)) {
        vertx.cancelTimer(entry.getValue().timer);
        it.remove();
      }
    }
    for (MeterRef m : wanted.values()) {
      if (!polled.containsKey(m.id())) {
        PolledMeter p = setUp(m);
        if (p != null) {
          polled.put(m.id(), p);
        }
      }
    }
    Set<String> used = new HashSet<>();
    polled.values().forEach(p -> used.add(p.endpointKey));
    for (var it = endpoints.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      if (!used.contains(entry.getKey())) {
        entry.getValue().close();
        it.remove();
      }
    }
    LOG.info("modbus polling meters={} endpoints={}", polled.size(), endpoints.size());
  }

  private PolledMeter setUp(MeterRef m) {
    JsonObject b = m.binding();
    String host = b.getString("host");
    Integer port = b.getInteger("port", 502);
    int unitId = b.getInteger("unitId", 1);
    String mapName = b.getString("registerMap");
    if (host == null || mapName == null) {
      LOG.warn("modbus meter {} not polled: binding needs host and registerMap", m.serial());
      return null;
    }
    RegisterMap map;
    try {
      map = RegisterMap.load(mapName);
    } catch (RuntimeException e) {
      LOG.warn("modbus meter {} not polled: {}", m.serial(), e.getMessage());
      return null;
    }
    List<ReadPlan.Block> plan = ReadPlan.plan(map, m.registers().keySet());
    String key = host + ":" + port;
    endpoints.computeIfAbsent(key, k -> new ModbusEndpoint(vertx, host, port, timeoutMs));
    PolledMeter p = new PolledMeter(m, key, unitId, map, plan);
    if (plan.isEmpty()) {
      LOG.warn("modbus meter {}: register map {} defines none of its registers {}", m.serial(), mapName,
        m.registers().keySet());
      return p;   // kept for relay commands
    }
    long intervalMs = Math.max(1, b.getInteger("pollIntervalSeconds", DEFAULT_POLL_INTERVAL_SECONDS)) * 1000L;
    // Spread first polls over the interval so a large site does not fire all requests at once.
    long initial = 100 + Math.floorMod(m.id().hashCode(), (int) Math.min(intervalMs, 1_000));
    p.timer = vertx.setPeriodic(initial, intervalMs, id -> poll(p));
    return p;
  }

  // ---- polling ----

  private void poll(PolledMeter p) {
    if (p.busy) {
      return;   // the previous poll (with its retries) is still running: skip rather than queue up
    }
    p.busy = true;
    ModbusEndpoint endpoint = endpoints.get(p.endpointKey);
    withRetries(() -> endpoint.blocking(p::readAll), 0)
      .recover(e -> {
        // a communication error (after the retries): counted for the meter, not a failure of the poller
        LOG.debug("modbus poll failed meter={} endpoint={}: {}", p.meter.serial(), p.endpointKey, e.toString());
        activity.error(p.meter.id(), "modbus " + p.endpointKey + " unit " + p.unitId + ": " + describe(e));
        return Future.succeededFuture(new PolledMeter.PollResult(Instant.now(), Map.of()));
      })
      .compose(result -> {
        Map<RegisterMapEntry, Double> values = result.values();
        Instant pollTime = result.at();
        if (values.isEmpty()) {
          return Future.succeededFuture();
        }
        List<IncomingReading> readings = new ArrayList<>(values.size());
        values.forEach((entry, value) -> readings.add(new IncomingReading(p.meter.serial(), entry.name(), pollTime,
          value, entry.unit(), "good")));
        batcher.add(p.endpointKey, readings);
        return Future.succeededFuture();
      })
      .onComplete(r -> p.busy = false);
  }

  private <T> Future<T> withRetries(java.util.function.Supplier<Future<T>> attempt, int done) {
    return attempt.get().recover(e -> {
      if (done >= retries) {   // the first attempt plus `retries` more
        return Future.failedFuture(e);
      }
      Promise<T> later = Promise.promise();
      vertx.setTimer(backoffMs << done, id -> withRetries(attempt, done + 1).onComplete(later));
      return later.future();
    });
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  // ---- relay ----

  /** Switches the meter's supply relay (the register map's relay coil, 0 by default): true closes (supplies). */
  public Future<Void> writeRelay(UUID meterId, boolean closed) {
    return onContext(() -> {
      PolledMeter p = polled.get(meterId);
      if (p == null) {
        return Future.failedFuture(new IllegalArgumentException("meter " + meterId + " is not a polled Modbus meter"));
      }
      int coil = p.map.relayCoil().orElse(0);
      return withRetries(() -> endpoints.get(p.endpointKey).blocking(master -> {
        master.writeCoil(p.unitId, coil, closed);
        return null;
      }), 0).<Void>mapEmpty().onFailure(e -> activity.error(meterId, "modbus relay write: " + describe(e)));
    });
  }

  /** The relay's state: true when closed (supplying). */
  public Future<Boolean> readRelay(UUID meterId) {
    return onContext(() -> {
      PolledMeter p = polled.get(meterId);
      if (p == null) {
        return Future.failedFuture(new IllegalArgumentException("meter " + meterId + " is not a polled Modbus meter"));
      }
      int coil = p.map.relayCoil().orElse(0);
      return withRetries(() -> endpoints.get(p.endpointKey).blocking(master ->
        master.readCoils(p.unitId, coil, 1).getBit(0)), 0);
    });
  }

  private void relayCommand(Message<JsonObject> message) {
    JsonObject body = message.body();
    UUID meterId;
    try {
      meterId = UUID.fromString(body.getString("meterId"));
    } catch (RuntimeException e) {
      message.fail(400, "meterId must be a UUID");
      return;
    }
    Future<Boolean> result = body.getValue("closed") instanceof Boolean closed
      ? writeRelay(meterId, closed).map(closed) : readRelay(meterId);
    result.onSuccess(closed -> message.reply(new JsonObject().put("closed", closed)))
      .onFailure(e -> message.fail(e instanceof IllegalArgumentException ? 404 : 503, describe(e)));
  }

  /** Runs on this verticle's context (its maps are confined to it), whoever calls. */
  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    Context ctx = context;
    if (ctx == null) {
      return Future.failedFuture(new IllegalStateException("modbus poller not deployed"));
    }
    if (Vertx.currentContext() == ctx) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    ctx.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
