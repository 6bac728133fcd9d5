package io.gridledger.control;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.UUID;

/**
 * A meter's relay as last confirmed by its device. {@code state} is "open", "closed", or "unknown" while no command
 * has been confirmed for the meter (its relay was never switched through Gridledger).
 */
public record RelayState(UUID meterId, UUID siteId, String state, Instant confirmedAt, UUID commandId) {

  public static final String OPEN = "open", CLOSED = "closed", UNKNOWN = "unknown";

  public static String wire(boolean closed) {
    return closed ? CLOSED : OPEN;
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("meterId", meterId.toString())
      .put("siteId", siteId.toString())
      .put("state", state)
      .put("confirmedAt", confirmedAt == null ? null : confirmedAt.toString())
      .put("commandId", commandId == null ? null : commandId.toString());
  }
}
