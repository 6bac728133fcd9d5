package io.gridledger.control;

import java.util.Locale;
import java.util.Objects;

/**
 * Who or what caused a relay command, recorded with it.
 *
 * @param kind                 operator (a person through the API), prepaid (the prepaid policy), schedule
 * @param actor                the principal subject ("user:&lt;id&gt;") or the policy's reference (an account, a rule)
 * @param reason               why, in words a person reading the history understands
 * @param overrideCriticalLoad an operator's explicit decision to cut off a meter flagged critical_load; automatic
 *                             causes can never override
 */
public record CommandCause(Kind kind, String actor, String reason, boolean overrideCriticalLoad) {

  public static final int MAX_ACTOR_LENGTH = 200, MAX_REASON_LENGTH = 500;

  public enum Kind {
    OPERATOR, PREPAID, SCHEDULE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String wire) {
      return valueOf(wire.toUpperCase(Locale.ROOT));
    }
  }

  public CommandCause {
    Objects.requireNonNull(kind, "kind");
    if (actor == null || actor.isBlank() || actor.length() > MAX_ACTOR_LENGTH) {
      throw new IllegalArgumentException("a command cause needs an actor of 1 to " + MAX_ACTOR_LENGTH + " characters");
    }
    if (reason == null || reason.isBlank() || reason.length() > MAX_REASON_LENGTH) {
      throw new IllegalArgumentException("a command cause needs a reason of 1 to " + MAX_REASON_LENGTH + " characters");
    }
    if (overrideCriticalLoad && kind != Kind.OPERATOR) {
      throw new IllegalArgumentException("only an operator can override a critical load");
    }
  }

  public static CommandCause operator(String subject, String reason, boolean overrideCriticalLoad) {
    return new CommandCause(Kind.OPERATOR, subject, reason, overrideCriticalLoad);
  }

  /** @param reference what in the prepaid policy decided it, e.g. "account:&lt;id&gt;" or "tenant:&lt;id&gt;" */
  public static CommandCause prepaid(String reference, String reason) {
    return new CommandCause(Kind.PREPAID, reference, reason, false);
  }

  /** @param reference the schedule entry that fired */
  public static CommandCause schedule(String reference, String reason) {
    return new CommandCause(Kind.SCHEDULE, reference, reason, false);
  }

  public boolean automatic() {
    return kind != Kind.OPERATOR;
  }
}
