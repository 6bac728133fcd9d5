package io.gridledger.simulator.profile;

import java.util.HashMap;
import java.util.Map;

/**
 * What a meter's physics produced for a step, in canonical units and on the primary side (before any CT ratio):
 * instantaneous values by register name, the rate at which each counter grows (per hour), and the primary quantity a
 * parent meter sums over its sub-meters (kW for electricity and thermal meters, m3/h for water and gas).
 */
public final class Quantities {

  private final Map<String, Double> values = new HashMap<>();
  private final Map<String, Double> ratesPerHour = new HashMap<>();
  private double primary;

  public void value(String register, double value) {
    values.put(register, value);
  }

  public void ratePerHour(String register, double rate) {
    ratesPerHour.put(register, rate);
  }

  public void primary(double primary) {
    this.primary = primary;
  }

  public Double value(String register) {
    return values.get(register);
  }

  public Double ratePerHour(String register) {
    return ratesPerHour.get(register);
  }

  public double primary() {
    return primary;
  }
}
