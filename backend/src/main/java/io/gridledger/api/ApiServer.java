package io.gridledger.api;

import io.gridledger.auth.Authenticator;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.function.Function;

/**
 * The HTTP face of the backend. The API router is built from the contract at start, so every request is validated
 * against it before a handler sees it; a contract operation without a handler stops the start instead of answering 503.
 */
public final class ApiServer extends VerticleBase {

  public static final String CONTRACT_RESOURCE = "api/openapi.yaml";
  public static final String API_BASE = "/api/v1";

  private final JsonObject httpConfig;
  private final Pool pool;
  private final Authenticator authenticator;
  private final Function<io.vertx.core.Vertx, List<OperationBinder>> binders;
  private HttpServer server;
  private List<OperationBinder> bound = List.of();
  private WebSocketEndpoint webSockets;
  private io.gridledger.web.WebRoutes web;

  public ApiServer(JsonObject httpConfig, Pool pool, Authenticator authenticator,
                   Function<io.vertx.core.Vertx, List<OperationBinder>> binders) {
    this.httpConfig = httpConfig;
    this.pool = pool;
    this.authenticator = authenticator;
    this.binders = binders;
  }

  /** Serves {@code endpoint}'s WebSocket on this server (call before deployment). */
  public ApiServer webSockets(WebSocketEndpoint endpoint) {
    this.webSockets = endpoint;
    return this;
  }

  /** Serves the twin and the tenant portal at / and /portal (call before deployment). */
  public ApiServer web(io.gridledger.web.WebRoutes routes) {
    this.web = routes;
    return this;
  }

  @Override
  public Future<?> start() {
    Future<Void> endpointStarted = webSockets == null ? Future.succeededFuture() : webSockets.start(vertx);
    return endpointStarted.compose(v -> ContractLoader.load(vertx))
      .map(this::apiRouter)
      .map(this::rootRouter)
      .compose(router -> {
        HttpServerOptions options = new HttpServerOptions()
          .setHost(httpConfig.getString("host"))
          .setCompressionSupported(true);
        if (webSockets != null) {
          webSockets.configure(options);
        }
        HttpServer created = vertx.createHttpServer(options).requestHandler(router);
        if (webSockets != null) {
          created.webSocketHandshakeHandler(this::handshake);
        }
        return created.listen(httpConfig.getInteger("port"));
      })
      .onSuccess(s -> server = s);
  }

  private void handshake(io.vertx.core.http.ServerWebSocketHandshake handshake) {
    if (webSockets.path().equals(handshake.path())) {
      webSockets.handshake(handshake);
    } else {
      handshake.reject(404);
    }
  }

  public int actualPort() {
    return server.actualPort();
  }

  private Router apiRouter(OpenAPIContract contract) {
    RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    bound = binders.apply(vertx);
    bound.forEach(binder -> binder.bind(builder));
    List<String> unbound = builder.getRoutes().stream()
      .filter(route -> route.getHandlers().isEmpty())
      .map(OpenAPIRoute::getOperation)
      .map(op -> op.getOperationId())
      .toList();
    if (!unbound.isEmpty()) {
      throw new IllegalStateException("contract operations without a handler: " + unbound);
    }
    Router api = builder.createRouter();
    api.route().failureHandler(ProblemResponder::handle);
    return api;
  }

  private Router rootRouter(Router api) {
    Router root = Router.router(vertx);
    root.route().handler(RequestLog::handle);
    root.route().handler(ApiServer::securityHeaders);
    if (web != null) {
      web.mount(vertx, root);
    }
    new OperationsRoutes(vertx, pool).mount(root);
    bound.forEach(binder -> binder.mountPublic(root));
    if (webSockets != null) {
      webSockets.mount(root);
    }
    root.route(API_BASE + "/*").handler(BodyHandler.create(false)
      .setBodyLimit(httpConfig.getInteger("bodyLimitBytes")));
    root.route(API_BASE + "/*").handler(authenticator);
    root.route(API_BASE + "/*").subRouter(api);
    root.route().failureHandler(ProblemResponder::handle);
    root.errorHandler(404, ApiServer::statusProblem);
    root.errorHandler(405, ApiServer::statusProblem);
    root.errorHandler(413, ApiServer::statusProblem);
    api.errorHandler(404, ApiServer::statusProblem);
    api.errorHandler(405, ApiServer::statusProblem);
    return root;
  }

  private static void statusProblem(RoutingContext rc) {
    ProblemResponder.handle(rc);
  }

  private static void securityHeaders(RoutingContext rc) {
    rc.response().putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Referrer-Policy", "no-referrer");
    rc.next();
  }

  @Override
  public Future<?> stop() {
    Future<Void> endpoint = webSockets == null ? Future.succeededFuture() : webSockets.stop();
    return endpoint.eventually(() -> server == null ? Future.succeededFuture() : server.close());
  }
}
