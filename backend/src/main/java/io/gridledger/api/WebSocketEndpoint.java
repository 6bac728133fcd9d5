package io.gridledger.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.ext.web.Router;

/**
 * A WebSocket endpoint served by the API's HTTP server (same host and port as the REST API). It is not a contract
 * operation: the HTTP server hands it every WebSocket handshake before the router sees anything, so it authenticates
 * and accepts or refuses the upgrade itself.
 */
public interface WebSocketEndpoint {

  /** The path it answers, e.g. /api/v1/live; handshakes on other paths are refused with 404. */
  String path();

  /** Called on the API server's context before it listens: event-bus consumers registered here run on that loop. */
  Future<Void> start(Vertx vertx);

  /** WebSocket-only server options (sub-protocols, frame limits); HTTP options are left alone. */
  void configure(HttpServerOptions options);

  /** Plain (non-upgrade) requests to {@link #path()}: mounted on the root router before authentication. */
  void mount(Router root);

  /**
   * Accept or reject the upgrade (asynchronously: authentication may query the database); the socket comes with
   * {@link ServerWebSocketHandshake#accept()}.
   */
  void handshake(ServerWebSocketHandshake handshake);

  Future<Void> stop();
}
