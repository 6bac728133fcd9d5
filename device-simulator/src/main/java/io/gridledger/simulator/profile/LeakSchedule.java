package io.gridledger.simulator.profile;

import java.time.LocalDate;

/**
 * Decides, reproducibly from the serial and the date, when a water meter sees a leak: a running toilet or a dripping
 * tap that adds a small constant flow day and night. Leaks come in three-day windows and hit about one meter in twelve
 * per window, so over a month of demo time several meters show the tell-tale continuous night flow.
 */
public final class LeakSchedule {

  private static final int WINDOW_DAYS = 3;
  private static final int ONE_IN = 12;

  private LeakSchedule() {
  }

  /** The leak flow in m3/h on that local date, 0 when there is none. */
  public static double leakFlowM3h(String serial, LocalDate date) {
    long window = Math.floorDiv(date.toEpochDay(), WINDOW_DAYS);
    long h = mix(serial.hashCode() * 0x9E3779B97F4A7C15L + window);
    if (Math.floorMod(h, ONE_IN) != 0) {
      return 0;
    }
    // 20 to 120 litres an hour: from a dripping tap to a running cistern.
    return 0.02 + (Math.floorMod(h >>> 8, 100) / 100.0) * 0.10;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
