package io.gridledger.auth;

import io.gridledger.api.PageQuery;
import io.gridledger.api.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * API keys for integrations. Only a SHA-256 of the key is stored: the key has 256 random bits, so a fast hash is
 * enough (unlike passwords) and lookups stay cheap on every request.
 */
public final class ApiKeyStore {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String DOC = "json_build_object('id', k.id, 'name', k.name, 'prefix', k.prefix, "
    + "'role', k.role, 'siteIds', to_json(k.site_ids), 'createdAt', k.created_at)";

  private final Pool pool;

  public ApiKeyStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Principal> authenticate(String key) {
    return pool.preparedQuery("SELECT id, role, site_ids FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL")
      .execute(Tuple.of(sha256(key)))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row row = rows.iterator().next();
        return new Principal("key:" + row.getUUID("id"), Role.fromWire(row.getString("role")),
          uuidSet(row.getArrayOfUUIDs("site_ids")), null);
      });
  }

  public Future<JsonObject> create(String name, Role role, UUID[] siteIds) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String key = "glk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return pool.preparedQuery("INSERT INTO api_key AS k (id, name, key_hash, prefix, role, site_ids) "
        + "VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + DOC + " AS doc")
      .execute(Tuple.of(UUID.randomUUID(), name, sha256(key), key.substring(0, 10), role.wireName(), siteIds))
      .map(rows -> rows.iterator().next().getJsonObject("doc").put("key", key));
  }

  public Future<JsonObject> list(String cursor, Integer limit) {
    return new PageQuery("api_key k", DOC,
      Map.of("createdAt", new PageQuery.SortField("k.created_at", "timestamptz")), "createdAt")
      .where("k.revoked_at IS NULL")
      .page(cursor, limit, null)
      .run(pool, "k.id");
  }

  public Future<Void> revoke(UUID id) {
    return pool.preparedQuery("UPDATE api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL")
      .execute(Tuple.of(id))
      .compose(rows -> rows.rowCount() == 0 ? Future.failedFuture(Problem.notFound("API key")) : Future.succeededFuture());
  }

  static Set<UUID> uuidSet(UUID[] ids) {
    return ids == null ? Set.of() : new HashSet<>(java.util.Arrays.asList(ids));
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
