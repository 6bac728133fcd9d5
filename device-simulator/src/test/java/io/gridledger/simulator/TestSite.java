package io.gridledger.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A small demo-like site document (the backend's SiteImport shape) with every protocol and kind, on ports picked
 * free for this test run so a running demo is never in the way.
 */
final class TestSite {

  static final String SDM_OFFICE = "EL-T01-U1", SDM_SHOP = "EL-T01-U2", EM24_BOARD = "EL-T01", EM24_HALL = "EL-I00-U1";
  static final String MAIN = "EL-MAIN-01", HEAT = "HT-T01", WATER_SHOP = "WA-T01-U2", GAS_SHOP = "GA-T01-U2",
    ENV = "ENV-T01", WATER_HALL = "WA-I00-U1";
  static final String GW_TOWER = "gw-tower", GW_INDUSTRIAL = "gw-industrial";

  final int sdmPort = freePort(), em24Port = freePort(), opcuaPort = freePort();

  String endpointUrl() {
    return "opc.tcp://127.0.0.1:" + opcuaPort + "/gridledger";
  }

  JsonObject document() {
    JsonObject site = new JsonObject().put("name", "Test Park").put("timeZone", "Europe/Berlin").put("currency", "EUR");
    JsonObject tower = new JsonObject().put("key", "tower").put("name", "Test Tower").put("floors", new JsonArray()
      .add(floor("tower-L01", 1, "Level 1", new JsonArray()
        .add(unit("tower-L01-U1", "Office 1.1", 240, "office").put("headcount", 20))
        .add(unit("tower-L01-U2", "Cafe 1.2", 120, "retail")))));
    JsonObject industrial = new JsonObject().put("key", "industrial").put("name", "Test Hall").put("floors",
      new JsonArray().add(floor("industrial-L00", 0, "Hall level", new JsonArray()
        .add(unit("industrial-L00-U1", "Hall A", 2000, "industrial")))));
    JsonArray meters = new JsonArray()
      .add(meter(MAIN, "electricity", null, null, electricity(false), opcua(MAIN)).put("multiplier", 80))
      .add(meter(EM24_BOARD, "electricity", "tower-L01", MAIN, electricity(false), modbus(em24Port, 1,
        "carlo-gavazzi-em24")))
      .add(meter(SDM_OFFICE, "electricity", "tower-L01-U1", EM24_BOARD, electricity(true), modbus(sdmPort, 1,
        "eastron-sdm630")))
      .add(meter(SDM_SHOP, "electricity", "tower-L01-U2", EM24_BOARD, electricity(true), modbus(sdmPort, 2,
        "eastron-sdm630")))
      .add(meter(EM24_HALL, "electricity", "industrial-L00-U1", MAIN, electricity(false), modbus(em24Port, 2,
        "carlo-gavazzi-em24")))
      .add(meter(HEAT, "heat", "tower-L01", null, new JsonArray().add(reg("energy_heat", "MWh"))
        .add(reg("power_thermal", "kW")).add(reg("flow_rate", "m3/h")).add(reg("temperature_supply", "degC"))
        .add(reg("temperature_return", "degC")).add(reg("volume", "m3")), opcua(HEAT)))
      .add(meter(WATER_SHOP, "water", "tower-L01-U2", null, new JsonArray()
        .add(reg("volume", "m3").put("maxValue", 99999.999)).add(reg("flow_rate", "m3/h")), mqtt(GW_TOWER)))
      .add(meter(GAS_SHOP, "gas", "tower-L01-U2", null, new JsonArray().add(reg("volume", "m3")), mqtt(GW_TOWER)))
      .add(meter(ENV, "environment", "tower-L01", null, new JsonArray().add(reg("temperature", "degC"))
        .add(reg("humidity", "%")).add(reg("co2", "ppm")).add(reg("pm25", "ug/m3")), mqtt(GW_TOWER)))
      .add(meter(WATER_HALL, "water", "industrial-L00-U1", null, new JsonArray()
        .add(reg("volume", "m3")).add(reg("flow_rate", "m3/h")), mqtt(GW_INDUSTRIAL)));
    return new JsonObject().put("site", site).put("buildings", new JsonArray().add(tower).add(industrial))
      .put("meters", meters);
  }

  private static JsonObject floor(String key, int level, String name, JsonArray units) {
    return new JsonObject().put("key", key).put("level", level).put("name", name).put("elevationM", level * 4.0)
      .put("heightM", 4.0).put("footprint", square()).put("units", units);
  }

  private static JsonObject unit(String key, String name, double areaM2, String use) {
    return new JsonObject().put("key", key).put("name", name).put("areaM2", areaM2).put("use", use)
      .put("footprint", square());
  }

  private static JsonArray square() {
    return new JsonArray().add(new JsonArray().add(0).add(0)).add(new JsonArray().add(10).add(0))
      .add(new JsonArray().add(10).add(10)).add(new JsonArray().add(0).add(10));
  }

  private static JsonObject meter(String serial, String kind, String location, String parent, JsonArray registers,
                                  JsonObject binding) {
    JsonObject meter = new JsonObject().put("serial", serial).put("kind", kind).put("model", "test")
      .put("registers", registers).put("binding", binding).put("criticalLoad", false).put("multiplier", 1);
    if (location != null) {
      meter.put("locationKey", location);
    }
    if (parent != null) {
      meter.put("parentSerial", parent);
    }
    return meter;
  }

  private static JsonArray electricity(boolean rollsOver) {
    JsonObject energy = reg("energy_active_import", "kWh");
    if (rollsOver) {
      energy.put("maxValue", 99999999.9);
    }
    return new JsonArray().add(energy).add(reg("power_active", "kW")).add(reg("voltage_l1", "V"))
      .add(reg("current_l1", "A"));
  }

  private static JsonObject reg(String name, String unit) {
    return new JsonObject().put("name", name).put("unit", unit);
  }

  private static JsonObject modbus(int port, int unitId, String map) {
    return new JsonObject().put("protocol", "modbus").put("host", "127.0.0.1").put("port", port).put("unitId", unitId)
      .put("registerMap", map);
  }

  private JsonObject opcua(String serial) {
    return new JsonObject().put("protocol", "opcua").put("endpointUrl", endpointUrl()).put("nodeId", "ns=2;s=" + serial);
  }

  private static JsonObject mqtt(String gateway) {
    return new JsonObject().put("protocol", "mqtt").put("gateway", gateway);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
