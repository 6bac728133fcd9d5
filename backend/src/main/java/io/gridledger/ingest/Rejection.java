package io.gridledger.ingest;

/** Something sent to us that could not be ingested, and why: it becomes a dead letter, never silence. */
public record Rejection(String serial, String register, String reason, String payload) {
}
