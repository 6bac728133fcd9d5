package io.gridledger.simulator;

import io.gridledger.simulator.model.Simulation;
import io.gridledger.simulator.mqtt.Gateway;

import java.time.Duration;
import java.util.Map;

/**
 * Faults a real site produces, on demand, so the platform's validation can be shown and tested. Durations are in
 * simulated time. Every method throws IllegalArgumentException for an unknown meter, register or gateway.
 */
public final class FaultInjector {

  private final Simulation simulation;
  private final Map<String, Gateway> gateways;
  private final Duration defaultSpikeDuration;

  FaultInjector(Simulation simulation, Map<String, Gateway> gateways, Duration defaultSpikeDuration) {
    this.simulation = simulation;
    this.gateways = gateways;
    this.defaultSpikeDuration = defaultSpikeDuration;
  }

  /**
   * The meter stops communicating for the duration: Modbus requests to its unit id answer an exception, its OPC UA
   * variables read Bad_NoCommunication, and its readings are missing from MQTT batches. It keeps measuring meanwhile,
   * so its counters have moved on when it comes back.
   */
  public FaultInjector offline(String serial, Duration duration) {
    simulation.setOffline(serial, duration);
    return this;
  }

  /** Sets the counter just below its maxValue, so it rolls over to zero within about a minute at the present rate. */
  public FaultInjector rolloverSoon(String serial, String register) {
    simulation.rolloverSoon(serial, register);
    return this;
  }

  /** The meter is exchanged for a new one: all its counters restart near zero. */
  public FaultInjector exchange(String serial) {
    simulation.exchange(serial);
    return this;
  }

  /**
   * The register reports factor times its value (an EMC glitch, a wrong CT setting) for one MQTT publish interval of
   * simulated time, long enough for one batch or poll to carry it; the counter itself is not changed.
   */
  public FaultInjector spike(String serial, String register, double factor) {
    return spike(serial, register, factor, defaultSpikeDuration);
  }

  public FaultInjector spike(String serial, String register, double factor, Duration duration) {
    simulation.spike(serial, register, factor, duration);
    return this;
  }

  /** The gateway publishes its next batch twice. */
  public FaultInjector duplicateNextBatch(String gateway) {
    gateway(gateway).duplicateNextBatch();
    return this;
  }

  /** The gateway holds its next batch back and publishes it after the following one (out of order), shuffled. */
  public FaultInjector shuffleNextBatch(String gateway) {
    gateway(gateway).shuffleNextBatch();
    return this;
  }

  /** The gateway's next batch goes out truncated: not valid JSON. */
  public FaultInjector malformedNextMessage(String gateway) {
    gateway(gateway).malformedNextMessage();
    return this;
  }

  private Gateway gateway(String id) {
    Gateway gateway = gateways.get(id);
    if (gateway == null) {
      throw new IllegalArgumentException("No gateway " + id);
    }
    return gateway;
  }
}
