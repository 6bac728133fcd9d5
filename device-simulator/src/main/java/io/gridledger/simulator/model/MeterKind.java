package io.gridledger.simulator.model;

import java.util.Locale;

/** The contract's MeterKind; decides which physics drives a meter. */
public enum MeterKind {
  ELECTRICITY, WATER, GAS, HEAT, COOLING, ENVIRONMENT;

  public static MeterKind parse(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** Sensors measure conditions; they have nothing to switch off. */
  public boolean hasSupplySwitch() {
    return this != ENVIRONMENT;
  }

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
