package io.gridledger.live;

import io.gridledger.auth.ApiKeyStore;
import io.gridledger.auth.Principal;
import io.gridledger.auth.TokenService;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Who opens a live connection: the REST API's credentials, taken from the upgrade request. Programs send the usual
 * {@code Authorization: Bearer <jwt>} or {@code X-API-Key} header. Browsers cannot set headers on a WebSocket, so
 * they offer the credential as a sub-protocol next to {@value #PROTOCOL}:
 * {@code new WebSocket(url, ["gridledger.v1", "bearer." + token])} (or {@code "apikey." + key}); the server answers
 * with {@value #PROTOCOL} only, never echoing the credential. Either way the upgrade is refused (HTTP 401) before any
 * WebSocket exists when the credential is missing or invalid.
 */
final class LiveCredentials {

  static final String PROTOCOL = "gridledger.v1";
  private static final String BEARER = "bearer.";
  private static final String API_KEY = "apikey.";

  /** An authenticated caller; {@code expiresAtMs} is the token's expiry (0 for API keys, which are re-checked). */
  record Authenticated(Principal principal, long expiresAtMs, String apiKey) {
  }

  /** Why a handshake is refused: the HTTP status of the refusal. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final TokenService tokens;
  private final ApiKeyStore apiKeys;

  LiveCredentials(TokenService tokens, ApiKeyStore apiKeys) {
    this.tokens = tokens;
    this.apiKeys = apiKeys;
  }

  Future<Authenticated> authenticate(MultiMap headers) {
    String bearer = null;
    String apiKey = headers.get("X-API-Key");
    String authorization = headers.get("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      bearer = authorization.substring(7).trim();
    }
    String offered = headers.get("Sec-WebSocket-Protocol");
    if (offered != null) {
      boolean ours = false;
      for (String protocol : offered.split(",")) {
        String p = protocol.trim();
        if (p.equals(PROTOCOL)) {
          ours = true;
        } else if (p.startsWith(BEARER) && bearer == null) {
          bearer = p.substring(BEARER.length());
        } else if (p.startsWith(API_KEY) && apiKey == null) {
          apiKey = p.substring(API_KEY.length());
        }
      }
      if (!ours) {
        return Future.failedFuture(new Refused(400, "offer the sub-protocol " + PROTOCOL));
      }
    }
    if (bearer != null) {
      String token = bearer;
      return tokens.verify(token).map(p -> new Authenticated(p, expiryMs(token), null))
        .recover(e -> Future.failedFuture(new Refused(401, "the bearer token is invalid or expired")));
    }
    if (apiKey != null) {
      String key = apiKey;
      return check(key).map(p -> new Authenticated(p, 0, key));
    }
    return Future.failedFuture(new Refused(401, "no credentials"));
  }

  /** An API key again (revoked keys lose their connections): the principal, or a failed future. */
  Future<Principal> check(String apiKey) {
    return apiKeys.authenticate(apiKey).compose(p -> p == null
      ? Future.failedFuture(new Refused(401, "the API key is unknown or revoked")) : Future.succeededFuture(p));
  }

  /** The token was verified already; its payload's exp (seconds) says until when the connection may live. */
  private static long expiryMs(String jwt) {
    String[] parts = jwt.split("\\.");
    JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    Long exp = payload.getLong("exp");
    return exp == null ? 0 : exp * 1000;
  }
}
