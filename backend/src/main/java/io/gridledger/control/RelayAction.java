package io.gridledger.control;

import java.util.Locale;

/** What a command asks of a meter's supply relay. */
public enum RelayAction {
  /** Open the relay: cut the supply off. */
  OPEN,
  /** Close the relay: restore the supply. */
  CLOSE;

  /** The relay state this action leaves the meter in: true when closed (supplying). */
  public boolean closes() {
    return this == CLOSE;
  }

  /** The relay state (open or closed) the device must report to confirm the action. */
  public String targetState() {
    return RelayState.wire(closes());
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RelayAction parse(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
