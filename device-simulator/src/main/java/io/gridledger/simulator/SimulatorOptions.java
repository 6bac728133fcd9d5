package io.gridledger.simulator;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** How the simulator runs; fluent setters, defaults suit the demo. */
public final class SimulatorOptions {

  private java.util.Map<String, java.util.Map<String, Double>> resumeAt = java.util.Map.of();
  private String mqttUsername;
  private String mqttPassword;

  private String mqttHost = "127.0.0.1";
  private int mqttPort = 1884;
  private Duration mqttPublishInterval = Duration.ofSeconds(15);
  private long tickMillis = 1000;
  private Clock clock = Clock.systemUTC();
  private double timeScale = 1;
  private String bindHost = "127.0.0.1";

  /** The broker the MQTT gateways publish to (default 127.0.0.1, the demo's embedded broker). */
  public SimulatorOptions mqttHost(String mqttHost) {
    this.mqttHost = Objects.requireNonNull(mqttHost);
    return this;
  }

  /** Default 1884, the demo's embedded broker. */
  public SimulatorOptions mqttPort(int mqttPort) {
    this.mqttPort = mqttPort;
    return this;
  }

  /** How often each gateway publishes a batch (default 15 s). */
  public SimulatorOptions mqttPublishIntervalSeconds(int seconds) {
    return mqttPublishInterval(Duration.ofSeconds(seconds));
  }

  /** Finer-grained than seconds, for tests; at least 10 ms. */
  public SimulatorOptions mqttPublishInterval(Duration interval) {
    if (interval.toMillis() < 10) {
      throw new IllegalArgumentException("mqttPublishInterval must be at least 10 ms");
    }
    this.mqttPublishInterval = interval;
    return this;
  }

  /** The physics step in wall-clock milliseconds (default 1000); 0 steps only when {@link DeviceSimulator#tickNow()} is called. */
  public SimulatorOptions tickMillis(long tickMillis) {
    if (tickMillis < 0) {
      throw new IllegalArgumentException("tickMillis must be >= 0");
    }
    this.tickMillis = tickMillis;
    return this;
  }

  /** Where simulated time comes from (default the system clock, UTC); inject a fixed or stepping clock in tests. */
  public SimulatorOptions clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock);
    return this;
  }

  /**
   * Simulated seconds per clock second (default 1). 60 makes an hour of load profile pass in a minute: handy for
   * demos and for tests that want counters to move visibly within a few ticks.
   */
  public SimulatorOptions timeScale(double timeScale) {
    if (!(timeScale > 0)) {
      throw new IllegalArgumentException("timeScale must be > 0");
    }
    this.timeScale = timeScale;
    return this;
  }

  /** The address the Modbus and OPC UA listeners bind to (default 127.0.0.1); null binds each to its binding's host. */
  public SimulatorOptions bindHost(String bindHost) {
    this.bindHost = bindHost;
    return this;
  }

  /**
   * Credentials the gateways present at CONNECT. Gridledger's own gateway endpoint expects an API key as the
   * password (the username is informational); brokers use theirs.
   */
  public SimulatorOptions mqttCredentials(String username, String password) {
    this.mqttUsername = username;
    this.mqttPassword = password;
    return this;
  }

  /**
   * Register values to continue from, per serial and register (for example the last values a platform stored), so a
   * restarted simulator's counters keep rising like real meters' instead of starting a fresh history.
   */
  public SimulatorOptions resumeAt(java.util.Map<String, java.util.Map<String, Double>> values) {
    this.resumeAt = java.util.Map.copyOf(values);
    return this;
  }

  public java.util.Map<String, java.util.Map<String, Double>> resumeAt() {
    return resumeAt;
  }

  public String mqttUsername() {
    return mqttUsername;
  }

  public String mqttPassword() {
    return mqttPassword;
  }

  public String mqttHost() {
    return mqttHost;
  }

  public int mqttPort() {
    return mqttPort;
  }

  public Duration mqttPublishInterval() {
    return mqttPublishInterval;
  }

  public long tickMillis() {
    return tickMillis;
  }

  public Clock clock() {
    return clock;
  }

  public double timeScale() {
    return timeScale;
  }

  public String bindHost() {
    return bindHost;
  }
}
