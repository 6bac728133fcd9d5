package io.gridledger.prepaid;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.LocalTime;

/**
 * The {@code prepaid.*} configuration section.
 *
 * @param scanInterval          how often intervals are charged and the policy checked
 * @param scanOverlap           how far behind the watermark each scan looks again, for interval rebuilds whose
 *                              transaction committed after a later scan had passed their computed_at
 * @param maxBatchIntervals     meter-intervals charged per scan transaction (bounds memory and lock time)
 * @param grace                 how long a wallet stays exhausted before its supply is cut off
 * @param friendlyStart         site-local time from which no cut-off happens (evening)...
 * @param friendlyEnd           ...until this time the next morning
 * @param lowBalanceDefaultMinor the low-balance mark of wallets whose own mark is 0 or less
 */
record PrepaidSettings(boolean enabled, Duration scanInterval, Duration scanOverlap, int maxBatchIntervals,
                       Duration grace, LocalTime friendlyStart, LocalTime friendlyEnd, long lowBalanceDefaultMinor) {

  static PrepaidSettings from(JsonObject section) {
    return new PrepaidSettings(section.getBoolean("enabled", true),
      Duration.ofMillis(Math.max(100, section.getLong("scanIntervalMs", 5_000L))),
      Duration.ofSeconds(Math.max(0, section.getLong("scanOverlapSeconds", 300L))),
      Math.max(1, Math.min(5_000, section.getInteger("maxBatchIntervals", 500))),
      Duration.ofMinutes(Math.max(0, section.getLong("graceMinutes", 60L))),
      LocalTime.parse(section.getString("friendlyStart", "18:00")),
      LocalTime.parse(section.getString("friendlyEnd", "08:00")),
      section.getLong("lowBalanceDefaultMinor", 1000L));
  }
}
