package io.gridledger.control;

import io.gridledger.simulator.modbus.RegisterMap;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meter a command goes to, as the site model describes it (read through {@code SiteAccess}, never from the
 * site model's tables), and whether it has a relay Gridledger can switch.
 */
record RelayTarget(UUID id, UUID siteId, String serial, String kind, String protocol, JsonObject binding,
                   boolean criticalLoad) {

  /** Register map name to "has a relay coil" (null: no such map); maps are classpath data, read once each. */
  private static final Map<String, Boolean> RELAY_COIL_BY_MAP = new ConcurrentHashMap<>();
  private static final int MAX_CACHED_MAPS = 256;

  static RelayTarget fromMeter(JsonObject meter) {
    JsonObject binding = meter.getJsonObject("binding", new JsonObject());
    return new RelayTarget(UUID.fromString(meter.getString("id")), UUID.fromString(meter.getString("siteId")),
      meter.getString("serial"), meter.getString("kind"), binding.getString("protocol"), binding,
      Boolean.TRUE.equals(meter.getBoolean("criticalLoad")));
  }

  /**
   * Why this meter has no relay to switch, or null when it has one. Only field protocols reach a device; sensors
   * switch nothing; a Modbus meter's register map must name its relay coil. OPC UA meters have the relay variable
   * {@code <nodeId>/relay_closed} and MQTT gateways switch their meters' relays by the gateway protocol
   * (docs/protocols.md).
   */
  String noRelayReason() {
    if (protocol == null || !(protocol.equals("modbus") || protocol.equals("opcua") || protocol.equals("mqtt"))) {
      return "A " + protocol + " meter has no device Gridledger can switch: only Modbus, OPC UA and MQTT meters have relays";
    }
    if ("environment".equals(kind)) {
      return "An environment sensor has no supply to switch";
    }
    if (protocol.equals("modbus")) {
      String mapName = binding.getString("registerMap");
      if (mapName == null) {
        return "The Modbus binding names no register map, so no relay coil is known";
      }
      Boolean hasCoil = hasRelayCoil(mapName);
      if (hasCoil == null) {
        return "Register map " + mapName + " is unknown, so no relay coil is known";
      }
      if (!hasCoil) {
        return "Register map " + mapName + " defines no relay coil";
      }
    }
    return null;
  }

  private static Boolean hasRelayCoil(String mapName) {
    Boolean known = RELAY_COIL_BY_MAP.get(mapName);
    if (known != null) {
      return known;
    }
    Boolean hasCoil;
    try {
      hasCoil = RegisterMap.load(mapName).relayCoil().isPresent();
    } catch (RuntimeException e) {
      return null;
    }
    if (RELAY_COIL_BY_MAP.size() < MAX_CACHED_MAPS) {
      RELAY_COIL_BY_MAP.put(mapName, hasCoil);
    }
    return hasCoil;
  }
}
