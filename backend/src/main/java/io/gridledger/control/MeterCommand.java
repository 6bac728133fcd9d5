package io.gridledger.control;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A relay command as recorded: what was asked, why and by whom, how far delivery got. The API representation is
 * {@link #toJson()} (the contract's MeterCommand).
 *
 * @param reportedState the relay state the device reported when it confirmed ("open"/"closed"), else null
 */
public record MeterCommand(UUID id, UUID siteId, UUID meterId, RelayAction action, CommandState state,
                           CommandCause cause, String protocol, int attempts, int maxAttempts, String lastError,
                           String reportedState, Instant requestedAt, Instant sentAt, Instant confirmedAt,
                           Instant completedAt) {

  /** From the JSON document {@link CommandStore} selects (timestamps as PostgreSQL renders them). */
  static MeterCommand fromJson(JsonObject doc) {
    CommandCause cause = new CommandCause(CommandCause.Kind.parse(doc.getString("cause")), doc.getString("actor"),
      doc.getString("reason"), doc.getBoolean("overrideCriticalLoad"));
    return new MeterCommand(UUID.fromString(doc.getString("id")), UUID.fromString(doc.getString("siteId")),
      UUID.fromString(doc.getString("meterId")), RelayAction.parse(doc.getString("action")),
      CommandState.parse(doc.getString("state")), cause, doc.getString("protocol"), doc.getInteger("attempts"),
      doc.getInteger("maxAttempts"), doc.getString("lastError"), doc.getString("reportedState"),
      instant(doc.getString("requestedAt")), instant(doc.getString("sentAt")), instant(doc.getString("confirmedAt")),
      instant(doc.getString("completedAt")));
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("id", id.toString())
      .put("siteId", siteId.toString())
      .put("meterId", meterId.toString())
      .put("action", action.wire())
      .put("state", state.wire())
      .put("cause", cause.kind().wire())
      .put("actor", cause.actor())
      .put("reason", cause.reason())
      .put("overrideCriticalLoad", cause.overrideCriticalLoad())
      .put("protocol", protocol)
      .put("attempts", attempts)
      .put("maxAttempts", maxAttempts)
      .put("lastError", lastError)
      .put("reportedState", reportedState)
      .put("requestedAt", text(requestedAt))
      .put("sentAt", text(sentAt))
      .put("confirmedAt", text(confirmedAt))
      .put("completedAt", text(completedAt));
  }

  private static Instant instant(String text) {
    return text == null ? null : OffsetDateTime.parse(text).toInstant();
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
