package io.gridledger.ingest;

import java.time.Instant;

/**
 * One reading as a sender reported it: the meter by serial, the register by vocabulary name, the value in the
 * sender's unit. Nothing about it has been checked against the site model yet.
 */
public record IncomingReading(String serial, String register, Instant ts, double value, String unit, String quality) {
}
