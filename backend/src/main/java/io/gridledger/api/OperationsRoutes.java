package io.gridledger.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;

/**
 * The routes an operator and a developer need without credentials: health, the contract and its documentation.
 * Everything else needs a token.
 */
final class OperationsRoutes {

  private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/" + SwaggerUiVersion.VERSION;

  private final Vertx vertx;
  private final Pool pool;

  OperationsRoutes(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  void mount(Router root) {
    root.get("/health/live").handler(rc -> json(rc, 200, new JsonObject().put("status", "UP")));
    root.get("/health").handler(this::readiness);
    root.get("/openapi.yaml").handler(this::contract);
    // Vert.x matches "/docs" and "/docs/" alike: one handler tells them apart, so relative asset URLs resolve.
    root.get("/docs").handler(rc -> {
      if (rc.request().path().endsWith("/")) {
        docsPage(rc);
      } else {
        rc.redirect("/docs/");
      }
    });
    root.get("/docs/*").handler(StaticHandler.create(SWAGGER_UI).setCachingEnabled(true));
    // Without the twin's pages on the classpath (see io.gridledger.web.WebRoutes), / opens the API documentation.
    root.get("/").handler(rc -> rc.redirect("/docs/"));
  }

  /** Ready when the database answers; a load balancer takes an instance out when it is not. */
  private void readiness(RoutingContext rc) {
    long start = System.nanoTime();
    pool.query("SELECT 1").execute()
      .timeout(2, java.util.concurrent.TimeUnit.SECONDS)
      .onSuccess(r -> json(rc, 200, new JsonObject().put("status", "UP").put("checks", new JsonObject()
        .put("database", new JsonObject().put("status", "UP").put("latencyMs", (System.nanoTime() - start) / 1_000_000)))))
      .onFailure(e -> json(rc, 503, new JsonObject().put("status", "DOWN").put("checks", new JsonObject()
        .put("database", new JsonObject().put("status", "DOWN")))));
  }

  private void contract(RoutingContext rc) {
    vertx.fileSystem().readFile(ApiServer.CONTRACT_RESOURCE)
      .onSuccess(yaml -> rc.response().putHeader("Content-Type", "application/yaml").end(yaml))
      .onFailure(rc::fail);
  }

  private void docsPage(RoutingContext rc) {
    rc.response().putHeader("Content-Type", "text/html; charset=utf-8").end("<!doctype html><html><head>"
      + "<meta charset=\"utf-8\"><title>Gridledger API</title>"
      + "<link rel=\"stylesheet\" href=\"/docs/swagger-ui.css\"></head><body><div id=\"swagger-ui\"></div>"
      + "<script src=\"/docs/swagger-ui-bundle.js\"></script><script>"
      + "window.ui = SwaggerUIBundle({url: '/openapi.yaml', dom_id: '#swagger-ui', persistAuthorization: true});"
      + "</script></body></html>");
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
