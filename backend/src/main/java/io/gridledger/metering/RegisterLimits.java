package io.gridledger.metering;

import io.gridledger.ingest.MeterDirectory.RegisterDef;

import java.util.Locale;

/**
 * Plausibility limits for a cumulative register when the site model gives none: the largest increase per hour a
 * meter of that unit could show on a commercial site (a 2 MW feeder, a DN150 water main), and the register's last
 * digit. Generous on purpose: they catch spikes and counter resets, not heavy use.
 */
final class RegisterLimits {

  private RegisterLimits() {
  }

  static double maxRatePerHour(RegisterDef register) {
    String unit = register == null ? "" : register.unit().toLowerCase(Locale.ROOT);
    return switch (unit) {
      case "wh" -> 5_000_000;
      case "kwh", "kvarh" -> 5_000;
      case "mwh" -> 5;
      case "gj" -> 18;
      case "l" -> 500_000;
      case "m3" -> 500;
      default -> 5_000;
    };
  }

  static double resolution(RegisterDef register) {
    String unit = register == null ? "" : register.unit().toLowerCase(Locale.ROOT);
    return switch (unit) {
      case "mwh", "m3" -> 0.001;
      case "wh", "l" -> 1;
      default -> 0.01;
    };
  }
}
