package io.gridledger.simulator;

import io.gridledger.simulator.model.MeterSpec;
import io.gridledger.simulator.model.SiteDefinition;
import io.gridledger.simulator.model.Simulation;
import io.gridledger.simulator.modbus.ModbusServers;
import io.gridledger.simulator.mqtt.Gateway;
import io.gridledger.simulator.opcua.OpcUaServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device simulator: every meter of a site document, speaking its binding's protocol on loopback.
 *
 * <pre>
 * DeviceSimulator sim = DeviceSimulator.start(vertx, siteDocument, new SimulatorOptions()).await(...);
 * sim.meter("EL-T05-U2").value("energy_active_import");
 * sim.faults().offline("EL-T05-U2", Duration.ofMinutes(5));
 * sim.close();
 * </pre>
 *
 * {@link #start} never blocks its caller: the Modbus listeners (blocking j2mod) open on a worker thread, the OPC UA
 * servers start on Milo's executor, and the returned future completes when both listen. MQTT gateways connect in the
 * background and keep retrying, so a broker that is not up yet does not fail the start.
 */
public final class DeviceSimulator {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceSimulator.class);

  private final Vertx vertx;
  private final Simulation simulation;
  private final Clock clock;
  private final Map<String, Gateway> gateways;
  private final FaultInjector faults;
  private final Map<String, SimulatedMeter> meters = new LinkedHashMap<>();
  private ModbusServers modbus;
  private OpcUaServers opcua;
  private long tickTimer = -1;
  private boolean closed;

  private DeviceSimulator(Vertx vertx, SiteDefinition site, SimulatorOptions options) {
    this.vertx = vertx;
    this.clock = ScaledClock.of(options.clock(), options.timeScale());
    this.simulation = new Simulation(site, clock.instant(), options.resumeAt());
    site.meters().forEach(m -> meters.put(m.serial(), new SimulatedMeter(simulation, m.serial())));
    Map<String, List<MeterSpec>> byGateway = new LinkedHashMap<>();
    for (MeterSpec meter : site.meters()) {
      if (meter.binding().mqtt() && meter.binding().gateway() != null) {
        byGateway.computeIfAbsent(meter.binding().gateway(), k -> new ArrayList<>()).add(meter);
      }
    }
    Map<String, Gateway> gatewayMap = new LinkedHashMap<>();
    byGateway.forEach((id, gatewayMeters) -> gatewayMap.put(id, new Gateway(vertx, id, gatewayMeters, simulation,
      clock, options.mqttHost(), options.mqttPort(), options.mqttPublishInterval().toMillis(), options.mqttUsername(),
      options.mqttPassword())));
    this.gateways = Collections.unmodifiableMap(gatewayMap);
    Duration spike = Duration.ofNanos((long) (options.mqttPublishInterval().toNanos() * options.timeScale()));
    this.faults = new FaultInjector(simulation, gateways, spike);
  }

  /**
   * Parses the site document, starts the physics, the Modbus and OPC UA servers and the MQTT gateways. Fails (with
   * everything already started closed again) if the document is invalid or a port cannot be bound.
   */
  public static Future<DeviceSimulator> start(Vertx vertx, JsonObject siteDocument, SimulatorOptions options) {
    DeviceSimulator simulator;
    try {
      simulator = new DeviceSimulator(vertx, SiteDefinition.fromJson(siteDocument), options);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return simulator.startServers(options).map(simulator)
      .recover(error -> simulator.close().transform(v -> Future.failedFuture(error)));
  }

  private Future<Void> startServers(SimulatorOptions options) {
    if (options.tickMillis() > 0) {
      tickTimer = vertx.setPeriodic(options.tickMillis(), id -> tickNow());
    }
    Future<Void> modbusStarted = vertx.executeBlocking(() -> {
      ModbusServers servers = ModbusServers.start(simulation, options.bindHost());
      synchronized (this) {
        modbus = servers;
      }
      return null;
    }, false);
    Future<Void> opcuaStarted = Future.fromCompletionStage(OpcUaServers.start(simulation, options.bindHost()))
      .map(servers -> {
        synchronized (this) {
          opcua = servers;
        }
        return null;
      });
    // join, not all: on failure both must have settled before close() looks at what was started.
    return Future.join(modbusStarted, opcuaStarted).<Void>mapEmpty().onSuccess(v -> {
      gateways.values().forEach(Gateway::start);
      LOG.info("Device simulator running: {} meters, {} MQTT gateways to {}:{}", meters.size(), gateways.size(),
        options.mqttHost(), options.mqttPort());
    });
  }

  /** The meter with that serial; IllegalArgumentException if the site has none. */
  public SimulatedMeter meter(String serial) {
    SimulatedMeter meter = meters.get(serial);
    if (meter == null) {
      throw new IllegalArgumentException("No meter " + serial);
    }
    return meter;
  }

  public List<SimulatedMeter> meters() {
    return List.copyOf(meters.values());
  }

  public FaultInjector faults() {
    return faults;
  }

  /** The gateway ids (distinct binding.gateway values of MQTT meters). */
  public List<String> gateways() {
    return List.copyOf(gateways.keySet());
  }

  /** Whether the gateway is connected to its broker. */
  public boolean gatewayConnected(String gateway) {
    Gateway g = gateways.get(gateway);
    return g != null && g.connected();
  }

  /** Advances the physics to the clock's now at once (the periodic tick calls this too). */
  public void tickNow() {
    simulation.advanceTo(clock.instant());
  }

  /** How many ticks have run; lets a test wait for "a few more ticks" without timing anything. */
  public long tickCount() {
    return simulation.snapshot().tick();
  }

  /** The simulator's clock, with the time scale applied: the time readings are stamped with. */
  public Clock clock() {
    return clock;
  }

  /** Stops ticking, closes the gateways and the servers. Safe to call twice. */
  public Future<Void> close() {
    synchronized (this) {
      if (closed) {
        return Future.succeededFuture();
      }
      closed = true;
    }
    if (tickTimer != -1) {
      vertx.cancelTimer(tickTimer);
    }
    List<Future<?>> closing = new ArrayList<>();
    gateways.values().forEach(g -> closing.add(g.close()));
    closing.add(vertx.executeBlocking(() -> {
      ModbusServers servers;
      synchronized (this) {
        servers = modbus;
      }
      if (servers != null) {
        servers.close();
      }
      return null;
    }, false));
    OpcUaServers opcuaServers;
    synchronized (this) {
      opcuaServers = opcua;
    }
    if (opcuaServers != null) {
      closing.add(Future.fromCompletionStage(opcuaServers.close()));
    }
    return Future.join(closing).mapEmpty();
  }
}
