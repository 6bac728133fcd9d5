package io.gridledger.control;

import io.gridledger.alarm.AlarmKind;
import io.gridledger.alarm.AlarmService;
import io.gridledger.api.Problem;
import io.gridledger.auth.Principal;
import io.gridledger.auth.Role;
import io.gridledger.ingest.modbus.ModbusPollerVerticle;
import io.gridledger.ingest.opcua.OpcUaIngestVerticle;
import io.gridledger.site.SiteAccess;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The relay control mechanism ({@link RelayControl}). One verticle: its maps of running commands are confined to its
 * context, and every caller is moved onto it. Commands for one meter run one after another (a device is switched by
 * one command at a time); a newer command supersedes the one in flight, which ends at its next step.
 *
 * <p>Each attempt goes through the meter's protocol ({@link RelayDriver}) and must come back with the device
 * reporting the requested state within {@code control.confirmTimeoutMs}; otherwise the next attempt follows after an
 * exponential backoff, and after {@code control.maxAttempts} the command fails and raises {@code relay_unconfirmed}.
 */
public final class RelayControlService extends VerticleBase implements RelayControl {

  private static final Logger LOG = LoggerFactory.getLogger(RelayControlService.class);
  /** The control capability reads meters through SiteAccess like any caller, with a scope of every site. */
  private static final Principal SYSTEM = new Principal("system:control", Role.ADMIN, Set.of(), null);
  private static final long SWEEP_INTERVAL_MS = 60_000;
  private static final int SWEEP_BATCH = 100;

  private final ControlSettings settings;
  private final SiteAccess siteAccess;
  private final AlarmService alarms;
  private final CommandStore store;
  private final Map<String, RelayDriver> drivers = new HashMap<>();
  private final Map<UUID, Execution> latestByMeter = new HashMap<>();
  private final Map<UUID, Execution> byCommand = new HashMap<>();
  private MqttRelayDriver mqtt;
  private long sweepTimer = -1;
  private boolean stopped;

  /** A command being worked on by this instance. */
  private static final class Execution {
    final MeterCommand recorded;
    final RelayTarget meter;
    final Promise<MeterCommand> outcome = Promise.promise();
    int attempts;
    long backoffTimer = -1;
    boolean superseded;

    Execution(MeterCommand recorded, RelayTarget meter) {
      this.recorded = recorded;
      this.meter = meter;
    }

    UUID id() {
      return recorded.id();
    }
  }

  public RelayControlService(Pool pool, ControlSettings settings) {
    this.settings = settings;
    this.siteAccess = new SiteAccess(pool);
    this.alarms = new AlarmService(pool);
    this.store = new CommandStore(pool);
  }

  @Override
  public Future<?> start() {
    drivers.put("modbus", new FieldBusRelayDriver(vertx, "modbus", ModbusPollerVerticle.RELAY_ADDRESS));
    drivers.put("opcua", new FieldBusRelayDriver(vertx, "opcua", OpcUaIngestVerticle.RELAY_ADDRESS));
    mqtt = new MqttRelayDriver(vertx);
    mqtt.start();
    drivers.put("mqtt", mqtt);
    sweepTimer = vertx.setPeriodic(1_000, SWEEP_INTERVAL_MS, id -> sweepAbandoned());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(sweepTimer);
    byCommand.values().forEach(ex -> {
      vertx.cancelTimer(ex.backoffTimer);
      ex.outcome.tryFail("relay control stopped; the command is failed by the next instance's sweep");
    });
    byCommand.clear();
    latestByMeter.clear();
    mqtt.stop();
    return Future.succeededFuture();
  }

  // ---- RelayControl ----

  @Override
  public Future<MeterCommand> command(UUID meterId, RelayAction action, CommandCause cause) {
    return onContext(() -> siteAccess.visibleMeter(SYSTEM, meterId)
      .recover(e -> Future.failedFuture(e instanceof Problem p && p.status() == 404
        ? new RelayCommandRefused(RelayCommandRefused.NOT_FOUND, "No meter " + meterId) : e))
      .compose(doc -> accept(RelayTarget.fromMeter(doc), action, cause)));
  }

  @Override
  public Future<MeterCommand> outcome(UUID commandId) {
    return onContext(() -> {
      Execution running = byCommand.get(commandId);
      if (running != null) {
        return running.outcome.future();
      }
      return store.find(commandId).compose(found -> found == null
        ? Future.failedFuture(new RelayCommandRefused(RelayCommandRefused.NOT_FOUND, "No command " + commandId))
        : Future.succeededFuture(found));
    });
  }

  @Override
  public Future<RelayState> relayState(UUID meterId) {
    return siteAccess.visibleMeter(SYSTEM, meterId)
      .compose(doc -> store.relayState(meterId, UUID.fromString(doc.getString("siteId"))));
  }

  // ---- accepting ----

  private Future<MeterCommand> accept(RelayTarget meter, RelayAction action, CommandCause cause) {
    String noRelay = meter.noRelayReason();
    if (noRelay != null) {
      return refuse(meter, action, cause, RelayCommandRefused.NO_RELAY, "Meter " + meter.serial() + ": " + noRelay);
    }
    boolean cutsCriticalLoad = action == RelayAction.OPEN && meter.criticalLoad();
    if (cutsCriticalLoad && cause.automatic()) {
      return refuse(meter, action, cause, RelayCommandRefused.CRITICAL_LOAD, "Meter " + meter.serial()
        + " supplies a critical load (clinical area, life safety): an automatic (" + cause.kind().wire()
        + ") cut-off is never sent");
    }
    if (cutsCriticalLoad && !cause.overrideCriticalLoad()) {
      return refuse(meter, action, cause, RelayCommandRefused.CRITICAL_LOAD, "Meter " + meter.serial()
        + " supplies a critical load (clinical area, life safety): cutting it off needs overrideCriticalLoad: true");
    }
    // The override is recorded only where it was used: an operator who cut off a critical load on purpose.
    CommandCause recordedCause = new CommandCause(cause.kind(), cause.actor(), cause.reason(), cutsCriticalLoad);
    return store.insert(UUID.randomUUID(), meter, action, recordedCause, settings.maxAttempts()).map(command -> {
      LOG.info("relay command accepted command={} site={} meter={} serial={} action={} cause={} actor={}", command.id(),
        meter.siteId(), meter.id(), meter.serial(), action.wire(), cause.kind().wire(), cause.actor());
      schedule(new Execution(command, meter));
      return command;
    });
  }

  private Future<MeterCommand> refuse(RelayTarget meter, RelayAction action, CommandCause cause, String slug,
                                      String reason) {
    LOG.warn("relay command refused site={} meter={} serial={} action={} cause={} actor={} refusal={}", meter.siteId(),
      meter.id(), meter.serial(), action.wire(), cause.kind().wire(), cause.actor(), slug);
    return Future.failedFuture(new RelayCommandRefused(slug, reason));
  }

  /** Runs after the meter's previous command has ended; that one is told it is superseded. */
  private void schedule(Execution ex) {
    Execution previous = latestByMeter.put(ex.meter.id(), ex);
    byCommand.put(ex.id(), ex);
    if (previous == null) {
      attempt(ex);
      return;
    }
    previous.superseded = true;
    if (previous.backoffTimer >= 0 && vertx.cancelTimer(previous.backoffTimer)) {
      previous.backoffTimer = -1;
      finish(previous, CommandState.SUPERSEDED, "superseded by command " + ex.id());
    }
    previous.outcome.future().onComplete(done -> attempt(ex));
  }

  // ---- attempts ----

  private void attempt(Execution ex) {
    if (stopped) {
      return;   // left pending/sent: the sweep of a running instance fails it with the alarm
    }
    if (ex.superseded) {
      finish(ex, CommandState.SUPERSEDED, "superseded by a later command for the meter");
      return;
    }
    int attempt = ++ex.attempts;
    boolean closed = ex.recorded.action().closes();
    RelayDriver driver = drivers.get(ex.meter.protocol());
    store.attemptStarted(ex.id(), attempt)
      .compose(sent -> driver.switchRelay(ex.meter, closed, ex.id(), settings.confirmTimeoutMs())
        .timeout(settings.confirmTimeoutMs(), TimeUnit.MILLISECONDS))
      .onComplete(result -> {
        if (result.succeeded() && result.result() == closed) {
          confirm(ex, result.result());
          return;
        }
        String error = result.succeeded()
          ? "the device reports the relay " + RelayState.wire(result.result()) + ", not " + RelayState.wire(closed)
          : describe(result.cause());
        LOG.info("relay attempt not confirmed command={} meter={} serial={} attempt={}/{} error={}", ex.id(),
          ex.meter.id(), ex.meter.serial(), attempt, settings.maxAttempts(), error);
        if (ex.superseded) {
          finish(ex, CommandState.SUPERSEDED, error);
        } else if (attempt >= settings.maxAttempts()) {
          finish(ex, CommandState.FAILED, error);
        } else {
          retryLater(ex, attempt, error);
        }
      });
  }

  private void retryLater(Execution ex, int attempt, String error) {
    store.attemptFailed(ex.id(), error)
      .onFailure(e -> LOG.warn("relay attempt error not saved command={}: {}", ex.id(), e.getMessage()))
      .onComplete(saved -> {
        if (ex.superseded) {
          finish(ex, CommandState.SUPERSEDED, error);
          return;
        }
        ex.backoffTimer = vertx.setTimer(Math.max(1, settings.backoffAfter(attempt)), id -> {
          ex.backoffTimer = -1;
          attempt(ex);
        });
      });
  }

  private void confirm(Execution ex, boolean closed) {
    store.confirmed(ex.id(), RelayState.wire(closed))
      .compose(command -> alarms.resolve(command.meterId(), AlarmKind.RELAY_UNCONFIRMED, "system:control")
        .recover(e -> {
          LOG.warn("relay alarm not resolved meter={}: {}", command.meterId(), e.getMessage());
          return Future.succeededFuture();
        })
        .map(command))
      .onSuccess(command -> {
        LOG.info("relay command confirmed command={} site={} meter={} serial={} state={} attempts={}", command.id(),
          command.siteId(), command.meterId(), ex.meter.serial(), command.reportedState(), command.attempts());
        vertx.eventBus().publish(LIVE_ADDRESS, new JsonObject().put("siteId", command.siteId().toString())
          .put("meterId", command.meterId().toString()).put("state", command.reportedState())
          .put("commandId", command.id().toString()).put("confirmedAt", command.confirmedAt().toString()));
      })
      .onComplete(result -> ended(ex, result));
  }

  /** Failed (with the alarm) or superseded. */
  private void finish(Execution ex, CommandState state, String error) {
    store.finished(ex.id(), state, error)
      .onSuccess(command -> {
        if (state == CommandState.FAILED) {
          LOG.warn("relay command failed command={} site={} meter={} serial={} attempts={} error={}", command.id(),
            command.siteId(), command.meterId(), ex.meter.serial(), command.attempts(), command.lastError());
          raiseUnconfirmed(command, "Relay command to " + command.action().wire() + " meter " + ex.meter.serial()
            + " was not confirmed after " + command.attempts() + " attempts");
        } else {
          LOG.info("relay command superseded command={} meter={} serial={}", command.id(), command.meterId(),
            ex.meter.serial());
        }
      })
      .onComplete(result -> ended(ex, result));
  }

  private void raiseUnconfirmed(MeterCommand command, String message) {
    alarms.raise(command.siteId(), command.meterId(), AlarmKind.RELAY_UNCONFIRMED, message, alarmDetails(command))
      .onFailure(e -> LOG.warn("relay alarm not raised meter={}: {}", command.meterId(), e.getMessage()));
  }

  private void ended(Execution ex, io.vertx.core.AsyncResult<MeterCommand> result) {
    byCommand.remove(ex.id());
    latestByMeter.remove(ex.meter.id(), ex);
    if (result.succeeded()) {
      ex.outcome.tryComplete(result.result());
    } else {
      LOG.warn("relay command outcome not saved command={}: {}", ex.id(), result.cause().getMessage());
      ex.outcome.tryFail(result.cause());
    }
  }

  private static JsonObject alarmDetails(MeterCommand command) {
    return new JsonObject().put("commandId", command.id().toString()).put("action", command.action().wire())
      .put("protocol", command.protocol()).put("attempts", command.attempts()).put("lastError", command.lastError())
      .put("cause", command.cause().kind().wire()).put("actor", command.cause().actor());
  }

  // ---- commands another instance abandoned ----

  private void sweepAbandoned() {
    long staleSeconds = settings.longestCommandMs() / 1000 + 60;
    store.failAbandoned(staleSeconds, SWEEP_BATCH)
      .onSuccess(failed -> failed.forEach(command -> raiseUnconfirmed(command, "Relay command to "
        + command.action().wire() + " was abandoned unconfirmed")))
      .onFailure(e -> LOG.warn("abandoned relay commands not swept: {}", e.getMessage()));
  }

  // ---- helpers ----

  private static String describe(Throwable e) {
    if (e instanceof java.util.concurrent.TimeoutException) {
      return "no confirmation from the device in time";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Runs on this verticle's context (its maps are confined to it), whoever calls. */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Context ctx = context;
    if (ctx == null) {
      return Future.failedFuture(new IllegalStateException("relay control not deployed"));
    }
    if (Vertx.currentContext() == ctx) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    ctx.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
