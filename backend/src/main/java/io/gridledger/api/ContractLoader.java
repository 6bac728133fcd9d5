package io.gridledger.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.Map;

/**
 * Loads api-spec/openapi.yaml (copied onto the classpath by the build) for the router.
 *
 * <p>Why not {@code OpenAPIContract.from(vertx, path)} directly: vertx-openapi 5.0.x refuses contracts that mention a
 * media type outside its fixed list, and RFC 9457's {@code application/problem+json} is not on it (custom types
 * arrive in a later release). The router only validates requests, so response media types are irrelevant to it:
 * they are rewritten to application/json for the router's copy. The published contract keeps problem+json.
 *
 * <p>Security requirements are removed from the router's copy too: the contract's bearerAuth and apiKey schemes are
 * enforced by {@link io.gridledger.auth.Authenticator} in front of this router, which must run before body validation
 * so an anonymous caller learns nothing from a 400.
 */
public final class ContractLoader {

  private ContractLoader() {
  }

  public static Future<OpenAPIContract> load(Vertx vertx) {
    return vertx.fileSystem().readFile(ApiServer.CONTRACT_RESOURCE)
      .compose(yaml -> OpenAPIContract.from(vertx, routerCopy(yaml.toString())));
  }

  /** The contract as JSON, response media types the library cannot load replaced by application/json. */
  public static JsonObject routerCopy(String yaml) {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    JsonObject contract = new JsonObject(map);
    contract.remove("security");
    rewriteResponses(contract.getJsonObject("components", new JsonObject()).getJsonObject("responses", new JsonObject()));
    JsonObject paths = contract.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        Object operation = item.getValue(method);
        if (operation instanceof JsonObject) {
          ((JsonObject) operation).remove("security");
          dropTextSchemas((JsonObject) operation);
        }
        if (operation instanceof JsonObject && ((JsonObject) operation).containsKey("responses")) {
          rewriteResponses(((JsonObject) operation).getJsonObject("responses"));
        }
      }
    }
    return contract;
  }

  /**
   * vertx-openapi hands a text/plain body to the JSON schema validator as a buffer, which it cannot validate; such
   * bodies (CSV) are parsed and checked by their handlers, and their size is bounded by the body limit.
   */
  private static void dropTextSchemas(JsonObject operation) {
    JsonObject body = operation.getJsonObject("requestBody");
    JsonObject content = body == null ? null : body.getJsonObject("content");
    if (content != null && content.getJsonObject(MediaType.TEXT_PLAIN) != null) {
      content.getJsonObject(MediaType.TEXT_PLAIN).remove("schema");
    }
  }

  private static void rewriteResponses(JsonObject responses) {
    for (String status : responses.fieldNames()) {
      JsonObject content = responses.getJsonObject(status).getJsonObject("content");
      if (content == null) {
        continue;
      }
      for (String type : content.fieldNames().toArray(new String[0])) {
        if (!MediaType.isMediaTypeSupported(type)) {
          Object schema = content.remove(type);
          content.put(MediaType.APPLICATION_JSON, schema);
        }
      }
    }
  }
}
