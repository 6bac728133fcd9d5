package io.gridledger.site;

import io.gridledger.client.ApiClient;
import io.gridledger.client.ApiException;
import io.gridledger.client.JSON;
import io.gridledger.client.api.AuthApi;
import io.gridledger.client.api.MetersApi;
import io.gridledger.client.api.SitesApi;
import io.gridledger.client.api.TenantsApi;
import io.gridledger.client.model.*;
import io.gridledger.demo.DemoSiteDocument;
import io.gridledger.testsupport.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** The asset registry driven through the generated Java client, as an integrator would use it. */
@DisplayName("Site model through the generated client")
class SiteModelApiTest {

  private static TestBackend backend;
  private static SitesApi sites;
  private static TenantsApi tenants;
  private static MetersApi meters;
  private static Site demo;

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackend.start();
    TokenResponse token = new AuthApi(backend.client(null))
      .createToken(new TokenRequest().username(TestBackend.ADMIN).password(TestBackend.PASSWORD));
    ApiClient client = backend.client(token.getAccessToken());
    sites = new SitesApi(client);
    tenants = new TenantsApi(client);
    meters = new MetersApi(client);
    SiteImport document = JSON.getDefault().getMapper().readValue(DemoSiteDocument.build().encode(), SiteImport.class);
    SiteImportResult result = sites.importSite(document);
    demo = result.getSite();
    SiteImportResultCounts counts = result.getCounts();
    assertEquals(List.of(2, 17, 72, 51, 57, 161), List.of(counts.getBuildings(), counts.getFloors(), counts.getUnits(),
      counts.getTenants(), counts.getOccupancies(), counts.getMeters()));
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("cursor pagination walks every unit exactly once, in order, in both directions")
  void paginationVisitsEveryUnitOnce() throws ApiException {
    List<String> ascending = new ArrayList<>();
    Set<UUID> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      UnitPage page = sites.listUnits(demo.getId(), cursor, 10, null, null, null, null, "name");
      page.getItems().forEach(u -> {
        ascending.add(u.getName());
        assertTrue(seen.add(u.getId()), "unit " + u.getName() + " returned twice");
      });
      cursor = page.getNextCursor();
      pages++;
    } while (cursor != null);
    assertEquals(72, seen.size());
    assertEquals(8, pages);
    List<String> sorted = new ArrayList<>(ascending);
    sorted.sort(null);
    assertEquals(sorted, ascending);

    List<BigDecimal> areas = new ArrayList<>();
    cursor = null;
    do {
      UnitPage page = sites.listUnits(demo.getId(), cursor, 25, null, null, null, null, "-areaM2");
      page.getItems().forEach(u -> areas.add(u.getAreaM2()));
      cursor = page.getNextCursor();
    } while (cursor != null);
    assertEquals(72, areas.size());
    for (int i = 1; i < areas.size(); i++) {
      assertTrue(areas.get(i - 1).compareTo(areas.get(i)) >= 0, "areas not descending at " + i);
    }
  }

  @Test
  @DisplayName("lists filter by use, kind, protocol, billing mode and name")
  void listsFilter() throws ApiException {
    UnitPage clinical = sites.listUnits(demo.getId(), null, 100, null, null, null, UnitUse.CLINICAL, null);
    assertEquals(1, clinical.getItems().size());
    assertEquals("Occupational Health Clinic", clinical.getItems().get(0).getName());

    MeterPage heat = meters.listMeters(demo.getId(), null, 500, null, MeterKind.HEAT, null, null, null, null, null, null);
    assertEquals(13, heat.getItems().size());
    heat.getItems().forEach(m -> assertEquals(MeterKind.HEAT, m.getKind()));
    MeterPage mqtt = meters.listMeters(demo.getId(), null, 500, null, null, Protocol.MQTT, null, null, null, null, null);
    assertEquals(43, mqtt.getItems().size());
    Meter main = meters.listMeters(demo.getId(), null, 10, "EL-MAIN-01", null, null, null, null, null, null, null)
      .getItems().get(0);
    MeterPage children = meters.listMeters(demo.getId(), null, 500, null, null, null, null, null, null, main.getId(), null);
    assertEquals(2, children.getItems().size(), "the site main feeds the two building mains");

    TenantPage prepaid = tenants.listTenants(demo.getId(), null, 500, null, BillingMode.PREPAID, null);
    assertEquals(17, prepaid.getItems().size());
    TenantPage named = tenants.listTenants(demo.getId(), null, 10, "nordlicht", null, null);
    assertEquals("Nordlicht Consulting GmbH", named.getItems().get(0).getLegalName());
  }

  @Test
  @DisplayName("a unit, a tenant, its occupancy and a meter go through their whole life")
  void lifecycle() throws ApiException {
    // A site of its own, so the counts the other tests assert on the demo site stay exact.
    Site site = sites.createSite(new SiteCreate().name("Lifecycle Park").timeZone("America/Los_Angeles").currency("USD"));
    Building building = sites.createBuilding(site.getId(), new BuildingCreate().name("Kiosk row"));
    Floor floor = sites.createFloor(building.getId(), new FloorCreate().level(0).name("Street").elevationM(BigDecimal.ZERO)
      .heightM(new BigDecimal("3.2")).footprint(square(0, 0, 20)));
    Unit unit = sites.createUnit(site.getId(), new UnitCreate().floorId(floor.getId()).name("Pop-up 1")
      .areaM2(new BigDecimal("12.5")).use(UnitUse.RETAIL).footprint(square(1, 1, 3)));
    assertEquals(floor.getBuildingId(), unit.getBuildingId());
    Unit renamed = sites.updateUnit(unit.getId(), new UnitUpdate().name("Pop-up Kiosk"));
    assertEquals("Pop-up Kiosk", renamed.getName());
    assertEquals(0, new BigDecimal("12.5").compareTo(renamed.getAreaM2()), "a partial update keeps other fields");

    Tenant tenant = tenants.createTenant(site.getId(), new TenantCreate().legalName("Kiosk Kaffee UG")
      .billingMode(BillingMode.PREPAID).contact(new Contact().email("kaffee@example.com")));
    List<Occupancy> occupancy = tenants.createOccupancies(tenant.getId(), new OccupancyCreate()
      .unitIds(Set.of(unit.getId())).fromDate(LocalDate.of(2026, 3, 1)));
    assertNull(occupancy.get(0).getToDate());
    Occupancy movedOut = tenants.updateOccupancy(occupancy.get(0).getId(),
      new OccupancyUpdate().toDate(LocalDate.of(2026, 9, 30)));
    assertEquals(LocalDate.of(2026, 9, 30), movedOut.getToDate());
    List<Occupancy> successor = tenants.createOccupancies(tenant.getId(), new OccupancyCreate()
      .unitIds(Set.of(unit.getId())).fromDate(LocalDate.of(2026, 10, 1)));
    assertEquals(1, successor.size(), "a new occupancy may start the day after the last one ended");

    Meter meter = meters.createMeter(site.getId(), new MeterCreate().serial("KIOSK-EL-1").kind(MeterKind.ELECTRICITY)
      .unitId(unit.getId()).registers(List.of(new Register().name("energy_active_import").unit("kWh")))
      .binding(new ProtocolBinding().protocol(Protocol.HTTP)));
    assertEquals(Meter.LocationLevelEnum.UNIT, meter.getLocationLevel());
    assertEquals(unit.getFloorId(), meter.getFloorId());
    Meter moved = meters.updateMeter(meter.getId(), new MeterUpdate().floorId(floor.getId()).multiplier(new BigDecimal("40")));
    assertEquals(Meter.LocationLevelEnum.FLOOR, moved.getLocationLevel());
    assertNull(moved.getUnitId());
    assertEquals(0, new BigDecimal("40").compareTo(moved.getMultiplier()));

    ApiException conflict = assertThrows(ApiException.class, () -> sites.deleteUnit(unit.getId()));
    assertEquals(409, conflict.getCode(), "the unit still has occupancies");
    meters.deleteMeter(meter.getId());
    tenants.deleteOccupancy(occupancy.get(0).getId());
    tenants.deleteOccupancy(successor.get(0).getId());
    tenants.deleteTenant(tenant.getId());
    sites.deleteUnit(unit.getId());
    ApiException gone = assertThrows(ApiException.class, () -> sites.getUnit(unit.getId()));
    assertEquals(404, gone.getCode());
    assertTrue(gone.getResponseBody().contains("https://gridledger.io/problems/not-found"));
    sites.deleteFloor(floor.getId());
    sites.deleteBuilding(building.getId());
    sites.deleteSite(site.getId());
  }

  private static List<List<BigDecimal>> square(double x, double y, double side) {
    List<List<BigDecimal>> points = new ArrayList<>();
    double[][] corners = {{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}};
    for (double[] c : corners) {
      points.add(List.of(BigDecimal.valueOf(c[0]), BigDecimal.valueOf(c[1])));
    }
    return points;
  }
}
