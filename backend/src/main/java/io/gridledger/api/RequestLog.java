package io.gridledger.api;

import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One structured line per request, with who asked, so an operator can trace a complaint to a caller. */
final class RequestLog {

  private static final Logger LOG = LoggerFactory.getLogger("io.gridledger.http");

  private RequestLog() {
  }

  static void handle(RoutingContext rc) {
    long startNanos = System.nanoTime();
    rc.addBodyEndHandler(v -> {
      Principal principal = rc.get(Authenticator.PRINCIPAL_KEY);
      LOG.info("http method={} path={} status={} durationMs={} subject={}", rc.request().method(),
        rc.request().path(), rc.response().getStatusCode(), (System.nanoTime() - startNanos) / 1_000_000,
        principal == null ? "-" : principal.subject());
    });
    rc.next();
  }
}
