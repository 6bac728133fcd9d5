package io.gridledger.control;

/**
 * A relay command that was refused before anything was recorded or sent: the meter has no relay, is a critical load,
 * or does not exist. {@link #slug()} is the problem type the API answers with (docs/api-errors.md).
 */
public final class RelayCommandRefused extends RuntimeException {

  public static final String NO_RELAY = "no-relay", CRITICAL_LOAD = "critical-load", NOT_FOUND = "not-found";

  private final String slug;

  public RelayCommandRefused(String slug, String reason) {
    super(reason, null, false, false);
    this.slug = slug;
  }

  public String slug() {
    return slug;
  }
}
