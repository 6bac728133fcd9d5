package io.gridledger.control;

import java.util.Locale;

/**
 * Where a relay command is: recorded ({@code PENDING}), sent to the device and awaiting its report ({@code SENT}, also
 * between retries), {@code CONFIRMED} by the device reporting the requested state, {@code FAILED} after the last
 * attempt, or {@code SUPERSEDED} by a later command for the same meter before it was confirmed.
 */
public enum CommandState {
  PENDING, SENT, CONFIRMED, FAILED, SUPERSEDED;

  public boolean finished() {
    return this == CONFIRMED || this == FAILED || this == SUPERSEDED;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CommandState parse(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
