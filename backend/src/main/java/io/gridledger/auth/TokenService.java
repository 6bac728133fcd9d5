package io.gridledger.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/** Issues and verifies HS256 JWTs that carry the caller's role and scope. */
public final class TokenService {

  private static final String ISSUER = "gridledger";

  private final JWTAuth jwt;
  private final int ttlSeconds;

  public TokenService(Vertx vertx, String secret, int ttlSeconds) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
      .setJWTOptions(new JWTOptions().setIssuer(ISSUER)));
    this.ttlSeconds = ttlSeconds;
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  public String issue(Principal principal) {
    JsonObject claims = new JsonObject()
      .put("sub", principal.subject())
      .put("role", principal.role().wireName())
      .put("sites", new JsonArray(principal.siteIds().stream().map(UUID::toString).toList()));
    if (principal.tenantId() != null) {
      claims.put("tenant", principal.tenantId().toString());
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER)
      .setExpiresInSeconds(ttlSeconds));
  }

  public Future<Principal> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token)).map(user -> {
      JsonObject claims = user.principal();
      Set<UUID> sites = new HashSet<>();
      claims.getJsonArray("sites", new JsonArray()).forEach(s -> sites.add(UUID.fromString((String) s)));
      String tenant = claims.getString("tenant");
      return new Principal(claims.getString("sub"), Role.fromWire(claims.getString("role")), sites,
        tenant == null ? null : UUID.fromString(tenant));
    });
  }
}
