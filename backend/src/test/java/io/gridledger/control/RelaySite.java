package io.gridledger.control;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The relay tests' site: an office, a retail unit let to a tenant and a clinic; meters on Modbus TCP, OPC UA and an
 * MQTT gateway, each protocol with one meter to switch and one to fault offline, and a critical load in the clinic.
 * The same document is imported into the backend and served by the device simulator.
 */
public final class RelaySite {

  static final int MODBUS_PORT = 15131, OPCUA_PORT = 15141;
  public static final String ENDPOINT = "opc.tcp://127.0.0.1:" + OPCUA_PORT + "/gridledger";
  public static final String GATEWAY = "rc-gw";
  public static final String MODBUS = "RC-MB-1", MODBUS_OFFLINE = "RC-MB-2", OPCUA = "RC-UA-1", OPCUA_OFFLINE = "RC-UA-2",
    MQTT = "RC-MQ-1", MQTT_OFFLINE = "RC-MQ-2", CLINIC = "RC-CL-1";

  private RelaySite() {
  }

  public static JsonObject document(String name) {
    JsonObject site = new JsonObject().put("name", name).put("timeZone", "Europe/Berlin").put("currency", "EUR");
    JsonArray units = new JsonArray()
      .add(unit("rc-U1", "Office", "office", 0))
      .add(unit("rc-U2", "Shop", "retail", 10))
      .add(unit("rc-U3", "Clinic", "clinical", 20));
    JsonObject building = new JsonObject().put("key", "rc-B").put("name", "Relay block").put("floors", new JsonArray()
      .add(new JsonObject().put("key", "rc-L0").put("level", 0).put("name", "Ground").put("elevationM", 0)
        .put("heightM", 4.0).put("footprint", rect(0, 30)).put("units", units)));
    JsonArray tenants = new JsonArray().add(new JsonObject().put("key", "rc-t").put("legalName", "Relay Shop Ltd")
      .put("billingMode", "prepaid").put("contact", new JsonObject().put("email", "shop@example.com"))
      .put("occupancies", new JsonArray().add(new JsonObject().put("unitKey", "rc-U2").put("fromDate", "2025-01-01"))));
    JsonArray meters = new JsonArray()
      .add(meter(MODBUS, "rc-U1", modbus(1)))
      .add(meter(MODBUS_OFFLINE, "rc-U1", modbus(2)))
      .add(meter(OPCUA, "rc-U1", opcua(OPCUA)))
      .add(meter(OPCUA_OFFLINE, "rc-U1", opcua(OPCUA_OFFLINE)))
      .add(meter(MQTT, "rc-U2", new JsonObject().put("protocol", "mqtt").put("gateway", GATEWAY)))
      .add(meter(MQTT_OFFLINE, "rc-U2", new JsonObject().put("protocol", "mqtt").put("gateway", GATEWAY)))
      .add(meter(CLINIC, "rc-U3", modbus(3)).put("criticalLoad", true));
    return new JsonObject().put("site", site).put("buildings", new JsonArray().add(building)).put("tenants", tenants)
      .put("meters", meters);
  }

  private static JsonObject modbus(int unitId) {
    return new JsonObject().put("protocol", "modbus").put("host", "127.0.0.1").put("port", MODBUS_PORT)
      .put("unitId", unitId).put("registerMap", "eastron-sdm630").put("pollIntervalSeconds", 1);
  }

  private static JsonObject opcua(String serial) {
    return new JsonObject().put("protocol", "opcua").put("endpointUrl", ENDPOINT).put("nodeId", "ns=2;s=" + serial)
      .put("pollIntervalSeconds", 1);
  }

  private static JsonObject meter(String serial, String unitKey, JsonObject binding) {
    JsonArray registers = new JsonArray()
      .add(new JsonObject().put("name", "energy_active_import").put("unit", "kWh"))
      .add(new JsonObject().put("name", "power_active").put("unit", "kW"));
    return new JsonObject().put("serial", serial).put("kind", "electricity").put("model", "test")
      .put("locationKey", unitKey).put("registers", registers).put("criticalLoad", false).put("multiplier", 1)
      .put("binding", binding);
  }

  private static JsonObject unit(String key, String name, String use, double x) {
    return new JsonObject().put("key", key).put("name", name).put("areaM2", 100).put("use", use)
      .put("footprint", rect(x, x + 10));
  }

  private static JsonArray rect(double x0, double x1) {
    return new JsonArray().add(new JsonArray().add(x0).add(0)).add(new JsonArray().add(x1).add(0))
      .add(new JsonArray().add(x1).add(10)).add(new JsonArray().add(x0).add(10));
  }
}
