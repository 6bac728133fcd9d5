package io.gridledger.simulator.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a site document (the contract's SiteImport) the simulator needs: the time zone, the location tree and
 * the meters. Meters keep their document order, which is also the order readings are published in.
 */
public final class SiteDefinition {

  private final String siteName;
  private final ZoneId zone;
  private final List<MeterSpec> meters;
  private final Map<String, MeterSpec> metersBySerial = new LinkedHashMap<>();

  private SiteDefinition(String siteName, ZoneId zone, List<MeterSpec> meters) {
    this.siteName = siteName;
    this.zone = zone;
    this.meters = List.copyOf(meters);
    meters.forEach(m -> {
      if (metersBySerial.put(m.serial(), m) != null) {
        throw new IllegalArgumentException("Duplicate meter serial " + m.serial());
      }
    });
  }

  public static SiteDefinition fromJson(JsonObject document) {
    JsonObject site = document.getJsonObject("site", new JsonObject());
    ZoneId zone = ZoneId.of(site.getString("timeZone", "UTC"));
    Map<String, Location> locations = locations(document.getJsonArray("buildings", new JsonArray()));
    List<MeterSpec> meters = new ArrayList<>();
    for (Object item : document.getJsonArray("meters", new JsonArray())) {
      meters.add(meter((JsonObject) item, locations));
    }
    return new SiteDefinition(site.getString("name", "Site"), zone, meters);
  }

  public String siteName() {
    return siteName;
  }

  public ZoneId zone() {
    return zone;
  }

  public List<MeterSpec> meters() {
    return meters;
  }

  public MeterSpec meter(String serial) {
    return metersBySerial.get(serial);
  }

  private static MeterSpec meter(JsonObject json, Map<String, Location> locations) {
    String serial = json.getString("serial");
    List<RegisterSpec> registers = new ArrayList<>();
    for (Object item : json.getJsonArray("registers", new JsonArray())) {
      JsonObject r = (JsonObject) item;
      Number max = r.getNumber("maxValue");
      registers.add(new RegisterSpec(r.getString("name"), r.getString("unit"), max == null ? null : max.doubleValue()));
    }
    String locationKey = json.getString("locationKey");
    Location location = locationKey == null ? Location.SITE : locations.get(locationKey);
    if (location == null) {
      throw new IllegalArgumentException("Meter " + serial + " names unknown location " + locationKey);
    }
    return new MeterSpec(serial, MeterKind.parse(json.getString("kind")), json.getString("model"), registers,
      Binding.fromJson(json.getJsonObject("binding", new JsonObject())), json.getBoolean("criticalLoad", false),
      json.getString("parentSerial"), json.getNumber("multiplier", 1).doubleValue(), location);
  }

  /** Every building, floor and unit key mapped to its location, with areas and headcounts summed upwards. */
  private static Map<String, Location> locations(JsonArray buildings) {
    Map<String, Location> byKey = new HashMap<>();
    for (Object b : buildings) {
      JsonObject building = (JsonObject) b;
      String buildingKey = building.getString("key"), buildingName = building.getString("name");
      double buildingArea = 0;
      int buildingHeads = 0;
      for (Object f : building.getJsonArray("floors", new JsonArray())) {
        JsonObject floor = (JsonObject) f;
        String floorKey = floor.getString("key"), floorName = floor.getString("name");
        double floorArea = 0;
        int floorHeads = 0;
        for (Object u : floor.getJsonArray("units", new JsonArray())) {
          JsonObject unit = (JsonObject) u;
          String use = unit.getString("use", "common");
          double area = unit.getNumber("areaM2", 100).doubleValue();
          int heads = unit.getInteger("headcount", estimatedHeadcount(use, area));
          byKey.put(unit.getString("key"), new Location(buildingKey, buildingName, floorKey, floorName,
            unit.getString("key"), unit.getString("name"), use, area, heads));
          floorArea += area;
          floorHeads += heads;
        }
        byKey.put(floorKey, new Location(buildingKey, buildingName, floorKey, floorName, null, null,
          dominantUse(floor), floorArea, floorHeads));
        buildingArea += floorArea;
        buildingHeads += floorHeads;
      }
      byKey.put(buildingKey, new Location(buildingKey, buildingName, null, null, null, null, "common", buildingArea,
        buildingHeads));
    }
    return byKey;
  }

  /** A floor's sensors and boards follow the use that covers most of its area (an office floor, a shop floor). */
  private static String dominantUse(JsonObject floor) {
    Map<String, Double> areaByUse = new HashMap<>();
    for (Object u : floor.getJsonArray("units", new JsonArray())) {
      JsonObject unit = (JsonObject) u;
      areaByUse.merge(unit.getString("use", "common"), unit.getNumber("areaM2", 0).doubleValue(), Double::sum);
    }
    return areaByUse.entrySet().stream().filter(e -> !e.getKey().equals("common"))
      .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("common");
  }

  /** Offices carry a headcount in the document; for other uses a typical density of people present at peak. */
  private static int estimatedHeadcount(String use, double areaM2) {
    double m2PerPerson = switch (use) {
      case "office" -> 12;
      case "retail" -> 8; // staff plus customers
      case "industrial" -> 60;
      case "clinical" -> 15;
      default -> 50;
    };
    return (int) (areaM2 / m2PerPerson);
  }
}
