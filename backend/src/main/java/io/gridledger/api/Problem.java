package io.gridledger.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An RFC 9457 problem that a handler raises on purpose. Its {@code type} is stable: clients branch on it, so a slug,
 * once published in docs/api-errors.md, is never renamed.
 */
public final class Problem extends RuntimeException {

  public static final String TYPE_BASE = "https://gridledger.io/problems/";

  private final int status;
  private final String slug;
  private final String title;
  private final JsonArray errors;

  public Problem(int status, String slug, String title, String detail, JsonArray errors) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.errors = errors;
  }

  public static Problem notFound(String what) {
    return new Problem(404, "not-found", "Not found", "No " + what + " with that id is visible to you", null);
  }

  public static Problem forbidden(String detail) {
    return new Problem(403, "forbidden", "Forbidden", detail, null);
  }

  public static Problem unauthorized(String detail) {
    return new Problem(401, "unauthorized", "Unauthorized", detail, null);
  }

  public static Problem conflict(String slug, String detail) {
    return new Problem(409, slug, "Conflict", detail, null);
  }

  /** A well-formed request that breaks a rule of the model; {@code field} is a JSON pointer into the body. */
  public static Problem unprocessable(String slug, String field, String detail) {
    JsonArray errors = field == null ? null
      : new JsonArray().add(new JsonObject().put("field", field).put("message", detail));
    return new Problem(422, slug, "Unprocessable request", detail, errors);
  }

  public static Problem badRequest(String slug, String field, String detail) {
    JsonArray errors = field == null ? null
      : new JsonArray().add(new JsonObject().put("field", field).put("message", detail));
    return new Problem(400, slug, "Bad request", detail, errors);
  }

  public static Problem tooManyRequests(String detail) {
    return new Problem(429, "too-many-requests", "Too many requests", detail, null);
  }

  public int status() {
    return status;
  }

  public JsonObject toJson(String instance) {
    JsonObject json = new JsonObject()
      .put("type", TYPE_BASE + slug)
      .put("title", title)
      .put("status", status)
      .put("detail", getMessage());
    if (instance != null) {
      json.put("instance", instance);
    }
    if (errors != null && !errors.isEmpty()) {
      json.put("errors", errors);
    }
    return json;
  }
}
