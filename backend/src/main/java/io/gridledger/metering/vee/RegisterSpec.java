package io.gridledger.metering.vee;

/**
 * What the calculator needs to know about a register.
 *
 * @param rolloverAt     the modulus at which the register wraps to 0 (for example 100000 for a five-digit
 *                       register), or {@code null} if it never wraps. Valid values then lie in [0, rolloverAt).
 * @param multiplier     applied to raw consumption to give billed consumption (CT/VT ratio, pulse weight, ...); &gt; 0
 * @param maxRatePerHour the largest plausible increase of the raw register per hour, from the meter's rating
 *                       (for example Imax x U x phases for an electricity meter, Qmax for a water meter); &gt; 0.
 *                       Used to reject jumps and to decide whether a decrease can be a wrap.
 * @param resolution     the smallest step the register shows (its last digit, for example 0.01 kWh); &gt;= 0.
 *                       Added to the plausibility allowance so a single tick between two readings a few seconds
 *                       apart is not mistaken for a spike.
 */
public record RegisterSpec(Double rolloverAt, double multiplier, double maxRatePerHour, double resolution) {

  public RegisterSpec {
    if (rolloverAt != null && !(Double.isFinite(rolloverAt) && rolloverAt > 0)) {
      throw new IllegalArgumentException("rolloverAt must be a positive finite number or null");
    }
    if (!(Double.isFinite(multiplier) && multiplier > 0)) {
      throw new IllegalArgumentException("multiplier must be a positive finite number");
    }
    if (!(Double.isFinite(maxRatePerHour) && maxRatePerHour > 0)) {
      throw new IllegalArgumentException("maxRatePerHour must be a positive finite number");
    }
    if (!(Double.isFinite(resolution) && resolution >= 0)) {
      throw new IllegalArgumentException("resolution must be a finite number >= 0");
    }
  }

  /** A register whose last digit is negligible against its rate (resolution 0). */
  public RegisterSpec(Double rolloverAt, double multiplier, double maxRatePerHour) {
    this(rolloverAt, multiplier, maxRatePerHour, 0.0);
  }
}
