package io.gridledger.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo site "Harbourside Business Park" as one document in the {@code SiteImport} shape of the API contract, so
 * the demo goes through the same all-or-nothing import as a customer's own site.
 *
 * <p>Everything is derived from fixed tables and counters: two calls return equal documents, so docs, tests and the
 * device simulator can rely on keys ({@code tower-L05-U2}), serials ({@code EL-T05-U2}) and Modbus unit ids.
 */
public final class DemoSiteDocument {

  private static final String TOWER_KEY = "tower", INDUSTRIAL_KEY = "industrial";
  private static final String OFFICE = "office", RETAIL = "retail", INDUSTRY = "industrial", CLINICAL = "clinical",
    COMMON = "common";

  // Tower: a retail podium covering the plot, the office tower set back on it, a plant room underneath.
  private static final Rect PODIUM = new Rect(0, 0, 60, 40);
  private static final Rect TOWER_FOOTPRINT = new Rect(12, 8, 48, 32);
  private static final Rect PLANT_ROOM = new Rect(0, 0, 30, 40);
  private static final Rect MALL = new Rect(0, 14, 60, 26);
  private static final double BASEMENT_HEIGHT_M = 4.0, PODIUM_HEIGHT_M = 5.0, OFFICE_HEIGHT_M = 3.6;
  private static final int FIRST_OFFICE_LEVEL = 2, TOP_OFFICE_LEVEL = 13;
  // Lifts, stairs, risers and toilets form a strip through the middle of each office floor; suites lie either side.
  private static final double CORE_WEST_X = 26, CORE_EAST_X = 34;
  private static final double OFFICE_M2_PER_PERSON = 12;

  // Industrial: two halls side by side, a mezzanine in the south-west corner of hall A.
  private static final Rect HALLS = new Rect(80, 0, 160, 50);
  private static final Rect MEZZANINE = new Rect(80, 0, 104, 12);
  private static final double HALL_HEIGHT_M = 9.0, MEZZANINE_HEIGHT_M = 3.5;
  private static final String HALL_A_TENANT = "Nordhafen Logistik GmbH";

  // Shops line both sides of the mall strip; kitchens are told apart because they get a gas meter.
  private static final List<Space> PODIUM_GROUND = List.of(
    shop("Shop 0.1", 0, 0, 12, 14, "Apotheke am Hafen OHG"),
    shop("Shop 0.2", 12, 0, 24, 14, "Hafenkaffee Roesterei GmbH"),
    shop("Shop 0.3", 24, 0, 36, 14, "Optik Lindqvist GmbH"),
    shop("Shop 0.4", 36, 0, 48, 14, "Buchhandlung Seeblick KG"),
    shop("Shop 0.5", 48, 0, 60, 14, "Elbmode Fashion GmbH"),
    shop("Supermarket", 0, 26, 30, 40, "Frischkontor Supermarkt GmbH"),
    shop("Shop 0.7", 30, 26, 40, 40, "Mobilfunk Hansepoint GmbH"),
    shop("Shop 0.8", 40, 26, 50, 40, "Backhaus Moeller GmbH & Co. KG"),
    shop("Shop 0.9", 50, 26, 60, 40, "Blumen Kranich e.K."),
    common("Mall L0", MALL));
  private static final List<Space> PODIUM_FIRST = List.of(
    kitchen("Food Court", 0, 0, 24, 14, "Kombuese Food Court GmbH"),
    shop("Shop 1.2", 24, 0, 36, 14, "Sportwelt Nord GmbH"),
    shop("Shop 1.3", 36, 0, 48, 14, "Spielwaren Leuchtturm GmbH"),
    shop("Shop 1.4", 48, 0, 60, 14, "Elbmode Fashion GmbH"), // the fashion store spans both podium levels
    kitchen("Restaurant 1.5", 0, 26, 15, 40, "Trattoria Molo GmbH"),
    kitchen("Restaurant 1.6", 15, 26, 30, 40, "Sushi Kaimauer GmbH"),
    shop("Shop 1.7", 30, 26, 45, 40, "Technikhaus Elbe GmbH"),
    shop("Shop 1.8", 45, 26, 60, 40, "Drogerie Brise GmbH"),
    common("Mall L1", MALL));

  // Exactly enough for the office suites; officeSpaces() fails loudly if the layout ever needs more.
  private static final List<String> OFFICE_FIRMS = List.of(
    "Nordlicht Consulting GmbH", "Brueckner & Partner Rechtsanwaelte PartG mbB", "Hansewerk Software GmbH",
    "Kaimauer Capital AG", "Elbblick Architekten GmbH", "Seewind Energy Solutions GmbH",
    "Lotsenhaus Versicherungsmakler GmbH", "Fischer Steuerberatung GmbH", "Containerdock Analytics GmbH",
    "Blauwal Media GmbH", "Ankerpunkt Personalberatung GmbH", "Wattenmeer Biotech AG", "Quaystone Ventures GmbH",
    "Moewe Digital GmbH", "Speicherstadt Immobilien GmbH", "Tidewater Logistics Europe GmbH",
    "Grauwert Ingenieure GmbH", "Kompass Reisen GmbH", "Leuchtfeuer Marketing GmbH", "Sturmvogel Games GmbH",
    "Nordstern Wirtschaftspruefung AG", "Pegelstand Data GmbH", "Elbsegler Finanz GmbH",
    "Meridian Cloud Services GmbH", "Hafenrat Public Affairs GmbH", "Koggen Schiffsmakler GmbH & Co. KG",
    "Lindholm Design Studio GmbH", "Ostkai Robotics GmbH", "Flutlicht Events GmbH",
    "Reederei Albers Verwaltung GmbH", "Dalben IT-Security GmbH", "Wellenreiter Health Tech GmbH");

  private static final String[] FIRST_NAMES = {"Anna", "Jonas", "Lea", "Felix", "Marie", "Lukas", "Sophie", "Paul",
    "Hannah", "Finn", "Mia", "Leon", "Clara", "Moritz", "Emma", "Tim"};
  // 13 surnames against 16 first names: coprime lengths keep contact names unique for the first 208 tenants.
  private static final String[] LAST_NAMES = {"Schulz", "Hansen", "Petersen", "Wagner", "Becker", "Jensen", "Koch",
    "Richter", "Lange", "Brandt", "Voss", "Claussen", "Meyer"};
  private static final Set<String> LEGAL_FORMS = Set.of("GmbH", "AG", "KG", "OHG", "e.K.", "PartG", "mbB", "MVZ",
    "&", "Co.");
  private static final LocalDate FIRST_LEASE_MONTH = LocalDate.of(2024, 1, 1);

  // Metering: current transformers on the incomers; register maps and ports as served by the device simulator.
  private static final int SITE_CT_RATIO = 80, BUILDING_CT_RATIO = 40;
  private static final Modbus SDM630 = new Modbus("Eastron SDM630", "eastron-sdm630", 5020);
  private static final Modbus EM24 = new Modbus("Carlo Gavazzi EM24", "carlo-gavazzi-em24", 5021);
  private static final String MODBUS_HOST = "127.0.0.1", OPCUA_ENDPOINT = "opc.tcp://127.0.0.1:4840/gridledger";
  private static final int MAX_MODBUS_UNIT_ID = 247, POLL_INTERVAL_SECONDS = 15;
  private static final String MAIN_MODEL = "Janitza UMG 604-PRO", THERMAL_MODEL = "Kamstrup MULTICAL 603",
    WATER_MODEL = "Kamstrup flowIQ 2200", GAS_MODEL = "Elster BK-G4", SENSOR_MODEL = "Milesight AM319";
  // The SDM630 energy counter wraps after 8 digits and one decimal, the water meters after 5 and three.
  private static final double SDM630_ENERGY_MAX_KWH = 99999999.9, WATER_MAX_M3 = 99999.999;

  private final List<Floor> floors = new ArrayList<>();
  private final Map<Integer, Integer> lastUnitIdByPort = new HashMap<>();
  private final Iterator<String> officeFirms = OFFICE_FIRMS.iterator();

  private DemoSiteDocument() {
  }

  public static JsonObject build() {
    DemoSiteDocument demo = new DemoSiteDocument();
    JsonArray buildings = new JsonArray().add(demo.tower()).add(demo.industrial());
    return new JsonObject().put("site", site()).put("buildings", buildings).put("tenants", demo.tenants())
      .put("meters", demo.meters());
  }

  private static JsonObject site() {
    JsonObject address = new JsonObject().put("line1", "Am Hansahafen 12").put("postalCode", "20457")
      .put("city", "Hamburg").put("region", "Hamburg").put("country", "DE");
    return new JsonObject().put("name", "Harbourside Business Park").put("timeZone", "Europe/Berlin")
      .put("currency", "EUR").put("address", address);
  }

  // ---- buildings, floors, units ----

  private JsonObject tower() {
    Stack stack = new Stack(TOWER_KEY, "T", -BASEMENT_HEIGHT_M);
    stack.add(-1, "Basement", BASEMENT_HEIGHT_M, PODIUM, List.of(common("Plant Room", PLANT_ROOM)));
    stack.add(0, "Podium ground floor", PODIUM_HEIGHT_M, PODIUM, PODIUM_GROUND);
    stack.add(1, "Podium first floor", PODIUM_HEIGHT_M, PODIUM, PODIUM_FIRST);
    for (int level = FIRST_OFFICE_LEVEL; level <= TOP_OFFICE_LEVEL; level++) {
      stack.add(level, "Office level " + level, OFFICE_HEIGHT_M, TOWER_FOOTPRINT, officeSpaces(level));
    }
    return stack.building("Harbour Tower", PODIUM);
  }

  private JsonObject industrial() {
    Stack stack = new Stack(INDUSTRIAL_KEY, "I", 0.0);
    stack.add(0, "Hall level", HALL_HEIGHT_M, HALLS, List.of(
      new Space("Hall A", new Rect(80, 0, 120, 50), INDUSTRY, HALL_A_TENANT, true),
      new Space("Hall B", new Rect(120, 0, 160, 50), INDUSTRY, "Kaltenbach Praezisionstechnik GmbH", true)));
    stack.add(1, "Mezzanine", MEZZANINE_HEIGHT_M, MEZZANINE, List.of(
      // hall A's tenant runs its dispatch office upstairs, so it occupies two units
      new Space("Mezzanine Office", new Rect(80, 0, 92, 12), OFFICE, HALL_A_TENANT, false),
      new Space("Occupational Health Clinic", new Rect(92, 0, 104, 12), CLINICAL, "Arbeitsmedizin Nordgate MVZ GmbH",
        false)));
    return stack.building("Northgate Industrial", HALLS);
  }

  /** Floors cycle through 4, 2 and 3 suites so the demo has both single- and multi-tenant office floors. */
  private List<Space> officeSpaces(int level) {
    int suiteCount = 2 + level % 3;
    Rect west = new Rect(TOWER_FOOTPRINT.x0(), TOWER_FOOTPRINT.y0(), CORE_WEST_X, TOWER_FOOTPRINT.y1());
    Rect east = new Rect(CORE_EAST_X, TOWER_FOOTPRINT.y0(), TOWER_FOOTPRINT.x1(), TOWER_FOOTPRINT.y1());
    List<Rect> suites = new ArrayList<>(suiteCount == 4 ? west.halves() : List.of(west));
    suites.addAll(suiteCount >= 3 ? east.halves() : List.of(east));
    // On four-suite floors one firm has taken both west suites, giving the demo some two-unit tenants.
    String westFirm = suiteCount == 4 ? officeFirms.next() : null;
    List<Space> spaces = new ArrayList<>();
    for (Rect suite : suites) {
      String firm = westFirm != null && suite.x0() < CORE_WEST_X ? westFirm : officeFirms.next();
      spaces.add(new Space("Office " + level + "." + (spaces.size() + 1), suite, OFFICE, firm, false));
    }
    Rect core = new Rect(CORE_WEST_X, TOWER_FOOTPRINT.y0(), CORE_EAST_X, TOWER_FOOTPRINT.y1());
    spaces.add(common("Core L" + level, core));
    return spaces;
  }

  /** Stacks the floors of one building bottom-up, each starting where the one below ends. */
  private final class Stack {
    private final String buildingKey, serialPrefix;
    private final JsonArray floorsJson = new JsonArray();
    private double elevationM;

    Stack(String buildingKey, String serialPrefix, double lowestElevationM) {
      this.buildingKey = buildingKey;
      this.serialPrefix = serialPrefix;
      this.elevationM = lowestElevationM;
    }

    void add(int level, String name, double heightM, Rect footprint, List<Space> spaces) {
      String levelCode = level < 0 ? "B" + -level : String.format("%02d", level);
      String key = buildingKey + "-" + (level < 0 ? levelCode : "L" + levelCode);
      Floor floor = new Floor(buildingKey, key, serialPrefix + levelCode, level, new ArrayList<>());
      JsonArray units = new JsonArray();
      for (Space space : spaces) {
        String suffix = "-U" + (floor.units().size() + 1);
        floor.units().add(new Unit(key + suffix, floor.serialCode() + suffix, space));
        units.add(unitJson(key + suffix, space));
      }
      floors.add(floor);
      floorsJson.add(new JsonObject().put("key", key).put("level", level).put("name", name)
        .put("elevationM", elevationM).put("heightM", heightM).put("footprint", footprint.polygon())
        .put("units", units));
      elevationM = round2(elevationM + heightM); // keeps repeated 3.6 m steps from drifting in the last digit
    }

    JsonObject building(String name, Rect footprint) {
      return new JsonObject().put("key", buildingKey).put("name", name).put("footprint", footprint.polygon())
        .put("floors", floorsJson);
    }
  }

  private static JsonObject unitJson(String key, Space space) {
    JsonObject unit = new JsonObject().put("key", key).put("name", space.name())
      .put("areaM2", round2(space.rect().areaM2())).put("use", space.use());
    if (OFFICE.equals(space.use())) {
      unit.put("headcount", (int) (space.rect().areaM2() / OFFICE_M2_PER_PERSON));
    }
    return unit.put("footprint", space.rect().polygon());
  }

  // ---- tenants ----

  private JsonArray tenants() {
    Map<String, List<Unit>> unitsByOccupant = new LinkedHashMap<>();
    floors.forEach(floor -> floor.units().stream().filter(unit -> unit.space().occupant() != null)
      .forEach(unit -> unitsByOccupant.computeIfAbsent(unit.space().occupant(), k -> new ArrayList<>()).add(unit)));
    // t1 (prepaid, office) and t2 (postpaid, retail) are fixed points for the docs and smoke tests.
    List<String> order = new ArrayList<>(unitsByOccupant.keySet());
    for (String use : List.of(RETAIL, OFFICE)) {
      String first = order.stream().filter(name -> use.equals(unitsByOccupant.get(name).get(0).space().use()))
        .findFirst().orElseThrow();
      order.remove(first);
      order.add(0, first);
    }
    JsonArray tenants = new JsonArray();
    order.forEach(name -> tenants.add(tenant(tenants.size() + 1, name, unitsByOccupant.get(name))));
    return tenants;
  }

  private static JsonObject tenant(int n, String legalName, List<Unit> units) {
    String first = FIRST_NAMES[n % FIRST_NAMES.length], last = LAST_NAMES[n % LAST_NAMES.length];
    JsonObject contact = new JsonObject().put("name", first + " " + last)
      .put("email", (first + "." + last).toLowerCase() + "@" + emailDomain(legalName))
      .put("phone", String.format("+49 40 5550 %03d", n));
    // Leases start on the first of a month, spread over 2024 and 2025.
    String fromDate = FIRST_LEASE_MONTH.plusMonths((n * 7L) % 24).toString();
    JsonArray occupancies = new JsonArray();
    units.forEach(unit -> occupancies.add(new JsonObject().put("unitKey", unit.key()).put("fromDate", fromDate)));
    return new JsonObject().put("key", "t" + n).put("legalName", legalName).put("contact", contact)
      .put("billingMode", n % 3 == 1 ? "prepaid" : "postpaid").put("occupancies", occupancies);
  }

  private static String emailDomain(String legalName) {
    List<String> words = new ArrayList<>();
    for (String word : legalName.split(" ")) {
      if (!LEGAL_FORMS.contains(word)) {
        words.add(word.toLowerCase().replaceAll("[^a-z0-9-]", ""));
      }
    }
    return String.join("-", words) + ".de";
  }

  // ---- meters ----

  /** Parents always precede their children, so an importer can resolve parentSerial in one pass. */
  private JsonArray meters() {
    JsonArray meters = new JsonArray().add(electricityMain("EL-MAIN-01", null, null, SITE_CT_RATIO));
    for (String building : List.of(TOWER_KEY, INDUSTRIAL_KEY)) {
      meters.add(electricityMain(mainSerial("EL", building), building, "EL-MAIN-01", BUILDING_CT_RATIO))
        .add(meter(mainSerial("WA", building), "water", WATER_MODEL, building, null, waterRegisters(), mqtt(building)))
        .add(meter(mainSerial("GA", building), "gas", GAS_MODEL, building, null, gasRegisters(), mqtt(building)));
    }
    for (Floor floor : floors) {
      String board = "EL-" + floor.serialCode(); // the floor's distribution board
      meters.add(meter(board, "electricity", EM24.model(), floor.key(), mainSerial("EL", floor.buildingKey()),
        electricityRegisters(false), modbus(EM24)));
      floor.units().forEach(unit -> addUnitMeters(meters, floor, unit, board));
      if (TOWER_KEY.equals(floor.buildingKey()) && floor.level() < 0) {
        // Central heating and chiller plant; the office floors' heat and cooling meters are sub-meters of these.
        String plantRoom = floor.units().get(0).key();
        meters.add(thermal("HT-PLANT-01", "heat", plantRoom, null))
          .add(thermal("CL-PLANT-01", "cooling", plantRoom, null));
      }
      if (TOWER_KEY.equals(floor.buildingKey()) && floor.level() >= FIRST_OFFICE_LEVEL) {
        meters.add(thermal("HT-" + floor.serialCode(), "heat", floor.key(), "HT-PLANT-01"))
          .add(thermal("CL-" + floor.serialCode(), "cooling", floor.key(), "CL-PLANT-01"))
          .add(environment("ENV-" + floor.serialCode(), floor.key(), TOWER_KEY));
      }
    }
    return meters;
  }

  /** Every unit is sub-metered for electricity; water, gas and air quality only where the use calls for them. */
  private void addUnitMeters(JsonArray meters, Floor floor, Unit unit, String board) {
    String building = floor.buildingKey(), use = unit.space().use(), serial = unit.serialCode();
    boolean critical = CLINICAL.equals(use); // the clinic must never be cut off, e.g. by a prepaid balance
    // The tower's tenant boards carry Eastron meters, the industrial building's Carlo Gavazzi.
    Modbus device = TOWER_KEY.equals(building) ? SDM630 : EM24;
    meters.add(meter("EL-" + serial, "electricity", device.model(), unit.key(), board,
      electricityRegisters(device == SDM630), modbus(device)).put("criticalLoad", critical));
    if (Set.of(RETAIL, INDUSTRY, CLINICAL).contains(use)) {
      meters.add(meter("WA-" + serial, "water", WATER_MODEL, unit.key(), mainSerial("WA", building), waterRegisters(),
        mqtt(building)).put("criticalLoad", critical));
    }
    if (unit.space().gas()) {
      meters.add(meter("GA-" + serial, "gas", GAS_MODEL, unit.key(), mainSerial("GA", building), gasRegisters(),
        mqtt(building)));
    }
    if (INDUSTRY.equals(use)) {
      meters.add(environment("ENV-" + serial, unit.key(), building));
    }
  }

  private static String mainSerial(String prefix, String buildingKey) {
    return prefix + "-" + buildingKey.toUpperCase() + "-MAIN";
  }

  private static JsonObject electricityMain(String serial, String locationKey, String parentSerial, int ctRatio) {
    return meter(serial, "electricity", MAIN_MODEL, locationKey, parentSerial, electricityRegisters(false),
      opcua(serial)).put("multiplier", ctRatio);
  }

  private static JsonObject thermal(String serial, String kind, String locationKey, String parentSerial) {
    String energy = "heat".equals(kind) ? "energy_heat" : "energy_cooling";
    JsonArray registers = new JsonArray().add(register(energy, "MWh")).add(register("power_thermal", "kW"))
      .add(register("flow_rate", "m3/h")).add(register("temperature_supply", "degC"))
      .add(register("temperature_return", "degC")).add(register("volume", "m3"));
    return meter(serial, kind, THERMAL_MODEL, locationKey, parentSerial, registers, opcua(serial));
  }

  private static JsonObject environment(String serial, String locationKey, String building) {
    JsonArray registers = new JsonArray().add(register("temperature", "degC")).add(register("humidity", "%"))
      .add(register("co2", "ppm")).add(register("pm25", "ug/m3"));
    return meter(serial, "environment", SENSOR_MODEL, locationKey, null, registers, mqtt(building));
  }

  private static JsonObject meter(String serial, String kind, String model, String locationKey, String parentSerial,
                                  JsonArray registers, JsonObject binding) {
    JsonObject meter = new JsonObject().put("serial", serial).put("kind", kind).put("model", model);
    if (locationKey != null) {
      meter.put("locationKey", locationKey);
    }
    if (parentSerial != null) {
      meter.put("parentSerial", parentSerial);
    }
    return meter.put("multiplier", 1).put("registers", registers).put("binding", binding).put("criticalLoad", false);
  }

  /** Unit ids are handed out in document order, one sequence per simulator port. */
  private JsonObject modbus(Modbus device) {
    int unitId = lastUnitIdByPort.merge(device.port(), 1, Integer::sum);
    if (unitId > MAX_MODBUS_UNIT_ID) {
      throw new IllegalStateException("More than " + MAX_MODBUS_UNIT_ID + " Modbus devices on port " + device.port());
    }
    return new JsonObject().put("protocol", "modbus").put("host", MODBUS_HOST).put("port", device.port())
      .put("unitId", unitId).put("registerMap", device.registerMap()).put("pollIntervalSeconds", POLL_INTERVAL_SECONDS);
  }

  private static JsonObject opcua(String serial) {
    return new JsonObject().put("protocol", "opcua").put("endpointUrl", OPCUA_ENDPOINT)
      .put("nodeId", "ns=2;s=" + serial);
  }

  private static JsonObject mqtt(String buildingKey) {
    String gateway = TOWER_KEY.equals(buildingKey) ? "gw-tower" : "gw-industrial";
    return new JsonObject().put("protocol", "mqtt").put("gateway", gateway);
  }

  private static JsonArray electricityRegisters(boolean rollsOver) {
    JsonObject energy = register("energy_active_import", "kWh");
    if (rollsOver) {
      energy.put("maxValue", SDM630_ENERGY_MAX_KWH);
    }
    return new JsonArray().add(energy).add(register("power_active", "kW")).add(register("voltage_l1", "V"))
      .add(register("current_l1", "A"));
  }

  private static JsonArray waterRegisters() {
    return new JsonArray().add(register("volume", "m3").put("maxValue", WATER_MAX_M3))
      .add(register("flow_rate", "m3/h"));
  }

  private static JsonArray gasRegisters() {
    return new JsonArray().add(register("volume", "m3"));
  }

  private static JsonObject register(String name, String unit) {
    return new JsonObject().put("name", name).put("unit", unit);
  }

  // ---- small value types ----

  private static double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static Space shop(String name, double x0, double y0, double x1, double y1, String occupant) {
    return new Space(name, new Rect(x0, y0, x1, y1), RETAIL, occupant, false);
  }

  private static Space kitchen(String name, double x0, double y0, double x1, double y1, String occupant) {
    return new Space(name, new Rect(x0, y0, x1, y1), RETAIL, occupant, true);
  }

  private static Space common(String name, Rect rect) {
    return new Space(name, rect, COMMON, null, false);
  }

  /** An axis-aligned rectangle in plan metres (x east, y north). */
  private record Rect(double x0, double y0, double x1, double y1) {
    double areaM2() {
      return (x1 - x0) * (y1 - y0);
    }

    /** The south and north halves. */
    List<Rect> halves() {
      double midY = (y0 + y1) / 2;
      return List.of(new Rect(x0, y0, x1, midY), new Rect(x0, midY, x1, y1));
    }

    /** Counter-clockwise from the south-west corner, not closed, as the contract's Polygon wants. */
    JsonArray polygon() {
      return new JsonArray().add(new JsonArray().add(x0).add(y0)).add(new JsonArray().add(x1).add(y0))
        .add(new JsonArray().add(x1).add(y1)).add(new JsonArray().add(x0).add(y1));
    }
  }

  /** A unit to lay out; occupant is the tenant's legal name, null for common areas. */
  private record Space(String name, Rect rect, String use, String occupant, boolean gas) { }

  private record Unit(String key, String serialCode, Space space) { }

  private record Floor(String buildingKey, String key, String serialCode, int level, List<Unit> units) { }

  private record Modbus(String model, String registerMap, int port) { }
}
