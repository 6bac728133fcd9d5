package io.gridledger.simulator.model;

import io.gridledger.simulator.profile.MeterPhysics;
import io.gridledger.simulator.profile.Quantities;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The live state of one simulated meter. Only {@link Simulation} mutates it, under its lock; the relay flag is
 * volatile because protocol threads read it directly (a Modbus coil read must see a write at once).
 */
public final class MeterState {

  private final MeterSpec spec;
  final MeterPhysics physics;
  final Quantities quantities = new Quantities();
  /** Register values as the device reports them, index-aligned with spec.registers(). */
  final double[] registerValues;
  /** canonical unit to declared unit, and the divisor for the multiplier, per register. */
  final double[] unitFactor, divisor;
  final List<MeterState> children = new ArrayList<>();
  MeterState parent;
  int depth;
  boolean supplied = true, upstreamSupplied = true;
  Instant offlineUntil;
  final Map<String, Spike> spikes = new HashMap<>();
  private volatile boolean relayClosed = true;

  record Spike(double factor, Instant until) { }

  MeterState(MeterSpec spec) {
    this(spec, java.util.Map.of());
  }

  /** @param resumeAt cumulative register values to continue from (a restarted simulator keeps counting up) */
  MeterState(MeterSpec spec, java.util.Map<String, Double> resumeAt) {
    this.spec = spec;
    this.physics = PhysicsFactory.forMeter(spec);
    int n = spec.registers().size();
    registerValues = new double[n];
    unitFactor = new double[n];
    divisor = new double[n];
    SplittableRandom random = new SplittableRandom(PhysicsFactory.seed(spec.serial()) ^ 0xC0FFEE);
    for (int i = 0; i < n; i++) {
      RegisterSpec register = spec.registers().get(i);
      String canonical = Units.canonical(register.name());
      unitFactor[i] = canonical == null ? 1 : Units.factor(canonical, register.unit());
      divisor[i] = register.scaledByMultiplier() && spec.multiplier() > 0 ? spec.multiplier() : 1;
      if (register.cumulative()) {
        double fresh = initialReading(register, random, i);
        registerValues[i] = resumeAt.getOrDefault(register.name(), fresh);
      }
    }
  }

  public MeterSpec spec() {
    return spec;
  }

  public boolean relayClosed() {
    return relayClosed;
  }

  void relayClosed(boolean closed) {
    relayClosed = closed;
  }

  boolean onlineAt(Instant time) {
    return offlineUntil == null || !time.isBefore(offlineUntil);
  }

  int registerIndex(String name) {
    for (int i = 0; i < spec.registers().size(); i++) {
      if (spec.registers().get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("Meter " + spec.serial() + " has no register " + name);
  }

  /** A meter in service for a while: counters start at a plausible, serial-stable history instead of zero. */
  private double initialReading(RegisterSpec register, SplittableRandom random, int index) {
    double canonical = switch (register.name()) {
      case "energy_heat", "energy_cooling" -> random.nextDouble(20, 2000);
      case "volume" -> spec.kind() == MeterKind.GAS ? random.nextDouble(200, 30000)
        : spec.kind() == MeterKind.WATER ? random.nextDouble(50, 5000) : random.nextDouble(1000, 80000);
      default -> random.nextDouble(5000, 250000);
    };
    double value = canonical * unitFactor[index] / divisor[index];
    return register.maxValue() == null ? value : value % register.maxValue();
  }
}
