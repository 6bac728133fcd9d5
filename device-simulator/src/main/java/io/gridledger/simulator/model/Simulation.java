package io.gridledger.simulator.model;

import io.gridledger.simulator.profile.StepInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The physics of the whole site: advances every meter to a moment, keeps the meter trees consistent (a parent reads
 * what its sub-meters read plus losses; an open switch cuts everything below it) and publishes an immutable
 * {@link SiteSnapshot} after every change. All mutation happens under this object's lock; readers use the snapshot.
 */
public final class Simulation {

  private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);
  /** Long gaps are integrated in steps of at most a minute so the load follows its profile through them. */
  private static final Duration MAX_STEP = Duration.ofSeconds(60);
  /** A clock jump beyond a week (a laptop woken after a holiday) is not integrated in full. */
  private static final Duration MAX_CATCH_UP = Duration.ofDays(7);

  private final SiteDefinition site;
  private final Map<String, MeterState> meters = new LinkedHashMap<>();
  private final List<MeterState> topDown, bottomUp;
  private Instant lastStep;
  private long tick;
  private volatile SiteSnapshot snapshot;

  public Simulation(SiteDefinition site, Instant start) {
    this(site, start, Map.of());
  }

  /** @param resumeAt per serial, cumulative register values to continue from instead of a fresh history */
  public Simulation(SiteDefinition site, Instant start, Map<String, Map<String, Double>> resumeAt) {
    this.site = site;
    site.meters().forEach(spec -> meters.put(spec.serial(), new MeterState(spec, resumeAt.getOrDefault(spec.serial(), Map.of()))));
    linkTrees();
    topDown = new ArrayList<>(meters.values());
    topDown.sort(Comparator.comparingInt(m -> m.depth));
    bottomUp = new ArrayList<>(topDown);
    Collections.reverse(bottomUp);
    warnAboutUnknownRegisters();
    lastStep = start;
    compute(start, 0);
    publish(start);
  }

  public SiteDefinition site() {
    return site;
  }

  public SiteSnapshot snapshot() {
    return snapshot;
  }

  public MeterState meter(String serial) {
    MeterState meter = meters.get(serial);
    if (meter == null) {
      throw new IllegalArgumentException("No meter " + serial);
    }
    return meter;
  }

  public List<MeterState> meters() {
    return List.copyOf(meters.values());
  }

  /** Integrates every meter from the previous step up to now and publishes the new snapshot. */
  public synchronized void advanceTo(Instant now) {
    if (now.isAfter(lastStep)) {
      Instant from = lastStep.isBefore(now.minus(MAX_CATCH_UP)) ? now.minus(MAX_CATCH_UP) : lastStep;
      long totalNanos = Duration.between(from, now).toNanos();
      int steps = (int) Math.max(1, Math.ceil(totalNanos / (double) MAX_STEP.toNanos()));
      for (int i = 1; i <= steps; i++) {
        Instant t = from.plusNanos(totalNanos * i / steps);
        double dtSeconds = totalNanos / (double) steps / 1e9;
        compute(t, dtSeconds);
        integrate(dtSeconds);
      }
      lastStep = now;
    }
    tick++;
    publish(lastStep);
  }

  // ---- commands and faults: each re-evaluates the instantaneous values so readers see the change at once ----

  public synchronized void setRelayClosed(String serial, boolean closed) {
    MeterState meter = meter(serial);
    if (!meter.spec().kind().hasSupplySwitch()) {
      throw new IllegalStateException("Meter " + serial + " (" + meter.spec().kind().json() + ") has no switch");
    }
    meter.relayClosed(closed);
    refresh();
  }

  public synchronized void setOffline(String serial, Duration duration) {
    meter(serial).offlineUntil = lastStep.plus(duration);
    refresh();
  }

  /** Sets a counter just below its maxValue: it rolls over within about a minute at the present rate. */
  public synchronized void rolloverSoon(String serial, String register) {
    MeterState meter = meter(serial);
    int i = meter.registerIndex(register);
    RegisterSpec spec = meter.spec().registers().get(i);
    if (spec.maxValue() == null || !spec.cumulative()) {
      throw new IllegalArgumentException("Register " + register + " of " + serial + " has no maxValue to roll over at");
    }
    Double ratePerHour = meter.quantities.ratePerHour(register);
    double perMinute = (ratePerHour == null ? 0 : ratePerHour) / 60 * meter.unitFactor[i] / meter.divisor[i];
    meter.registerValues[i] = spec.maxValue() - Math.max(perMinute, 0.001);
    refresh();
  }

  /** A new meter replaces the old one at the same place: every counter restarts near zero. */
  public synchronized void exchange(String serial) {
    MeterState meter = meter(serial);
    SplittableRandom random = new SplittableRandom(PhysicsFactory.seed(serial) ^ lastStep.toEpochMilli());
    for (int i = 0; i < meter.registerValues.length; i++) {
      if (meter.spec().registers().get(i).cumulative()) {
        meter.registerValues[i] = random.nextDouble(0, 0.5); // a new meter leaves the factory with a test reading
      }
    }
    refresh();
  }

  /** Multiplies what the register reports (not what it counts) by factor for the given simulated duration. */
  public synchronized void spike(String serial, String register, double factor, Duration duration) {
    MeterState meter = meter(serial);
    meter.registerIndex(register);
    meter.spikes.put(register, new MeterState.Spike(factor, lastStep.plus(duration)));
    refresh();
  }

  private void refresh() {
    compute(lastStep, 0);
    publish(lastStep);
  }

  // ---- the step ----

  private void compute(Instant time, double dtSeconds) {
    var local = time.atZone(site.zone());
    for (MeterState m : topDown) {
      boolean hasSwitch = m.spec().kind().hasSupplySwitch();
      m.upstreamSupplied = m.parent == null || m.parent.supplied;
      m.supplied = m.upstreamSupplied && (!hasSwitch || m.relayClosed());
    }
    for (MeterState m : bottomUp) {
      double childrenPrimary = 0;
      for (MeterState child : m.children) {
        childrenPrimary += child.quantities.primary();
      }
      m.physics.update(new StepInput(local, dtSeconds, m.supplied, m.upstreamSupplied, childrenPrimary,
        m.children.size()), m.quantities);
      for (int i = 0; i < m.registerValues.length; i++) {
        RegisterSpec register = m.spec().registers().get(i);
        if (!register.cumulative()) {
          Double value = m.quantities.value(register.name());
          m.registerValues[i] = value == null ? 0 : value * m.unitFactor[i] / m.divisor[i];
        }
      }
    }
  }

  private void integrate(double dtSeconds) {
    for (MeterState m : bottomUp) {
      for (int i = 0; i < m.registerValues.length; i++) {
        RegisterSpec register = m.spec().registers().get(i);
        Double ratePerHour = m.quantities.ratePerHour(register.name());
        if (register.cumulative() && ratePerHour != null) {
          double value = m.registerValues[i] + ratePerHour * dtSeconds / 3600 * m.unitFactor[i] / m.divisor[i];
          // The counter wraps exactly like the device's display: what exceeds maxValue continues from zero.
          m.registerValues[i] = register.maxValue() == null ? value : value % register.maxValue();
        }
      }
    }
  }

  private void publish(Instant time) {
    Map<String, MeterReading> readings = new LinkedHashMap<>();
    for (MeterState m : meters.values()) {
      m.spikes.values().removeIf(spike -> !time.isBefore(spike.until()));
      Map<String, Double> values = new LinkedHashMap<>();
      for (int i = 0; i < m.registerValues.length; i++) {
        String name = m.spec().registers().get(i).name();
        MeterState.Spike spike = m.spikes.get(name);
        values.put(name, spike == null ? m.registerValues[i] : m.registerValues[i] * spike.factor());
      }
      readings.put(m.spec().serial(), new MeterReading(m.spec().serial(), time, Collections.unmodifiableMap(values),
        m.relayClosed(), m.onlineAt(time)));
    }
    snapshot = new SiteSnapshot(time, tick, Collections.unmodifiableMap(readings));
  }

  // ---- set-up ----

  /** Sub-meters of the same kind form a tree; a parent of another kind (or unknown serial) is ignored. */
  private void linkTrees() {
    for (MeterState m : meters.values()) {
      String parentSerial = m.spec().parentSerial();
      MeterState parent = parentSerial == null ? null : meters.get(parentSerial);
      if (parent != null && parent.spec().kind() == m.spec().kind()) {
        m.parent = parent;
        parent.children.add(m);
      }
    }
    for (MeterState m : meters.values()) {
      int depth = 0;
      for (MeterState p = m.parent; p != null; p = p.parent) {
        if (++depth > meters.size()) {
          throw new IllegalArgumentException("Meter tree has a cycle at " + m.spec().serial());
        }
      }
      m.depth = depth;
    }
  }

  private void warnAboutUnknownRegisters() {
    for (MeterState m : meters.values()) {
      for (RegisterSpec register : m.spec().registers()) {
        if (!m.physics.registers().contains(register.name())) {
          LOG.warn("Meter {} ({}) declares register {} which the simulator does not model; it reads 0",
            m.spec().serial(), m.spec().kind().json(), register.name());
        }
      }
    }
  }
}
