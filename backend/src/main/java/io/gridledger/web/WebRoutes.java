package io.gridledger.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Serves the twin-web build from the classpath ({@code webroot/}, put there by the gridledger-twin-web jar): the
 * operator's twin at {@code /}, the tenant portal at {@code /portal}, their hashed assets under {@code /assets}, and
 * {@code /web/config.json}, which tells the pages whether this is the demo (whose login screen lists the demo logins).
 * The pages call the REST API under /api/v1 like any other client.
 */
public final class WebRoutes {

  static final String WEBROOT = "webroot";
  /** Asset names carry a content hash, so a browser may keep them for a year. */
  private static final long ASSET_MAX_AGE_SECONDS = 365L * 24 * 3600;
  /** uPlot and the legend set inline styles; scripts only from here; the live hub over ws(s) on this host. */
  private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    + "img-src 'self' data: blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'";

  private final boolean demo;

  public WebRoutes(boolean demo) {
    this.demo = demo;
  }

  /** True when the jar with the built pages is on the classpath (a backend built without twin-web serves none). */
  public static boolean available() {
    return WebRoutes.class.getClassLoader().getResource(WEBROOT + "/index.html") != null;
  }

  public void mount(Vertx vertx, Router root) {
    if (!available()) {
      return;
    }
    Future<Buffer> twin = vertx.fileSystem().readFile(WEBROOT + "/index.html");
    Future<Buffer> portal = vertx.fileSystem().readFile(WEBROOT + "/portal/index.html");
    root.get("/web/config.json").handler(this::config);
    root.get("/").handler(rc -> page(rc, twin));
    // Vert.x matches "/portal" and "/portal/" alike; the page's asset URLs are absolute, so both work.
    root.get("/portal").handler(rc -> page(rc, portal));
    // The route prefix is stripped: /assets/x.js is served from webroot/assets/x.js.
    root.get("/assets/*").handler(StaticHandler.create(WEBROOT + "/assets").setCachingEnabled(true)
      .setMaxAgeSeconds(ASSET_MAX_AGE_SECONDS).setDirectoryListing(false));
  }

  private static void page(RoutingContext rc, Future<Buffer> html) {
    html.onSuccess(body -> rc.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache").putHeader("Content-Security-Policy", CSP).end(body))
      .onFailure(rc::fail);
  }

  private void config(RoutingContext rc) {
    JsonArray logins = new JsonArray();
    if (demo) {
      logins.add(login("admin", "admin", "operator: the twin"))
        .add(login("tenant1", "demo", "prepaid office tenant: /portal"))
        .add(login("tenant2", "demo", "postpaid shop: /portal"));
    }
    rc.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-cache")
      .end(new JsonObject().put("demo", demo).put("demoLogins", logins).encode());
  }

  private static JsonObject login(String username, String password, String note) {
    return new JsonObject().put("username", username).put("password", password).put("note", note);
  }
}
