package io.gridledger.simulator.mqtt;

import io.gridledger.simulator.model.MeterReading;
import io.gridledger.simulator.model.MeterSpec;
import io.gridledger.simulator.model.Simulation;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One MQTT gateway: publishes a batch of its meters' readings every interval (QoS 1) and switches supplies on command.
 * A missing broker is normal (the demo may start the simulator first): the gateway reconnects with exponential backoff
 * and drops batches while disconnected, as a gateway without store-and-forward does.
 *
 * <p>Everything runs on one Vert.x context; the fault flags may be set from any thread.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final long MIN_BACKOFF_MS = 500, MAX_BACKOFF_MS = 30_000;

  private final Vertx vertx;
  private final Context context;
  private final String id;
  private final List<MeterSpec> meters;
  private final Map<String, MeterSpec> metersBySerial = new LinkedHashMap<>();
  private final Simulation simulation;
  private final Clock clock;
  private final String brokerHost;
  private final int brokerPort;
  private final long intervalMillis;

  private final AtomicBoolean duplicateNext = new AtomicBoolean(), shuffleNext = new AtomicBoolean(),
    malformedNext = new AtomicBoolean();

  private MqttClient client;
  private volatile boolean connected;
  private boolean closed;
  private long publishTimer = -1, reconnectTimer = -1, backoffMs = MIN_BACKOFF_MS;
  private final String username;
  private final String password;

  /** A batch held back by shuffleNextBatch, sent after the one that follows it. */
  private Buffer heldBack;

  public Gateway(Vertx vertx, String id, List<MeterSpec> meters, Simulation simulation, Clock clock, String brokerHost,
                 int brokerPort, long intervalMillis) {
    this(vertx, id, meters, simulation, clock, brokerHost, brokerPort, intervalMillis, null, null);
  }

  public Gateway(Vertx vertx, String id, List<MeterSpec> meters, Simulation simulation, Clock clock, String brokerHost,
                 int brokerPort, long intervalMillis, String username, String password) {
    this.username = username;
    this.password = password;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.id = id;
    this.meters = List.copyOf(meters);
    this.meters.forEach(m -> metersBySerial.put(m.serial(), m));
    this.simulation = simulation;
    this.clock = clock;
    this.brokerHost = brokerHost;
    this.brokerPort = brokerPort;
    this.intervalMillis = intervalMillis;
  }

  public String id() {
    return id;
  }

  public List<MeterSpec> meters() {
    return meters;
  }

  public boolean connected() {
    return connected;
  }

  public void start() {
    context.runOnContext(v -> {
      publishTimer = vertx.setPeriodic(intervalMillis, t -> publishBatch());
      connect();
    });
  }

  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      vertx.cancelTimer(publishTimer);
      vertx.cancelTimer(reconnectTimer);
      MqttClient current = client;
      if (current != null && current.isConnected()) {
        current.disconnect().onComplete(r -> done.complete());
      } else {
        done.complete();
      }
    });
    return done.future();
  }

  // ---- faults ----

  /** The next batch is published twice, as a gateway that missed the PUBACK and resends does. */
  public void duplicateNextBatch() {
    duplicateNext.set(true);
  }

  /** The next batch is held back and published after the one that follows it, its readings in shuffled order. */
  public void shuffleNextBatch() {
    shuffleNext.set(true);
  }

  /** The next batch goes out truncated, so it is not valid JSON. */
  public void malformedNextMessage() {
    malformedNext.set(true);
  }

  // ---- connection ----

  private void connect() {
    if (closed) {
      return;
    }
    MqttClientOptions options = new MqttClientOptions().setClientId(id).setCleanSession(true)
      .setKeepAliveInterval(30).setAutoKeepAlive(true).setMaxInflightQueue(100)
      .setUsername(username).setPassword(password);
    MqttClient attempt = MqttClient.create(vertx, options);
    client = attempt;
    attempt.publishHandler(this::onMessage);
    attempt.closeHandler(v -> {
      if (client == attempt && connected) {
        connected = false;
        LOG.warn("Gateway {} lost the broker at {}:{}; reconnecting", id, brokerHost, brokerPort);
        scheduleReconnect();
      }
    });
    attempt.connect(brokerPort, brokerHost).onComplete(result -> {
      if (result.failed() || result.result().code() != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
        LOG.debug("Gateway {} cannot reach the broker at {}:{}: {}", id, brokerHost, brokerPort,
          result.failed() ? result.cause().getMessage() : result.result().code());
        if (result.succeeded()) {
          attempt.disconnect();
        }
        scheduleReconnect();
        return;
      }
      if (closed) {
        attempt.disconnect();
        return;
      }
      connected = true;
      backoffMs = MIN_BACKOFF_MS;
      LOG.info("Gateway {} connected to {}:{}", id, brokerHost, brokerPort);
      attempt.subscribe(Topics.commands(id), MqttQoS.AT_LEAST_ONCE.value());
    });
  }

  private void scheduleReconnect() {
    if (closed || reconnectTimer != -1) {
      return;
    }
    long delay = backoffMs + (long) (Math.random() * backoffMs / 4); // jitter so gateways do not reconnect in step
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    reconnectTimer = vertx.setTimer(delay, t -> {
      reconnectTimer = -1;
      connect();
    });
  }

  // ---- readings ----

  private void publishBatch() {
    if (!connected) {
      return; // no store-and-forward: a batch without a broker is lost, like on the real device
    }
    JsonObject batch = BatchMessage.build(id, meters, simulation.snapshot());
    if (shuffleNext.getAndSet(false)) {
      List<Object> readings = new ArrayList<>(batch.getJsonArray("readings").getList());
      Collections.shuffle(readings);
      heldBack = batch.put("readings", new JsonArray(readings)).toBuffer();
      return;
    }
    Buffer payload = batch.toBuffer();
    if (malformedNext.getAndSet(false)) {
      payload = payload.getBuffer(0, payload.length() / 2);
    }
    publish(Topics.readings(id), payload);
    if (duplicateNext.getAndSet(false)) {
      publish(Topics.readings(id), payload);
    }
    if (heldBack != null) {
      publish(Topics.readings(id), heldBack);
      heldBack = null;
    }
  }

  private void publish(String topic, Buffer payload) {
    client.publish(topic, payload, MqttQoS.AT_LEAST_ONCE, false, false)
      .onFailure(e -> LOG.debug("Gateway {} could not publish to {}: {}", id, topic, e.getMessage()));
  }

  // ---- commands ----

  private void onMessage(MqttPublishMessage message) {
    if (!message.topicName().equals(Topics.commands(id))) {
      return;
    }
    JsonObject command;
    try {
      command = message.payload().toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      reject(null, null, "malformed");
      return;
    }
    String serial = command.getString("meter"), commandId = command.getString("commandId"),
      state = command.getString("state");
    if (!"relay".equals(command.getString("command"))) {
      reject(serial, commandId, "unsupported-command");
    } else if (!"open".equals(state) && !"closed".equals(state)) {
      reject(serial, commandId, "malformed");
    } else if (serial == null || !metersBySerial.containsKey(serial)) {
      reject(serial, commandId, "unknown-meter");
    } else if (!metersBySerial.get(serial).kind().hasSupplySwitch()) {
      reject(serial, commandId, "no-relay");
    } else if (!online(serial)) {
      reject(serial, commandId, "meter-offline");
    } else {
      simulation.setRelayClosed(serial, "closed".equals(state));
      // The acknowledgement reports the relay as the device now reads it, not an echo of the request: the platform
      // confirms a command only from what the device says.
      event(new JsonObject().put("type", "relay").put("meter", serial)
        .put("state", simulation.meter(serial).relayClosed() ? "closed" : "open").put("commandId", commandId));
    }
  }

  private boolean online(String serial) {
    MeterReading reading = simulation.snapshot().reading(serial);
    return reading != null && reading.online();
  }

  private void reject(String serial, String commandId, String reason) {
    LOG.info("Gateway {} rejected a command for {}: {}", id, serial, reason);
    event(new JsonObject().put("type", "command-rejected").put("meter", serial).put("commandId", commandId)
      .put("reason", reason));
  }

  private void event(JsonObject event) {
    event.put("ts", BatchMessage.timestamp(clock.instant()));
    if (connected) {
      publish(Topics.events(id), event.toBuffer());
    }
  }
}
