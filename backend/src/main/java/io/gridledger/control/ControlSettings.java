package io.gridledger.control;

import io.vertx.core.json.JsonObject;

/**
 * The {@code control.*} configuration (docs/configuration.md): how often and how patiently a relay command is tried.
 *
 * @param maxAttempts      attempts per command, the first included
 * @param confirmTimeoutMs how long one attempt may take, from sending to the device's report
 * @param backoffMs        pause before the first retry; it doubles before each further retry
 * @param maxBackoffMs     the longest pause between attempts
 */
public record ControlSettings(int maxAttempts, long confirmTimeoutMs, long backoffMs, long maxBackoffMs) {

  public static final int MAX_ATTEMPTS_LIMIT = 20;

  public ControlSettings {
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new IllegalArgumentException("control.maxAttempts must be 1 to " + MAX_ATTEMPTS_LIMIT + ": " + maxAttempts);
    }
    if (confirmTimeoutMs < 100 || confirmTimeoutMs > 600_000) {
      throw new IllegalArgumentException("control.confirmTimeoutMs must be 100 to 600000: " + confirmTimeoutMs);
    }
    if (backoffMs < 0 || maxBackoffMs < backoffMs || maxBackoffMs > 3_600_000) {
      throw new IllegalArgumentException("control.backoffMs must be at least 0 and at most control.maxBackoffMs "
        + "(at most 3600000): " + backoffMs + ", " + maxBackoffMs);
    }
  }

  public static ControlSettings from(JsonObject section) {
    return new ControlSettings(section.getInteger("maxAttempts"), section.getLong("confirmTimeoutMs"),
      section.getLong("backoffMs"), section.getLong("maxBackoffMs"));
  }

  /** The pause after failed attempt {@code attempt} (1-based): backoffMs, doubling, capped at maxBackoffMs. */
  public long backoffAfter(int attempt) {
    int doublings = Math.min(Math.max(0, attempt - 1), 30);
    return Math.min(maxBackoffMs, backoffMs << doublings);
  }

  /** The longest a command can take from its first attempt to its outcome. */
  public long longestCommandMs() {
    long total = maxAttempts * confirmTimeoutMs;
    for (int attempt = 1; attempt < maxAttempts; attempt++) {
      total += backoffAfter(attempt);
    }
    return total;
  }
}
