package io.gridledger.auth;

import io.gridledger.api.PageQuery;
import io.gridledger.api.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Map;
import java.util.UUID;

/** Users who log in with a password. A tenant user's site scope is its tenant's site, read at login. */
public final class UserStore {

  static final String DOC = "json_build_object('id', u.id, 'username', u.username, 'role', u.role, "
    + "'siteIds', to_json(u.site_ids), 'tenantId', u.tenant_id, 'createdAt', u.created_at)";

  /** What login needs to know about a user. */
  public record Credentials(UUID id, String passwordHash, Role role, UUID[] siteIds, UUID tenantId) {
  }

  private final Pool pool;

  public UserStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Credentials> findForLogin(String username) {
    return pool.preparedQuery("SELECT u.id, u.password_hash, u.role, "
        + "CASE WHEN u.tenant_id IS NULL THEN u.site_ids ELSE ARRAY[t.site_id] END AS site_ids, u.tenant_id "
        + "FROM app_user u LEFT JOIN tenant t ON t.id = u.tenant_id WHERE u.username = $1")
      .execute(Tuple.of(username))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row r = rows.iterator().next();
        return new Credentials(r.getUUID("id"), r.getString("password_hash"), Role.fromWire(r.getString("role")),
          r.getArrayOfUUIDs("site_ids"), r.getUUID("tenant_id"));
      });
  }

  public Future<JsonObject> create(String username, String passwordHash, Role role, UUID[] siteIds, UUID tenantId) {
    return pool.preparedQuery("INSERT INTO app_user AS u (id, username, password_hash, role, site_ids, tenant_id) "
        + "VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + DOC + " AS doc")
      .execute(Tuple.of(UUID.randomUUID(), username, passwordHash, role.wireName(), siteIds, tenantId))
      .map(rows -> rows.iterator().next().getJsonObject("doc"));
  }

  public Future<Boolean> exists(String username) {
    return pool.preparedQuery("SELECT 1 FROM app_user WHERE username = $1").execute(Tuple.of(username))
      .map(rows -> rows.size() > 0);
  }

  public Future<JsonObject> get(UUID id) {
    return pool.preparedQuery("SELECT " + DOC + " AS doc FROM app_user u WHERE u.id = $1").execute(Tuple.of(id))
      .compose(rows -> rows.size() == 0 ? Future.failedFuture(Problem.notFound("user"))
        : Future.succeededFuture(rows.iterator().next().getJsonObject("doc")));
  }

  public Future<JsonObject> list(String cursor, Integer limit, String role) {
    PageQuery query = new PageQuery("app_user u", DOC,
      Map.of("username", new PageQuery.SortField("u.username", "text")), "username");
    if (role != null) {
      query.where("u.role = ?", role);
    }
    return query.page(cursor, limit, null).run(pool, "u.id");
  }

  public Future<Void> delete(UUID id) {
    return pool.preparedQuery("DELETE FROM app_user WHERE id = $1").execute(Tuple.of(id))
      .compose(rows -> rows.rowCount() == 0 ? Future.failedFuture(Problem.notFound("user")) : Future.succeededFuture());
  }

  /** Checks that every site exists, so a user is never scoped to a site id that means nothing. */
  public Future<Void> requireSites(UUID[] siteIds) {
    return pool.preparedQuery("SELECT count(*) AS n FROM site WHERE id = ANY($1)").execute(Tuple.of((Object) siteIds))
      .compose(rows -> rows.iterator().next().getLong("n") == siteIds.length ? Future.succeededFuture()
        : Future.failedFuture(Problem.unprocessable("invalid-reference", "/siteIds", "Some of the sites do not exist")));
  }

  public Future<Void> requireTenant(UUID tenantId) {
    return pool.preparedQuery("SELECT 1 FROM tenant WHERE id = $1").execute(Tuple.of(tenantId))
      .compose(rows -> rows.size() == 1 ? Future.succeededFuture()
        : Future.failedFuture(Problem.unprocessable("invalid-reference", "/tenantId", "The tenant does not exist")));
  }
}
