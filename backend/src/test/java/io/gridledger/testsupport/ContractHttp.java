package io.gridledger.testsupport;

import io.gridledger.api.ContractLoader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Raw HTTP against the backend, with every response checked against the contract: its status must be one the
 * operation documents and its body must match that response's schema. Errors must be application/problem+json.
 */
public final class ContractHttp {

  /** One operation of the contract. */
  public record Operation(String id, String method, String path, boolean hasBody) {
  }

  /** A response: status, content type and the body parsed as JSON when it is JSON. */
  public record Response(int status, String contentType, String text, Map<String, List<String>> headers) {
    public JsonObject json() {
      return new JsonObject(text);
    }

    public Object body() {
      return text == null || text.isEmpty() ? null : Json.decodeValue(text);
    }
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static String contractYaml;

  private final TestBackend backend;
  private final ResponseValidator validator;

  private ContractHttp(TestBackend backend, ResponseValidator validator) {
    this.backend = backend;
    this.validator = validator;
  }

  public static ContractHttp of(TestBackend backend) {
    OpenAPIContract contract = OpenAPIContract.from(backend.vertx(), ContractLoader.routerCopy(contractYaml())).await();
    return new ContractHttp(backend, ResponseValidator.create(backend.vertx(), contract));
  }

  public static synchronized String contractYaml() {
    if (contractYaml == null) {
      try {
        Path fromModule = Path.of("..", "api-spec", "openapi.yaml");
        contractYaml = Files.readString(Files.exists(fromModule) ? fromModule : Path.of("api-spec", "openapi.yaml"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return contractYaml;
  }

  /** Every operation in the contract, from the published file itself. */
  public static List<Operation> operations() {
    JsonObject contract = ContractLoader.routerCopy(contractYaml());
    List<Operation> operations = new ArrayList<>();
    JsonObject paths = contract.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject && ((JsonObject) item.getValue(method)).containsKey("operationId")) {
          JsonObject op = item.getJsonObject(method);
          operations.add(new Operation(op.getString("operationId"), method.toUpperCase(), path, op.containsKey("requestBody")));
        }
      }
    }
    return operations;
  }

  /**
   * The media types the contract lists for the operation's response with this status: those under its content, and
   * text/csv where the operation or the response documents it in prose. Two operations (the consumption report and
   * the finance transactions) keep CSV out of content on purpose: with two media types on one response the run-time
   * validator of vertx-openapi 5.0.7 checked their JSON bodies against the CSV schema.
   */
  @SuppressWarnings("unchecked")
  static java.util.Set<String> documentedMediaTypes(String operationId, int status) {
    // The raw contract: the router's copy replaces the media types its library cannot load.
    JsonObject paths = new JsonObject((java.util.Map<String, Object>) new org.yaml.snakeyaml.Yaml(
      new org.yaml.snakeyaml.constructor.SafeConstructor(new org.yaml.snakeyaml.LoaderOptions())).load(contractYaml()))
      .getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && operationId.equals(op.getString("operationId"))) {
          JsonObject response = op.getJsonObject("responses").getJsonObject(String.valueOf(status));
          java.util.Set<String> types = new java.util.HashSet<>();
          if (response != null && response.getJsonObject("content") != null) {
            types.addAll(response.getJsonObject("content").fieldNames());
          }
          String prose = op.getString("description", "") + " " + (response == null ? "" : response.getString("description", ""));
          if (response != null && prose.contains("text/csv")) {
            types.add("text/csv");
          }
          return types;
        }
      }
    }
    return java.util.Set.of();
  }

  public String login(String username, String password) {
    Response r = call("createToken", "POST", "/auth/token", null,
      new JsonObject().put("username", username).put("password", password));
    assertEquals(200, r.status(), () -> "login of " + username + " failed: " + r.text());
    return r.json().getString("accessToken");
  }

  public Response call(String operationId, String method, String apiPath, String token, Object body) {
    return call(operationId, method, apiPath, token, body == null ? null : Json.encode(body), "application/json", Map.of());
  }

  public Response call(String operationId, String method, String apiPath, String token, String rawBody,
                       String contentType, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/api/v1" + apiPath))
      .method(method, rawBody == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(rawBody, StandardCharsets.UTF_8));
    if (rawBody != null) {
      request.header("Content-Type", contentType);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    Response response = send(request.build());
    if (operationId != null) {
      check(operationId, response);
    }
    return response;
  }

  public static Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Fails the test unless the response is documented for the operation and matches its schema. */
  public void check(String operationId, Response response) {
    boolean problem = response.status() >= 400;
    if (problem) {
      assertTrue(response.contentType().startsWith("application/problem+json"),
        () -> operationId + " answered " + response.status() + " as " + response.contentType() + ": " + response.text());
      JsonObject json = response.json();
      assertEquals(response.status(), json.getInteger("status"), "problem status must equal the HTTP status");
      assertTrue(json.getString("type").startsWith("https://gridledger.io/problems/"), "problem type must be stable");
      assertTrue(!response.text().contains("Exception") && !response.text().contains("SELECT "),
        () -> "internal detail leaked: " + response.text());
    }
    // Bodies are JSON except the few documented otherwise (a PDF bill, a CSV export): the validator reads JSON only,
    // so those are checked against the contract by status and media type.
    String mediaType = response.contentType().split(";")[0].trim();
    if (!problem && !mediaType.isEmpty() && !mediaType.endsWith("json")) {
      assertTrue(documentedMediaTypes(operationId, response.status()).contains(mediaType),
        () -> operationId + " answered " + response.status() + " as " + mediaType + ", which the contract does not list");
      return;
    }
    String contentType = response.text() == null || response.text().isEmpty() ? null : "application/json";
    ValidatableResponse validatable = contentType == null ? ValidatableResponse.create(response.status())
      : ValidatableResponse.create(response.status(), Buffer.buffer(response.text()), contentType);
    try {
      validator.validate(validatable, operationId).await();
    } catch (Exception e) {
      fail(operationId + " answered " + response.status() + " which the contract does not allow: " + e.getMessage()
        + "\nbody: " + response.text());
    }
  }
}
