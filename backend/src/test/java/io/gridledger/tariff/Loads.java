package io.gridledger.tariff;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/** Builds 15-minute interval usage for tests: a base load over whole local days, plus explicit intervals. */
final class Loads {

  static final int INTERVAL_SECONDS = 900;

  private final TreeMap<Long, Long> milliByStart = new TreeMap<>();

  /** {@code milliPerInterval} in every 15-minute interval of the local days [from, to), in real (UTC) time. */
  Loads base(ZoneId zone, LocalDate from, LocalDate to, long milliPerInterval) {
    long start = from.atStartOfDay(zone).toEpochSecond();
    long end = to.atStartOfDay(zone).toEpochSecond();
    for (long t = start; t < end; t += INTERVAL_SECONDS) {
      milliByStart.put(t, milliPerInterval);
    }
    return this;
  }

  /** Sets the interval starting at a UTC time (unambiguous, also inside a repeated local hour). */
  Loads atUtc(LocalDateTime utc, long milli) {
    milliByStart.put(utc.toEpochSecond(ZoneOffset.UTC), milli);
    return this;
  }

  /** Sets the interval starting at a local time that occurs once. */
  Loads atLocal(ZoneId zone, LocalDateTime local, long milli) {
    milliByStart.put(local.atZone(zone).toEpochSecond(), milli);
    return this;
  }

  int size() {
    return milliByStart.size();
  }

  IntervalUsage usage() {
    long[] starts = new long[milliByStart.size()];
    long[] qty = new long[milliByStart.size()];
    int i = 0;
    for (Map.Entry<Long, Long> e : milliByStart.entrySet()) {
      starts[i] = e.getKey();
      qty[i++] = e.getValue();
    }
    return new IntervalUsage(INTERVAL_SECONDS, starts, qty);
  }

  static TariffDocument tariff(String json) {
    return TariffDocument.parse(new JsonObject(json));
  }
}
