package io.gridledger.simulator;

import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import io.gridledger.simulator.modbus.RegisterMap;
import io.gridledger.simulator.modbus.RegisterMapEntry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.gridledger.simulator.TestSite.EM24_HALL;
import static io.gridledger.simulator.TestSite.SDM_OFFICE;
import static io.gridledger.simulator.TestSite.SDM_SHOP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real j2mod master against the simulator's Modbus TCP slaves over loopback. */
class ModbusTest {

  private static final TestSite SITE = new TestSite();
  private static Vertx vertx;
  private static DeviceSimulator sim;
  private static ModbusTCPMaster sdm, em24;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    // An hour of simulated time per second: counters move visibly from one 50 ms tick to the next.
    sim = DeviceSimulator.start(vertx, SITE.document(), new SimulatorOptions().tickMillis(50).timeScale(3600)
      .mqttPort(TestSite.freePort())).await(30, TimeUnit.SECONDS);
    sdm = new ModbusTCPMaster("127.0.0.1", SITE.sdmPort);
    sdm.connect();
    em24 = new ModbusTCPMaster("127.0.0.1", SITE.em24Port);
    em24.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    sdm.disconnect();
    em24.disconnect();
    sim.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void sdm630EnergyIsAFloatInBigEndianWordOrder() throws Exception {
    double before = sim.meter(SDM_OFFICE).value("energy_active_import");
    InputRegister[] words = sdm.readInputRegisters(1, 0x0048, 2);
    double after = sim.meter(SDM_OFFICE).value("energy_active_import");
    float read = Float.intBitsToFloat((words[0].getValue() << 16) | words[1].getValue());
    // The counter only grows, so the value read lies between what the simulator said before and after.
    assertTrue((float) before <= read && read <= (float) after, before + " <= " + read + " <= " + after);
    // and the map data file decodes the same words to the same value
    RegisterMapEntry entry = RegisterMap.load("eastron-sdm630").entry("energy_active_import").orElseThrow();
    assertEquals(read, entry.decode(words[0].getValue(), words[1].getValue()), 0);
  }

  @Test
  void em24EnergyIsAScaledInt32LowWordFirst() throws Exception {
    double before = sim.meter(EM24_HALL).value("energy_active_import");
    InputRegister[] words = em24.readInputRegisters(2, 0x0034, 2);
    double after = sim.meter(EM24_HALL).value("energy_active_import");
    int raw = (words[1].getValue() << 16) | words[0].getValue();
    double kWh = raw / 10.0;
    assertTrue(Math.round(before * 10) / 10.0 <= kWh && kWh <= Math.round(after * 10) / 10.0,
      before + " <= " + kWh + " <= " + after);
    // Function 03 answers the same registers on an EM24.
    var holding = em24.readMultipleRegisters(2, 0x0034, 2);
    assertTrue((holding[1].getValue() << 16 | holding[0].getValue()) >= raw);
  }

  @Test
  void powerMatchesTheDeclaredRegisterInKilowatts() throws Exception {
    InputRegister[] words = sdm.readInputRegisters(2, 0x0034, 2);
    float watts = Float.intBitsToFloat((words[0].getValue() << 16) | words[1].getValue());
    assertTrue(watts > 0, "a closed supply draws power");
    // Register map scale 0.001 turns the device's W into the platform's kW.
    double kW = RegisterMap.load("eastron-sdm630").entry("power_active").orElseThrow()
      .decode(words[0].getValue(), words[1].getValue());
    assertEquals(watts / 1000, kW, 1e-6);
  }

  @Test
  void openingTheRelayOnCoilZeroStopsTheEnergyRegister() throws Exception {
    assertTrue(sdm.readCoils(1, 0, 1).getBit(0), "supplies are closed at start");
    sdm.writeCoil(1, 0, false);
    assertFalse(sdm.readCoils(1, 0, 1).getBit(0));
    assertFalse(sim.meter(SDM_OFFICE).relayClosed());
    Waiting.ticks(sim, 1);
    float openBefore = energy(1), closedBefore = energy(2);
    Waiting.ticks(sim, 4);
    assertEquals(openBefore, energy(1), 0, "an open relay stops the counter");
    assertTrue(energy(2) > closedBefore, "a closed one keeps counting");
    assertEquals(0f, power(1));

    sdm.writeCoil(1, 0, true);
    assertTrue(sim.meter(SDM_OFFICE).relayClosed());
    Waiting.ticks(sim, 3);
    assertTrue(energy(1) > openBefore, "closing it again resumes counting");
  }

  @Test
  void anOfflineMeterAnswersWithAnException() throws Exception {
    sim.faults().offline(SDM_SHOP, Duration.ofMinutes(30)); // 0.5 s of wall time at 3600x
    assertThrows(ModbusSlaveException.class, () -> sdm.readInputRegisters(2, 0x0048, 2));
    assertThrows(ModbusSlaveException.class, () -> sdm.writeCoil(2, 0, false));
    Waiting.until("the meter to come back", () -> sim.meter(SDM_SHOP).online());
    assertTrue(energy(2) > 0);
    assertTrue(sim.meter(SDM_SHOP).relayClosed(), "the write while offline did nothing");
  }

  @Test
  void unmappedAddressesAndUnitIdsAreRejected() {
    assertThrows(ModbusSlaveException.class, () -> sdm.readInputRegisters(1, 0x0400, 2));
    assertThrows(ModbusSlaveException.class, () -> sdm.readInputRegisters(99, 0x0048, 2));
  }

  private float energy(int unitId) throws Exception {
    InputRegister[] words = sdm.readInputRegisters(unitId, 0x0048, 2);
    return Float.intBitsToFloat((words[0].getValue() << 16) | words[1].getValue());
  }

  private float power(int unitId) throws Exception {
    InputRegister[] words = sdm.readInputRegisters(unitId, 0x0034, 2);
    return Float.intBitsToFloat((words[0].getValue() << 16) | words[1].getValue());
  }
}
