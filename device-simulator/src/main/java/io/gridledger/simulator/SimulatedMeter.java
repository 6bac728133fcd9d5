package io.gridledger.simulator;

import io.gridledger.simulator.model.MeterReading;
import io.gridledger.simulator.model.MeterSpec;
import io.gridledger.simulator.model.Simulation;

import java.time.Instant;
import java.util.Map;

/**
 * A simulated meter as the embedding application sees it: the latest tick's register values (in the units the site
 * document declares, as the device reports them: divided by the multiplier where it applies, after rollover, with an
 * injected spike applied) and its supply switch.
 */
public final class SimulatedMeter {

  private final Simulation simulation;
  private final String serial;

  SimulatedMeter(Simulation simulation, String serial) {
    this.simulation = simulation;
    this.serial = serial;
  }

  public String serial() {
    return serial;
  }

  public MeterSpec spec() {
    return simulation.meter(serial).spec();
  }

  /** A register's latest value; IllegalArgumentException if the meter has no such register. */
  public double value(String register) {
    return reading().value(register);
  }

  /** All registers, in document order. */
  public Map<String, Double> values() {
    return reading().values();
  }

  /** The tick the values belong to. */
  public Instant time() {
    return reading().time();
  }

  /** False while faulted offline. */
  public boolean online() {
    return reading().online();
  }

  public boolean relayClosed() {
    return simulation.meter(serial).relayClosed();
  }

  /** Opens (cuts off) or closes (restores) the supply, as a field command would; power and flow follow at once. */
  public void setRelayOpen(boolean open) {
    simulation.setRelayClosed(serial, !open);
  }

  public MeterReading reading() {
    return simulation.snapshot().reading(serial);
  }

  @Override
  public String toString() {
    return serial + " " + values() + (relayClosed() ? "" : " relay open") + (online() ? "" : " offline");
  }
}
