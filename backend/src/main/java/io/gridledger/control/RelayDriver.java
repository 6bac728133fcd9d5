package io.gridledger.control;

import io.vertx.core.Future;

import java.util.UUID;

/** Delivers a relay switch to a meter through its protocol and reports what the device then says its relay is. */
interface RelayDriver {

  /**
   * Switches the relay ({@code closed}: true restores, false cuts off) and completes with the state the device reports
   * afterwards (true when closed), or fails when the device cannot be reached or refuses. Bounded by
   * {@code timeoutMs}; called on the control verticle's context.
   */
  Future<Boolean> switchRelay(RelayTarget meter, boolean closed, UUID commandId, long timeoutMs);
}
