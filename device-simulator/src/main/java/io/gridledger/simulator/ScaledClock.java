package io.gridledger.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** Runs simulated time timeScale times as fast as the base clock, starting from the base clock's now. */
final class ScaledClock extends Clock {

  private final Clock base;
  private final double scale;
  private final Instant origin;

  private ScaledClock(Clock base, double scale, Instant origin) {
    this.base = base;
    this.scale = scale;
    this.origin = origin;
  }

  static Clock of(Clock base, double scale) {
    return scale == 1 ? base : new ScaledClock(base, scale, base.instant());
  }

  @Override
  public Instant instant() {
    Duration elapsed = Duration.between(origin, base.instant());
    return origin.plusNanos((long) (elapsed.toNanos() * scale));
  }

  @Override
  public ZoneId getZone() {
    return base.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new ScaledClock(base.withZone(zone), scale, origin);
  }
}
