package io.gridledger.simulator;

import io.gridledger.simulator.model.SiteDefinition;
import io.gridledger.simulator.model.Simulation;
import io.gridledger.simulator.modbus.RegisterMap;
import io.gridledger.simulator.modbus.RegisterMapEntry;
import io.gridledger.simulator.profile.ThermalPhysics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneId;

import static io.gridledger.simulator.TestSite.EM24_BOARD;
import static io.gridledger.simulator.TestSite.HEAT;
import static io.gridledger.simulator.TestSite.MAIN;
import static io.gridledger.simulator.TestSite.SDM_OFFICE;
import static io.gridledger.simulator.TestSite.SDM_SHOP;
import static io.gridledger.simulator.TestSite.WATER_SHOP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The physics alone, stepped by hand through chosen local times: deterministic, no servers, no waiting. */
class PhysicsTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private final SiteDefinition site = SiteDefinition.fromJson(new TestSite().document());

  private static Instant local(String dateTime) {
    return ZonedDateTime.of(java.time.LocalDateTime.parse(dateTime), BERLIN).toInstant();
  }

  private Simulation at(String dateTime) {
    return new Simulation(site, local(dateTime));
  }

  private static double value(Simulation simulation, String serial, String register) {
    return simulation.snapshot().reading(serial).value(register);
  }

  @Test
  void officeLoadIsHighOnWeekdayMorningsAndLowAtNightAndOnSundays() {
    // 2026-01-14 is a Wednesday, 2026-01-18 a Sunday.
    double weekday = value(at("2026-01-14T10:00"), SDM_OFFICE, "power_active");
    double night = value(at("2026-01-14T02:00"), SDM_OFFICE, "power_active");
    double sunday = value(at("2026-01-18T10:00"), SDM_OFFICE, "power_active");
    assertTrue(weekday > 2 * night, weekday + " vs " + night);
    assertTrue(weekday > 2 * sunday, weekday + " vs " + sunday);
  }

  @Test
  void shopsOpenOnSaturdayButNotOnSunday() {
    double saturday = value(at("2026-01-17T14:00"), SDM_SHOP, "power_active");
    double sunday = value(at("2026-01-18T14:00"), SDM_SHOP, "power_active");
    assertTrue(saturday > 2 * sunday, saturday + " vs " + sunday);
  }

  @Test
  void aParentReadsItsSubMetersPlusLosses() {
    Simulation simulation = at("2026-01-14T10:00");
    double children = value(simulation, SDM_OFFICE, "power_active") + value(simulation, SDM_SHOP, "power_active");
    assertEquals(children * 1.015, value(simulation, EM24_BOARD, "power_active"), 1e-9);
    // The site main reads through an 80:1 CT: the register holds the secondary value.
    double primaryKw = value(simulation, EM24_BOARD, "power_active") + value(simulation, TestSite.EM24_HALL,
      "power_active");
    assertEquals(primaryKw * 1.015 / 80, value(simulation, MAIN, "power_active"), 1e-9);
  }

  @Test
  void countersOnlyGrowAndAnOpenRelayStopsThemAndEverythingBelow() {
    Simulation simulation = at("2026-01-14T00:00");
    double office = value(simulation, SDM_OFFICE, "energy_active_import");
    for (int minute = 15; minute <= 24 * 60; minute += 15) {
      simulation.advanceTo(local("2026-01-14T00:00").plus(Duration.ofMinutes(minute)));
      double now = value(simulation, SDM_OFFICE, "energy_active_import");
      assertTrue(now > office, "counter grew at minute " + minute);
      office = now;
    }
    simulation.setRelayClosed(EM24_BOARD, false); // the floor's board: both unit meters lose supply
    assertEquals(0.0, value(simulation, SDM_OFFICE, "power_active"));
    assertEquals(0.0, value(simulation, SDM_OFFICE, "voltage_l1"), "no voltage behind an open upstream switch");
    assertTrue(value(simulation, EM24_BOARD, "voltage_l1") > 200, "the board's own meter still sees the supply");
    double shop = value(simulation, SDM_SHOP, "energy_active_import");
    simulation.advanceTo(local("2026-01-15T06:00"));
    assertEquals(office, value(simulation, SDM_OFFICE, "energy_active_import"));
    assertEquals(shop, value(simulation, SDM_SHOP, "energy_active_import"));
  }

  @Test
  void heatMetersAreConsistentWithFlowAndTemperatureDifference() {
    Simulation simulation = at("2026-01-14T09:00");
    double powerKw = value(simulation, HEAT, "power_thermal"), flow = value(simulation, HEAT, "flow_rate");
    double deltaK = value(simulation, HEAT, "temperature_supply") - value(simulation, HEAT, "temperature_return");
    assertTrue(powerKw > 0, "heating runs in January");
    assertEquals(powerKw, ThermalPhysics.KW_PER_M3H_KELVIN * flow * deltaK, 1e-9);
    double energy = value(simulation, HEAT, "energy_heat");
    simulation.advanceTo(local("2026-01-14T10:00"));
    double gainedMwh = value(simulation, HEAT, "energy_heat") - energy;
    assertTrue(gainedMwh > 0.5 * powerKw / 1000 && gainedMwh < 2 * powerKw / 1000, "about an hour of power");
    assertTrue(value(at("2026-07-15T14:00"), HEAT, "power_thermal") < powerKw / 4, "little heating in July");
  }

  @Test
  void rolloverWrapsTheCounterAtItsMaxValue() {
    Simulation simulation = at("2026-01-14T10:00");
    simulation.rolloverSoon(WATER_SHOP, "volume");
    double before = value(simulation, WATER_SHOP, "volume");
    assertTrue(before > 99999.9, "just below 99999.999: " + before);
    simulation.advanceTo(local("2026-01-14T10:30"));
    double after = value(simulation, WATER_SHOP, "volume");
    assertTrue(after < 10, "rolled over to a small value: " + after);
  }

  @Test
  void anExchangedMeterRestartsNearZero() {
    Simulation simulation = at("2026-01-14T10:00");
    assertTrue(value(simulation, SDM_OFFICE, "energy_active_import") > 1000);
    simulation.exchange(SDM_OFFICE);
    assertTrue(value(simulation, SDM_OFFICE, "energy_active_import") < 1);
  }

  @Test
  void aSpikeScalesTheReportedValueForItsDurationOnly() {
    Simulation simulation = at("2026-01-14T10:00");
    double normal = value(simulation, SDM_OFFICE, "power_active");
    simulation.spike(SDM_OFFICE, "power_active", 10, Duration.ofMinutes(1));
    assertEquals(10 * normal, value(simulation, SDM_OFFICE, "power_active"), 1e-9);
    simulation.advanceTo(local("2026-01-14T10:02"));
    assertTrue(value(simulation, SDM_OFFICE, "power_active") < 2 * normal);
  }

  @Test
  void registerMapsEncodeTheWayTheManufacturersDocumentThem() {
    RegisterMapEntry em24Energy = RegisterMap.load("carlo-gavazzi-em24").entry("energy_active_import").orElseThrow();
    // 123456.7 kWh is 1234567 = 0x0012D687 in tenths, least significant word first.
    assertArrayEquals(new int[] {0xD687, 0x0012}, em24Energy.encode(123456.7));
    assertEquals(123456.7, em24Energy.decode(0xD687, 0x0012));
    RegisterMapEntry sdmPower = RegisterMap.load("eastron-sdm630").entry("power_active").orElseThrow();
    int bits = Float.floatToIntBits(1500f); // 1.5 kW is 1500 W on the wire
    assertArrayEquals(new int[] {bits >>> 16, bits & 0xFFFF}, sdmPower.encode(1.5));
    assertEquals(0x0156, RegisterMap.load("eastron-sdm630").entry("energy_active_total").orElseThrow().address());
  }
}
