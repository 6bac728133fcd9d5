package io.gridledger.metering;

import java.time.Instant;
import java.util.UUID;

/** A reading resolved to its meter and converted to the register's declared unit, ready to be stored. */
public record StoredReading(UUID meterId, String register, Instant ts, double value, String quality, String source,
                            String gateway) {
}
