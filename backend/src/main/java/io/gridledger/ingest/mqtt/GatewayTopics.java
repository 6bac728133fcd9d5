package io.gridledger.ingest.mqtt;

/**
 * The MQTT topics gateways use (docs/protocols.md): they publish readings and events, and receive commands.
 * {@code gridledger/gateways/{gateway}/readings|events|commands}.
 */
public final class GatewayTopics {

  public static final String PREFIX = "gridledger/gateways/";

  /**
   * Event-bus address on which the deployed MQTT side (endpoint or broker subscriber) takes commands for gateways:
   * {@code {"gateway": "...", "command": {...}}}; it replies once the command is published.
   */
  public static final String COMMAND_ADDRESS = "gridledger.ingest.mqtt.command";

  /** Event-bus address (local publish) of every event a gateway reports: {@code {"gateway": "...", "event": {...}}}. */
  public static final String EVENTS_ADDRESS = "gridledger.ingest.mqtt.events";

  /** Every gateway's events topic, for a broker subscription. */
  public static final String ALL_EVENTS = PREFIX + "+/events";

  private GatewayTopics() {
  }

  public static String readings(String gateway) {
    return PREFIX + gateway + "/readings";
  }

  public static String commands(String gateway) {
    return PREFIX + gateway + "/commands";
  }

  public static String events(String gateway) {
    return PREFIX + gateway + "/events";
  }

  /** The gateway id of a readings topic, or null if the topic is not one. */
  public static String gatewayOfReadings(String topic) {
    return gatewayOf(topic, "/readings");
  }

  /** The gateway id of an events topic, or null if the topic is not one. */
  public static String gatewayOfEvents(String topic) {
    return gatewayOf(topic, "/events");
  }

  private static String gatewayOf(String topic, String suffix) {
    if (!topic.startsWith(PREFIX) || !topic.endsWith(suffix)) {
      return null;
    }
    String gateway = topic.substring(PREFIX.length(), topic.length() - suffix.length());
    return gateway.isEmpty() || gateway.contains("/") ? null : gateway;
  }

  /**
   * Hands a gateway's event to whoever waits for it on the event bus (relay control waits for command
   * acknowledgements). Events that are not a JSON object are dropped: nobody could match them to anything.
   */
  public static void forwardEvent(io.vertx.core.Vertx vertx, String gateway, io.vertx.core.buffer.Buffer payload) {
    io.vertx.core.json.JsonObject event;
    try {
      event = payload.toJsonObject();
    } catch (RuntimeException e) {
      return;
    }
    vertx.eventBus().publish(EVENTS_ADDRESS, new io.vertx.core.json.JsonObject().put("gateway", gateway)
      .put("event", event));
  }
}
