package io.gridledger.ingest.mqtt;

/**
 * The MQTT topics gateways use (docs/protocols.md): they publish readings and events, and receive commands.
 * {@code gridledger/gateways/{gateway}/readings|events|commands}.
 */
public final class GatewayTopics {

  public static final String PREFIX = "gridledger/gateways/";

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
    if (!topic.startsWith(PREFIX) || !topic.endsWith("/readings")) {
      return null;
    }
    String gateway = topic.substring(PREFIX.length(), topic.length() - "/readings".length());
    return gateway.isEmpty() || gateway.contains("/") ? null : gateway;
  }
}
