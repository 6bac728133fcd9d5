package io.gridledger.simulator.profile;

import java.util.SplittableRandom;

/**
 * Smooth, deterministic noise (an Ornstein-Uhlenbeck process): standard-normal in the long run, correlated over
 * timeConstantSeconds, so readings wander like real loads instead of jumping every tick, whatever the tick length.
 */
public final class Noise {

  private final SplittableRandom random;
  private final double timeConstantSeconds;
  private double value;

  public Noise(long seed, double timeConstantSeconds) {
    this.random = new SplittableRandom(seed);
    this.timeConstantSeconds = timeConstantSeconds;
    this.value = gaussian();
  }

  /** Advances by dtSeconds (0 returns the current value) and returns the new value. */
  public double next(double dtSeconds) {
    if (dtSeconds <= 0) {
      return value;
    }
    double decay = Math.exp(-dtSeconds / timeConstantSeconds);
    value = value * decay + Math.sqrt(1 - decay * decay) * gaussian();
    return value;
  }

  public double value() {
    return value;
  }

  /** A uniform number in [0, 1) from the same seeded stream, for one-off choices. */
  public double uniform() {
    return random.nextDouble();
  }

  private double gaussian() {
    // Box-Muller; SplittableRandom has no nextGaussian before Java 17's RandomGenerator default, keep it explicit.
    double u1 = 1 - random.nextDouble(), u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
