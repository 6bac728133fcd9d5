package io.gridledger.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.impl.Utils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class DemoSiteDocumentTest {

  private static final double TOLERANCE = 0.01;
  private static final JsonObject DOC = DemoSiteDocument.build();

  private static Vertx vertx;
  private static OpenAPIContract contract;

  @BeforeAll
  static void loadContract() {
    vertx = Vertx.vertx();
    // The build copies api-spec/openapi.yaml onto the classpath; fall back to the source file if it has not.
    JsonObject spec = Utils.readYamlOrJson(vertx, "api/openapi.yaml")
      .recover(e -> Utils.readYamlOrJson(vertx, "../api-spec/openapi.yaml"))
      .await();
    contract = OpenAPIContract.from(vertx, loadableByVertxOpenApi(spec)).await();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close().await();
  }

  @Test
  void validatesAgainstTheImportSiteOperation() {
    try {
      validateImport(DOC).await();
    } catch (SchemaValidationException e) {
      fail(e.getMessage() + ": " + e.getOutputUnit().toJson().encodePrettily());
    }
  }

  @Test
  void theValidatorWouldCatchAFieldTheContractDoesNotList() {
    // Deep inside a $ref'd schema, so a pass above means the whole document was really checked.
    JsonObject tampered = DOC.copy();
    tampered.getJsonArray("meters").getJsonObject(0).getJsonArray("registers").getJsonObject(0).put("scale", 10);
    assertThrows(SchemaValidationException.class, () -> validateImport(tampered).await());
  }

  @Test
  void isDeterministic() {
    assertEquals(DOC, DemoSiteDocument.build());
  }

  @Test
  void hasTheRequiredSiteAndBuildings() {
    JsonObject site = DOC.getJsonObject("site");
    assertEquals("Harbourside Business Park", site.getString("name"));
    assertEquals("Europe/Berlin", site.getString("timeZone"));
    assertEquals("EUR", site.getString("currency"));
    assertEquals("DE", site.getJsonObject("address").getString("country"));
    assertEquals(List.of("tower", "industrial"), buildings().stream().map(b -> b.getString("key")).toList());
    assertEquals(15, floorsOf(buildings().get(0)).size());
    assertEquals(2, floorsOf(buildings().get(1)).size());
  }

  @Test
  void hasEnoughTenantsAndMetersOfEveryKindAndProtocol() {
    assertTrue(tenants().size() >= 40, "tenants: " + tenants().size());
    assertTrue(meters().size() >= 150, "meters: " + meters().size());
    assertEquals(Set.of("electricity", "water", "gas", "heat", "cooling", "environment"),
      meters().stream().map(m -> m.getString("kind")).collect(Collectors.toSet()));
    assertEquals(Set.of("modbus", "opcua", "mqtt"),
      meters().stream().map(m -> m.getJsonObject("binding").getString("protocol")).collect(Collectors.toSet()));
  }

  @Test
  void keysAndSerialsAreUnique() {
    List<String> keys = new ArrayList<>();
    buildings().forEach(b -> keys.add(b.getString("key")));
    floors().forEach(f -> keys.add(f.getString("key")));
    units().forEach(u -> keys.add(u.getString("key")));
    tenants().forEach(t -> keys.add(t.getString("key")));
    assertUnique(keys, "key");
    assertUnique(meters().stream().map(m -> m.getString("serial")).toList(), "serial");
    assertUnique(tenants().stream().map(t -> t.getString("legalName")).toList(), "legal name");
    for (int i = 0; i < tenants().size(); i++) {
      assertEquals("t" + (i + 1), tenants().get(i).getString("key"));
    }
  }

  @Test
  void everyLettableUnitHasExactlyOneTenantAndCommonAreasNone() {
    Map<String, JsonObject> unitsByKey = byKey(units(), "key");
    Map<String, String> tenantByUnit = new HashMap<>();
    for (JsonObject tenant : tenants()) {
      JsonArray occupancies = tenant.getJsonArray("occupancies");
      assertTrue(occupancies.size() == 1 || occupancies.size() == 2, tenant.getString("key"));
      for (JsonObject occupancy : objects(occupancies)) {
        JsonObject unit = unitsByKey.get(occupancy.getString("unitKey"));
        assertNotNull(unit, "unknown unit " + occupancy.getString("unitKey"));
        assertFalse("common".equals(unit.getString("use")), "common unit let: " + unit.getString("key"));
        assertTrue(occupancy.getString("fromDate").matches("202[45]-\\d\\d-\\d\\d"), occupancy.encode());
        assertFalse(occupancy.containsKey("toDate"));
        String previous = tenantByUnit.put(unit.getString("key"), tenant.getString("key"));
        assertTrue(previous == null, unit.getString("key") + " occupied twice");
      }
    }
    Set<String> lettable = units().stream().filter(u -> !"common".equals(u.getString("use")))
      .map(u -> u.getString("key")).collect(Collectors.toSet());
    assertEquals(lettable, tenantByUnit.keySet());
  }

  @Test
  void fixedTenantsAndBillingMix() {
    Map<String, JsonObject> unitsByKey = byKey(units(), "key");
    JsonObject t1 = tenants().get(0), t2 = tenants().get(1);
    assertEquals("prepaid", t1.getString("billingMode"));
    assertEquals("office", useOfFirstUnit(t1, unitsByKey));
    assertEquals("postpaid", t2.getString("billingMode"));
    assertEquals("retail", useOfFirstUnit(t2, unitsByKey));
    long prepaid = tenants().stream().filter(t -> "prepaid".equals(t.getString("billingMode"))).count();
    assertTrue(prepaid * 4 >= tenants().size() && prepaid * 2 <= tenants().size(), "prepaid: " + prepaid);
  }

  @Test
  void locationsAndParentsResolve() {
    Set<String> locations = new HashSet<>();
    Stream.of(buildings(), floors(), units()).flatMap(List::stream).forEach(o -> locations.add(o.getString("key")));
    Map<String, JsonObject> metersBySerial = byKey(meters(), "serial");
    for (JsonObject meter : meters()) {
      String location = meter.getString("locationKey");
      assertTrue(location == null || locations.contains(location), meter.getString("serial") + " at " + location);
      String parentSerial = meter.getString("parentSerial");
      if (parentSerial != null) {
        JsonObject parent = metersBySerial.get(parentSerial);
        assertNotNull(parent, meter.getString("serial") + " parent " + parentSerial);
        assertEquals(parent.getString("kind"), meter.getString("kind"), meter.getString("serial"));
      }
    }
    List<JsonObject> siteLevel = meters().stream().filter(m -> !m.containsKey("locationKey")).toList();
    assertEquals(List.of("EL-MAIN-01"), siteLevel.stream().map(m -> m.getString("serial")).toList());
  }

  @Test
  void modbusUnitIdsAreUniqueAndInRangePerEndpoint() {
    Map<String, Set<Integer>> idsByEndpoint = new HashMap<>();
    for (JsonObject meter : meters()) {
      JsonObject binding = meter.getJsonObject("binding");
      if ("modbus".equals(binding.getString("protocol"))) {
        int unitId = binding.getInteger("unitId");
        assertTrue(unitId >= 1 && unitId <= 247, meter.getString("serial"));
        String endpoint = binding.getString("host") + ":" + binding.getInteger("port");
        assertTrue(idsByEndpoint.computeIfAbsent(endpoint, k -> new HashSet<>()).add(unitId),
          "unit id " + unitId + " twice on " + endpoint);
      }
    }
  }

  @Test
  void onlyTheClinicsMetersAreCriticalLoads() {
    Map<String, JsonObject> unitsByKey = byKey(units(), "key");
    for (JsonObject meter : meters()) {
      JsonObject unit = unitsByKey.get(meter.getString("locationKey"));
      boolean clinic = unit != null && "clinical".equals(unit.getString("use"));
      assertEquals(clinic, meter.getBoolean("criticalLoad", false), meter.getString("serial"));
    }
  }

  @Test
  void unitAreasMatchTheirPolygonsAndLieInsideTheirFloorWithoutOverlapping() {
    for (JsonObject floor : floors()) {
      double[] floorBox = boundingBox(floor.getJsonArray("footprint"));
      List<JsonObject> units = objects(floor.getJsonArray("units"));
      for (JsonObject unit : units) {
        JsonArray polygon = unit.getJsonArray("footprint");
        assertEquals(shoelaceArea(polygon), unit.getDouble("areaM2"), TOLERANCE, unit.getString("key"));
        for (JsonArray point : points(polygon)) {
          assertTrue(point.getDouble(0) >= floorBox[0] - TOLERANCE && point.getDouble(0) <= floorBox[2] + TOLERANCE
            && point.getDouble(1) >= floorBox[1] - TOLERANCE && point.getDouble(1) <= floorBox[3] + TOLERANCE,
            unit.getString("key") + " outside " + floor.getString("key"));
        }
      }
      // Every unit is a rectangle, so overlapping interiors show as overlapping bounding boxes.
      for (int i = 0; i < units.size(); i++) {
        for (int j = i + 1; j < units.size(); j++) {
          double[] a = boundingBox(units.get(i).getJsonArray("footprint"));
          double[] b = boundingBox(units.get(j).getJsonArray("footprint"));
          boolean overlap = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) > TOLERANCE
            && Math.min(a[3], b[3]) - Math.max(a[1], b[1]) > TOLERANCE;
          assertFalse(overlap, units.get(i).getString("key") + " overlaps " + units.get(j).getString("key"));
        }
      }
    }
  }

  @Test
  void floorsStackWithoutGaps() {
    for (JsonObject building : buildings()) {
      List<JsonObject> floors = new ArrayList<>(floorsOf(building));
      floors.sort(Comparator.comparingInt(f -> f.getInteger("level")));
      for (int i = 1; i < floors.size(); i++) {
        JsonObject below = floors.get(i - 1), above = floors.get(i);
        assertEquals(below.getInteger("level") + 1, above.getInteger("level"), above.getString("key"));
        assertEquals(below.getDouble("elevationM") + below.getDouble("heightM"), above.getDouble("elevationM"),
          TOLERANCE, above.getString("key"));
      }
    }
    JsonObject ground = floorsOf(buildings().get(0)).stream().filter(f -> f.getInteger("level") == 0).findFirst()
      .orElseThrow();
    assertEquals(0.0, ground.getDouble("elevationM"), TOLERANCE);
  }

  // ---- helpers ----

  /**
   * vertx-openapi 5.0.7 refuses two things the contract legitimately uses: a relative server url (it parses it with
   * java.net.URL) and response media types outside its fixed list (application/problem+json). Neither matters for
   * validating a request body, so anchor the url on a dummy origin and drop those response contents.
   */
  private static JsonObject loadableByVertxOpenApi(JsonObject spec) {
    for (JsonObject server : objects(spec.getJsonArray("servers", new JsonArray()))) {
      if (server.getString("url").startsWith("/")) {
        server.put("url", "http://localhost" + server.getString("url"));
      }
    }
    List<JsonObject> responses = new ArrayList<>();
    JsonObject shared = spec.getJsonObject("components", new JsonObject()).getJsonObject("responses", new JsonObject());
    shared.forEach(entry -> responses.add((JsonObject) entry.getValue()));
    spec.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(operation -> {
      if (operation.getValue() instanceof JsonObject op && op.containsKey("responses")) {
        op.getJsonObject("responses").forEach(response -> responses.add((JsonObject) response.getValue()));
      }
    }));
    for (JsonObject response : responses) {
      JsonObject content = response.getJsonObject("content");
      if (content != null) {
        content.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
      }
    }
    return spec;
  }

  private static Future<?> validateImport(JsonObject document) {
    // vertx-openapi has no public factory for a request built from parts; the impl classes are what it uses itself.
    ValidatableRequest request = new ValidatableRequestImpl(Map.of(), Map.of(), Map.of(), Map.of(),
      new RequestParameterImpl(document.toBuffer()), "application/json");
    return RequestValidator.create(vertx, contract).validate(request, "importSite");
  }

  private static double shoelaceArea(JsonArray polygon) {
    List<JsonArray> points = points(polygon);
    double twiceArea = 0;
    for (int i = 0; i < points.size(); i++) {
      JsonArray p = points.get(i), q = points.get((i + 1) % points.size());
      twiceArea += p.getDouble(0) * q.getDouble(1) - q.getDouble(0) * p.getDouble(1);
    }
    return Math.abs(twiceArea) / 2;
  }

  /** {minX, minY, maxX, maxY}. */
  private static double[] boundingBox(JsonArray polygon) {
    double[] box = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
    for (JsonArray point : points(polygon)) {
      box[0] = Math.min(box[0], point.getDouble(0));
      box[1] = Math.min(box[1], point.getDouble(1));
      box[2] = Math.max(box[2], point.getDouble(0));
      box[3] = Math.max(box[3], point.getDouble(1));
    }
    return box;
  }

  private static String useOfFirstUnit(JsonObject tenant, Map<String, JsonObject> unitsByKey) {
    String unitKey = tenant.getJsonArray("occupancies").getJsonObject(0).getString("unitKey");
    return unitsByKey.get(unitKey).getString("use");
  }

  private static void assertUnique(List<String> values, String what) {
    Set<String> seen = new HashSet<>();
    values.forEach(v -> assertTrue(seen.add(v), "duplicate " + what + ": " + v));
  }

  private static Map<String, JsonObject> byKey(List<JsonObject> objects, String field) {
    return objects.stream().collect(Collectors.toMap(o -> o.getString(field), Function.identity()));
  }

  private static List<JsonObject> buildings() {
    return objects(DOC.getJsonArray("buildings"));
  }

  private static List<JsonObject> floorsOf(JsonObject building) {
    return objects(building.getJsonArray("floors"));
  }

  private static List<JsonObject> floors() {
    return buildings().stream().flatMap(b -> floorsOf(b).stream()).toList();
  }

  private static List<JsonObject> units() {
    return floors().stream().flatMap(f -> objects(f.getJsonArray("units")).stream()).toList();
  }

  private static List<JsonObject> tenants() {
    return objects(DOC.getJsonArray("tenants"));
  }

  private static List<JsonObject> meters() {
    return objects(DOC.getJsonArray("meters"));
  }

  private static List<JsonObject> objects(JsonArray array) {
    return array.stream().map(JsonObject.class::cast).toList();
  }

  private static List<JsonArray> points(JsonArray polygon) {
    return polygon.stream().map(JsonArray.class::cast).toList();
  }
}
