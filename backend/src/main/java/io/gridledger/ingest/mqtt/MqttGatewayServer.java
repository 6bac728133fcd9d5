package io.gridledger.ingest.mqtt;

import io.gridledger.auth.ApiKeyStore;
import io.gridledger.auth.Principal;
import io.gridledger.auth.Role;
import io.gridledger.ingest.IngestService;
import io.gridledger.ingest.ReadingBatchParser;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The MQTT endpoint gateways connect to when no external broker is configured. It is not a general broker: it speaks
 * exactly the gateway protocol, which lets it acknowledge a readings message (PUBACK) only after the readings are
 * committed, and send commands straight to the connected gateway. Gateways authenticate with an API key as the MQTT
 * password; the client id is the gateway id, and a gateway may only report meters bound to it.
 */
public final class MqttGatewayServer extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MqttGatewayServer.class);
  public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private final JsonObject config;
  private final Pool pool;
  private final ApiKeyStore apiKeys;
  private final Function<io.vertx.core.Vertx, IngestService> ingestFactory;
  private final Map<String, MqttEndpoint> connected = new ConcurrentHashMap<>();
  private final Map<String, Long> statusWrittenMs = new ConcurrentHashMap<>();
  private IngestService ingest;
  private MqttServer server;
  private io.vertx.core.eventbus.MessageConsumer<JsonObject> commands;

  public MqttGatewayServer(JsonObject mqttConfig, Pool pool, ApiKeyStore apiKeys,
                           Function<io.vertx.core.Vertx, IngestService> ingestFactory) {
    this.config = mqttConfig;
    this.pool = pool;
    this.apiKeys = apiKeys;
    this.ingestFactory = ingestFactory;
  }

  @Override
  public Future<?> start() {
    ingest = ingestFactory.apply(vertx);
    server = MqttServer.create(vertx, new MqttServerOptions()
      .setHost(config.getString("host"))
      .setPort(config.getInteger("port"))
      .setMaxMessageSize(MAX_MESSAGE_BYTES)
      .setAutoClientId(false));
    server.endpointHandler(this::connect);
    commands = vertx.eventBus().<JsonObject>consumer(GatewayTopics.COMMAND_ADDRESS, this::commandRequested);
    return server.listen().onSuccess(s -> LOG.info("mqtt gateway endpoint listening port={}", s.actualPort()));
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** Sends a command to a connected gateway; fails if it is not connected here. */
  public Future<Integer> sendCommand(String gateway, JsonObject command) {
    MqttEndpoint endpoint = connected.get(gateway);
    if (endpoint == null || !endpoint.isConnected()) {
      return Future.failedFuture("gateway " + gateway + " is not connected");
    }
    return endpoint.publish(GatewayTopics.commands(gateway), command.toBuffer(), MqttQoS.AT_LEAST_ONCE, false, false);
  }

  /** {@link GatewayTopics#COMMAND_ADDRESS}: sends the command, replies with its packet id or fails (not connected). */
  private void commandRequested(io.vertx.core.eventbus.Message<JsonObject> message) {
    JsonObject body = message.body();
    String gateway = body.getString("gateway");
    JsonObject command = body.getJsonObject("command");
    if (gateway == null || command == null) {
      message.fail(400, "a gateway command needs gateway and command");
      return;
    }
    sendCommand(gateway, command)
      .onSuccess(packetId -> message.reply(new JsonObject().put("packetId", packetId)))
      .onFailure(e -> message.fail(503, String.valueOf(e.getMessage())));
  }

  private void connect(MqttEndpoint endpoint) {
    String gateway = endpoint.clientIdentifier();
    String key = endpoint.auth() == null ? null : endpoint.auth().getPassword();
    if (gateway == null || gateway.isBlank() || key == null) {
      endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
      return;
    }
    apiKeys.authenticate(key).onComplete(result -> {
      Principal principal = result.succeeded() ? result.result() : null;
      if (principal == null || principal.role() == Role.TENANT) {
        LOG.warn("mqtt gateway refused gateway={} reason=bad_credentials", gateway);
        endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
        return;
      }
      accept(endpoint, gateway, principal);
    });
  }

  private void accept(MqttEndpoint endpoint, String gateway, Principal principal) {
    endpoint.publishAutoAck(false);
    endpoint.publishHandler(message -> onPublish(endpoint, gateway, principal, message));
    endpoint.subscribeHandler(subscribe -> {
      List<MqttQoS> granted = new ArrayList<>();
      subscribe.topicSubscriptions().forEach(t -> granted.add(t.topicName().equals(GatewayTopics.commands(gateway))
        ? MqttQoS.AT_LEAST_ONCE : MqttQoS.FAILURE));
      endpoint.subscribeAcknowledge(subscribe.messageId(), granted);
    });
    endpoint.unsubscribeHandler(u -> endpoint.unsubscribeAcknowledge(u.messageId()));
    endpoint.closeHandler(v -> {
      connected.remove(gateway, endpoint);
      status(principal, gateway, false);
      LOG.info("mqtt gateway disconnected gateway={}", gateway);
    });
    endpoint.accept(false);
    MqttEndpoint previous = connected.put(gateway, endpoint);
    if (previous != null && previous != endpoint && previous.isConnected()) {
      previous.close();   // MQTT: a second connection with the same client id takes over
    }
    status(principal, gateway, true);
    LOG.info("mqtt gateway connected gateway={} subject={}", gateway, principal.subject());
  }

  private void onPublish(MqttEndpoint endpoint, String gateway, Principal principal, MqttPublishMessage message) {
    String topicGateway = GatewayTopics.gatewayOfReadings(message.topicName());
    if (gateway.equals(GatewayTopics.gatewayOfEvents(message.topicName()))) {
      // A gateway's events (command acknowledgements) on its own topic only, so no gateway speaks for another.
      GatewayTopics.forwardEvent(vertx, gateway, message.payload());
      acknowledge(endpoint, message);
      return;
    }
    if (topicGateway == null || !topicGateway.equals(gateway)) {
      // Not ours to ingest (another gateway's topic): acknowledge so the gateway does not resend forever.
      acknowledge(endpoint, message);
      return;
    }
    long now = System.currentTimeMillis();
    if (now - statusWrittenMs.getOrDefault(gateway, 0L) > 30_000) {
      statusWrittenMs.put(gateway, now);
      status(principal, gateway, true);
    }
    ReadingBatchParser.Parsed batch = ReadingBatchParser.parse(message.payload(), Instant.now());
    ingest.ingest(batch, "mqtt", gateway, principal.isAdmin() ? null : principal.siteIds(), true)
      .onSuccess(outcome -> acknowledge(endpoint, message))
      .onFailure(e -> LOG.warn("mqtt batch not acknowledged gateway={} error={}", gateway, e.getMessage()));
  }

  private static void acknowledge(MqttEndpoint endpoint, MqttPublishMessage message) {
    if (!endpoint.isConnected()) {
      return;
    }
    if (message.qosLevel() == MqttQoS.AT_LEAST_ONCE) {
      endpoint.publishAcknowledge(message.messageId());
    } else if (message.qosLevel() == MqttQoS.EXACTLY_ONCE) {
      endpoint.publishReceived(message.messageId());
    }
  }

  private void status(Principal principal, String gateway, boolean isConnected) {
    if (principal.siteIds().size() != 1) {
      return;
    }
    UUID siteId = principal.siteIds().iterator().next();
    pool.preparedQuery("INSERT INTO gateway_status (site_id, gateway, protocol, last_seen_at, connected) "
        + "VALUES ($1, $2, 'mqtt', now(), $3) ON CONFLICT (site_id, gateway) DO UPDATE SET last_seen_at = now(), "
        + "connected = EXCLUDED.connected")
      .execute(Tuple.of(siteId, gateway, isConnected))
      .onFailure(e -> LOG.warn("gateway status not saved gateway={} error={}", gateway, e.getMessage()));
  }

  @Override
  public Future<?> stop() {
    if (commands != null) {
      commands.unregister();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }
}
