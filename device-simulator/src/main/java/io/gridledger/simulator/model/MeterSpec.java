package io.gridledger.simulator.model;

import java.util.List;
import java.util.Optional;

/** A meter as the site document defines it; immutable. */
public record MeterSpec(String serial, MeterKind kind, String model, List<RegisterSpec> registers, Binding binding,
                        boolean criticalLoad, String parentSerial, double multiplier, Location location) {

  public Optional<RegisterSpec> register(String name) {
    return registers.stream().filter(r -> r.name().equals(name)).findFirst();
  }
}
