package io.gridledger.metering;

import java.time.Instant;
import java.util.UUID;

/** A reading resolved to its meter and converted to the register's declared unit, ready to be stored. */
public record StoredReading(UUID meterId, String register, Instant ts, double value, String quality, String source,
                            String gateway) {

  /** The identity a duplicate shares: one reading per meter, register and instant (microseconds, as stored). */
  public Key key() {
    return new Key(meterId, register, ts.getEpochSecond() * 1_000_000 + ts.getNano() / 1000);
  }

  /** A reading's identity; a record so hashing costs no string building on the hot path. */
  public record Key(UUID meterId, String register, long epochMicros) {
  }
}
