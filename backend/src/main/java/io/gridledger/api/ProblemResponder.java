package io.gridledger.api;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Turns every failure into an application/problem+json response. Nothing internal (stack traces, SQL, driver
 * messages) reaches the client: unexpected failures are logged with a reference the operator can grep for.
 */
public final class ProblemResponder {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemResponder.class);

  private ProblemResponder() {
  }

  public static void handle(RoutingContext rc) {
    Problem problem = toProblem(rc);
    send(rc, problem);
  }

  public static void send(RoutingContext rc, Problem problem) {
    HttpServerResponse response = rc.response();
    if (response.ended()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (problem.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"gridledger\"");
    }
    response.setStatusCode(problem.status())
      .putHeader("Content-Type", "application/problem+json")
      .end(problem.toJson(rc.request().path()).encode());
  }

  static Problem toProblem(RoutingContext rc) {
    Throwable failure = rc.failure();
    if (failure instanceof Problem) {
      return (Problem) failure;
    }
    if (failure instanceof HttpException && failure.getCause() instanceof ValidatorException) {
      return fromValidation((ValidatorException) failure.getCause());
    }
    if (failure instanceof ValidatorException) {
      return fromValidation((ValidatorException) failure);
    }
    if (failure instanceof PgException) {
      return fromDatabase(rc, (PgException) failure);
    }
    int status = failure instanceof HttpException ? ((HttpException) failure).getStatusCode() : rc.statusCode();
    switch (status) {
      case 400:
        return Problem.badRequest("malformed-request", null, "The request could not be read");
      case 401:
        return Problem.unauthorized("Credentials are missing or invalid");
      case 404:
        return new Problem(404, "not-found", "Not found", "No resource at " + rc.request().path(), null);
      case 405:
        return new Problem(405, "method-not-allowed", "Method not allowed",
          rc.request().method() + " is not allowed on " + rc.request().path(), null);
      case 413:
        return new Problem(413, "payload-too-large", "Payload too large",
          "The request body is larger than the configured limit", null);
      case 415:
        return new Problem(415, "unsupported-media-type", "Unsupported media type",
          "Send the body as application/json", null);
      default:
        return internalError(rc, failure);
    }
  }

  private static Problem fromValidation(ValidatorException e) {
    JsonArray errors = new JsonArray();
    if (e instanceof SchemaValidationException && ((SchemaValidationException) e).getOutputUnit() != null) {
      collectLeafErrors(((SchemaValidationException) e).getOutputUnit(), errors, new LinkedHashSet<>());
    }
    String parameter = parameterName(e.getMessage());
    if (parameter != null) {
      // A parameter's schema errors point into the parameter ("#"); the parameter's name is what the caller needs.
      errors = new JsonArray().add(new JsonObject().put("field", parameter).put("message", e.getMessage()));
    } else if (errors.isEmpty()) {
      errors.add(new JsonObject().put("field", "body").put("message", e.getMessage()));
    }
    boolean malformed = e.getMessage() != null && e.getMessage().contains("can't be decoded");
    return new Problem(400, malformed ? "malformed-json" : "validation-failed",
      malformed ? "Malformed JSON" : "Request does not match the contract", e.getMessage(), errors);
  }

  /** Validator messages name parameters as "... query parameter limit ..." or "path parameter siteId". */
  private static String parameterName(String message) {
    if (message == null) {
      return null;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern
      .compile("(?:query|path|header|cookie) parameter ([A-Za-z0-9_-]+)").matcher(message);
    return m.find() ? m.group(1) : null;
  }

  private static void collectLeafErrors(OutputUnit unit, JsonArray out, Set<String> seen) {
    if (unit.getErrors() != null && !unit.getErrors().isEmpty()) {
      for (OutputUnit child : unit.getErrors()) {
        collectLeafErrors(child, out, seen);
      }
      return;
    }
    if (unit.getError() == null) {
      return;
    }
    // The validator reports "#/a/0/b"; callers get the JSON pointer "/a/0/b" (RFC 6901), "/" for the body itself.
    String location = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation();
    String field = location.startsWith("#") ? location.substring(1) : location;
    field = field.isEmpty() ? "/" : field;
    if (seen.add(field + unit.getError()) && out.size() < 20) {
      out.add(new JsonObject().put("field", field).put("message", unit.getError()));
    }
  }

  private static Problem fromDatabase(RoutingContext rc, PgException e) {
    String state = e.getSqlState();
    if ("23505".equals(state)) {
      return Problem.conflict("duplicate", "An object with the same unique name, serial or key already exists");
    }
    if ("23503".equals(state)) {
      String detail = e.getDetail() == null ? "" : e.getDetail();
      if (detail.contains("still referenced")) {
        return Problem.conflict("has-dependents", "Other objects still refer to this one; remove them first");
      }
      return Problem.unprocessable("invalid-reference", null, "A referenced object does not exist on this site");
    }
    if ("23514".equals(state) || "22P02".equals(state) || "22003".equals(state)) {
      return Problem.unprocessable("constraint-violated", null, "A value breaks a rule of the model");
    }
    if ("40001".equals(state) || "40P01".equals(state)) {
      return new Problem(503, "retry", "Try again", "A concurrent change won; retry the request", null);
    }
    return internalError(rc, e);
  }

  private static Problem internalError(RoutingContext rc, Throwable failure) {
    String reference = Long.toHexString(System.nanoTime());
    LOG.error("unhandled failure ref={} method={} path={}", reference, rc.request().method(), rc.request().path(), failure);
    return new Problem(500, "internal-error", "Internal error",
      "Something went wrong on our side; the server log has the details under reference " + reference, null);
  }
}
