package io.gridledger.simulator.model;

import io.vertx.core.json.JsonObject;

import java.net.URI;

/** The contract's ProtocolBinding: how the platform reaches the meter, and so which server the simulator runs. */
public record Binding(String protocol, String host, Integer port, Integer unitId, String registerMap,
                      String endpointUrl, String nodeId, String gateway) {

  public static Binding fromJson(JsonObject json) {
    return new Binding(json.getString("protocol"), json.getString("host"), json.getInteger("port"),
      json.getInteger("unitId"), json.getString("registerMap"), json.getString("endpointUrl"),
      json.getString("nodeId"), json.getString("gateway"));
  }

  public boolean modbus() {
    return "modbus".equals(protocol);
  }

  public boolean opcua() {
    return "opcua".equals(protocol);
  }

  public boolean mqtt() {
    return "mqtt".equals(protocol);
  }

  /** host:port of the Modbus listener. */
  public String modbusAddress() {
    return host + ":" + port;
  }

  /** host:port of the OPC UA server behind the endpoint URL (4840 is the registered default port). */
  public String opcuaAddress() {
    URI uri = URI.create(endpointUrl);
    return uri.getHost() + ":" + (uri.getPort() < 0 ? 4840 : uri.getPort());
  }
}
