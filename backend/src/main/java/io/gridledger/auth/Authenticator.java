package io.gridledger.auth;

import io.gridledger.api.Problem;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Establishes who is calling before any API handler runs: a Bearer JWT or an X-API-Key. Everything under /api/v1
 * needs one, except the login operation itself and signed payment webhooks. Authorisation of the object touched happens in each handler.
 */
public final class Authenticator implements Handler<RoutingContext> {

  public static final String PRINCIPAL_KEY = "gridledger.principal";
  private static final String LOGIN_PATH = "/api/v1/auth/token";
  /** Operations whose caller proves itself otherwise: payment providers sign their webhooks. */
  private static final java.util.Set<String> PUBLIC_PATHS = java.util.Set.of(LOGIN_PATH, "/api/v1/payments/webhooks/stripe");

  private final TokenService tokens;
  private final ApiKeyStore apiKeys;

  public Authenticator(TokenService tokens, ApiKeyStore apiKeys) {
    this.tokens = tokens;
    this.apiKeys = apiKeys;
  }

  public static Principal principal(RoutingContext rc) {
    Principal principal = rc.get(PRINCIPAL_KEY);
    if (principal == null) {
      throw Problem.unauthorized("Credentials are missing or invalid");
    }
    return principal;
  }

  @Override
  public void handle(RoutingContext rc) {
    if (PUBLIC_PATHS.contains(rc.normalizedPath())) {
      rc.next();
      return;
    }
    String authorization = rc.request().getHeader("Authorization");
    String apiKey = rc.request().getHeader("X-API-Key");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      tokens.verify(authorization.substring(7).trim())
        .onSuccess(p -> proceed(rc, p))
        .onFailure(e -> rc.fail(Problem.unauthorized("The bearer token is invalid or expired")));
    } else if (apiKey != null) {
      apiKeys.authenticate(apiKey)
        .onSuccess(p -> {
          if (p == null) {
            rc.fail(Problem.unauthorized("The API key is unknown or revoked"));
          } else {
            proceed(rc, p);
          }
        })
        .onFailure(rc::fail);
    } else {
      rc.fail(Problem.unauthorized("Send a Bearer token (POST /api/v1/auth/token) or an X-API-Key header"));
    }
  }

  private static void proceed(RoutingContext rc, Principal principal) {
    rc.put(PRINCIPAL_KEY, principal);
    rc.next();
  }
}
