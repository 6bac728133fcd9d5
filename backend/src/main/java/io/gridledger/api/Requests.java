package io.gridledger.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

import java.util.UUID;

/**
 * Reads the parts of a request that the contract has already validated, and writes JSON responses. Handlers use
 * these instead of the raw request, so they only ever see values the contract allows.
 */
public final class Requests {

  private Requests() {
  }

  private static ValidatedRequest validated(RoutingContext rc) {
    return rc.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  public static UUID pathId(RoutingContext rc, String name) {
    return UUID.fromString(validated(rc).getPathParameters().get(name).getString());
  }

  public static String query(RoutingContext rc, String name) {
    RequestParameter p = validated(rc).getQuery().get(name);
    return p == null || p.isNull() ? null : String.valueOf(p.get());
  }

  public static Integer queryInt(RoutingContext rc, String name) {
    RequestParameter p = validated(rc).getQuery().get(name);
    return p == null ? null : p.getInteger();
  }

  public static UUID queryId(RoutingContext rc, String name) {
    String value = query(rc, name);
    return value == null ? null : UUID.fromString(value);
  }

  public static JsonObject body(RoutingContext rc) {
    RequestParameter body = validated(rc).getBody();
    return body == null || body.isNull() ? new JsonObject() : body.getJsonObject();
  }

  /** RFC 3339 with seconds always present (OffsetDateTime.toString drops ":00", which the contract's date-time refuses). */
  public static String timestamp(java.time.OffsetDateTime time) {
    return time == null ? null : java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
  }

  public static void respond(RoutingContext rc, int status, Future<?> result) {
    result.onSuccess(value -> {
      if (value == null || status == 204) {
        rc.response().setStatusCode(204).end();
      } else {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(value instanceof JsonObject ? ((JsonObject) value).encode() : io.vertx.core.json.Json.encode(value));
      }
    }).onFailure(rc::fail);
  }

  public static void ok(RoutingContext rc, Future<?> result) {
    respond(rc, 200, result);
  }

  public static void created(RoutingContext rc, Future<?> result) {
    respond(rc, 201, result);
  }

  public static void noContent(RoutingContext rc, Future<?> result) {
    respond(rc, 204, result.map(v -> null));
  }
}
