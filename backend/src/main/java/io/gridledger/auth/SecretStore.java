package io.gridledger.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets every instance on one database must agree on. The first instance to start generates the JWT signing key;
 * later ones (and restarts) read the same key, so tokens stay valid across instances and restarts.
 */
public final class SecretStore {

  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretStore() {
  }

  public static Future<String> jwtSecret(Pool pool, String configured) {
    if (configured != null && !configured.isBlank()) {
      if (configured.length() < 32) {
        return Future.failedFuture(new IllegalArgumentException("auth.jwtSecret must be at least 32 characters"));
      }
      return Future.succeededFuture(configured);
    }
    byte[] bytes = new byte[48];
    RANDOM.nextBytes(bytes);
    String candidate = Base64.getEncoder().encodeToString(bytes);
    return pool.preparedQuery("INSERT INTO system_secret (name, value) VALUES ('jwt', $1) ON CONFLICT (name) DO NOTHING")
      .execute(Tuple.of(candidate))
      .compose(v -> pool.query("SELECT value FROM system_secret WHERE name = 'jwt'").execute())
      .map(rows -> rows.iterator().next().getString("value"));
  }
}
