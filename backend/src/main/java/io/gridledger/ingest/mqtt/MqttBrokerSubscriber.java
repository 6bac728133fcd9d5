package io.gridledger.ingest.mqtt;

import io.gridledger.ingest.IngestService;
import io.gridledger.ingest.ReadingBatchParser;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

/**
 * Ingest from an external broker (Mosquitto, EMQX, HiveMQ) for installations that run one, or several backend
 * instances. It subscribes to every gateway's readings topic through a shared subscription, so the instances of one
 * group split the messages, and acknowledges each message only after its readings are committed (manual ack), so
 * the broker redelivers anything an instance took but did not store. The broker authenticates gateways; a gateway
 * may still only report meters bound to it in the site model.
 *
 * <p>Commands for gateways ({@link GatewayTopics#COMMAND_ADDRESS}) are published through this client; every
 * instance subscribes to all gateways' events without sharing, so the instance that sent a command sees its
 * acknowledgement.
 */
public final class MqttBrokerSubscriber extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MqttBrokerSubscriber.class);
  private static final long MAX_BACKOFF_MS = 30_000;

  private final JsonObject config;
  private final Function<io.vertx.core.Vertx, IngestService> ingestFactory;
  private IngestService ingest;
  private MqttClient client;
  private long backoffMs = 500;
  private boolean stopping;
  private io.vertx.core.eventbus.MessageConsumer<JsonObject> commands;

  public MqttBrokerSubscriber(JsonObject mqttConfig, Function<io.vertx.core.Vertx, IngestService> ingestFactory) {
    this.config = mqttConfig;
    this.ingestFactory = ingestFactory;
  }

  /** {@code $share/<group>/gridledger/gateways/+/readings} */
  public static String sharedTopic(String group) {
    return "$share/" + group + "/" + GatewayTopics.PREFIX + "+/readings";
  }

  @Override
  public Future<?> start() {
    ingest = ingestFactory.apply(vertx);
    MqttClientOptions options = new MqttClientOptions()
      .setClientId("gridledger-" + UUID.randomUUID().toString().substring(0, 8))
      .setCleanSession(true)
      .setMaxMessageSize(MqttGatewayServer.MAX_MESSAGE_BYTES)
      .setUsername(config.getString("brokerUsername"))
      .setPassword(config.getString("brokerPassword"));
    options.setAutoAck(false);
    client = MqttClient.create(vertx, options);
    client.publishHandler(this::onMessage);
    client.closeHandler(v -> reconnectLater());
    commands = vertx.eventBus().consumer(GatewayTopics.COMMAND_ADDRESS, this::commandRequested);
    connect();
    // Start succeeds even while the broker is away: ingest over HTTP keeps working and MQTT joins when it can.
    return Future.succeededFuture();
  }

  private void connect() {
    URI broker = URI.create(config.getString("brokerUrl"));
    client.connect(broker.getPort() > 0 ? broker.getPort() : 1883, broker.getHost())
      .compose(ack -> client.subscribe(sharedTopic(config.getString("sharedGroup")), MqttQoS.AT_LEAST_ONCE.value()))
      .compose(ack -> client.subscribe(GatewayTopics.ALL_EVENTS, MqttQoS.AT_LEAST_ONCE.value()))
      .onSuccess(v -> {
        backoffMs = 500;
        LOG.info("mqtt broker subscribed broker={} group={}", config.getString("brokerUrl"), config.getString("sharedGroup"));
      })
      .onFailure(e -> {
        LOG.warn("mqtt broker unavailable broker={} error={}", config.getString("brokerUrl"), e.getMessage());
        reconnectLater();
      });
  }

  private void reconnectLater() {
    if (stopping) {
      return;
    }
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    vertx.setTimer(delay, id -> {
      if (!client.isConnected()) {
        connect();
      }
    });
  }

  /** Publishes a command (QoS 1) to the gateway's commands topic; replies once sent, fails while the broker is away. */
  private void commandRequested(io.vertx.core.eventbus.Message<JsonObject> message) {
    String gateway = message.body().getString("gateway");
    JsonObject command = message.body().getJsonObject("command");
    if (gateway == null || command == null) {
      message.fail(400, "a gateway command needs gateway and command");
      return;
    }
    if (!client.isConnected()) {
      message.fail(503, "not connected to the MQTT broker " + config.getString("brokerUrl"));
      return;
    }
    client.publish(GatewayTopics.commands(gateway), command.toBuffer(), MqttQoS.AT_LEAST_ONCE, false, false)
      .onSuccess(packetId -> message.reply(new JsonObject().put("packetId", packetId)))
      .onFailure(e -> message.fail(503, String.valueOf(e.getMessage())));
  }

  private void onMessage(MqttPublishMessage message) {
    String eventsOf = GatewayTopics.gatewayOfEvents(message.topicName());
    if (eventsOf != null) {
      GatewayTopics.forwardEvent(vertx, eventsOf, message.payload());
      message.ack();
      return;
    }
    String gateway = GatewayTopics.gatewayOfReadings(message.topicName());
    if (gateway == null) {
      message.ack();
      return;
    }
    ReadingBatchParser.Parsed batch = ReadingBatchParser.parse(message.payload(), Instant.now());
    ingest.ingest(batch, "mqtt", gateway, null, true)
      .onSuccess(outcome -> message.ack())
      .onFailure(e -> LOG.warn("mqtt batch not acknowledged gateway={} error={}", gateway, e.getMessage()));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (commands != null) {
      commands.unregister();
    }
    return client == null || !client.isConnected() ? Future.succeededFuture() : client.disconnect();
  }
}
