package io.gridledger.control;

import io.vertx.core.Future;

import java.util.UUID;

/**
 * Switching meters' supply relays, for the API and for other capabilities (the prepaid policy, schedules). A command
 * is recorded, sent through the meter's own protocol, confirmed only when the device reports the requested state,
 * retried with exponential backoff, and on its last failed attempt marked failed with a {@code relay_unconfirmed}
 * alarm on the meter. Confirmed changes are published on {@link #LIVE_ADDRESS}.
 *
 * <p>Refusals (the meter has no relay; an automatic cut-off of a critical load; an operator cut-off of one without
 * {@link CommandCause#overrideCriticalLoad()}) fail the future with {@link RelayCommandRefused} and record nothing.
 * Callers may call from any thread or context.
 */
public interface RelayControl {

  /** Event-bus address of confirmed relay changes: {@code {siteId, meterId, state, commandId, confirmedAt}}. */
  String LIVE_ADDRESS = "gridledger.live.relay";

  /**
   * Records and starts a command; the future completes once it is recorded (state pending), not when the device
   * confirms: use {@link #outcome(UUID)} for that. A newer command for the same meter supersedes one still in flight.
   */
  Future<MeterCommand> command(UUID meterId, RelayAction action, CommandCause cause);

  /** Completes when the command is confirmed, failed or superseded (at once if it already is). */
  Future<MeterCommand> outcome(UUID commandId);

  /** The relay state last confirmed by the meter's device. */
  Future<RelayState> relayState(UUID meterId);
}
