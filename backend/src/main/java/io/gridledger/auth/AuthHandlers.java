package io.gridledger.auth;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

import static io.gridledger.api.Requests.*;

/** Login, the caller's identity, and the admin's management of users and API keys. */
public final class AuthHandlers implements OperationBinder {

  private static final Logger LOG = LoggerFactory.getLogger(AuthHandlers.class);

  private final Vertx vertx;
  private final UserStore users;
  private final ApiKeyStore apiKeys;
  private final TokenService tokens;
  private final PasswordHasher hasher;
  private final LoginRateLimiter limiter;
  /** Verified against when the username is unknown, so response time does not reveal which usernames exist. */
  private final String decoyHash;

  public AuthHandlers(Vertx vertx, UserStore users, ApiKeyStore apiKeys, TokenService tokens, PasswordHasher hasher,
                      LoginRateLimiter limiter) {
    this.vertx = vertx;
    this.users = users;
    this.apiKeys = apiKeys;
    this.tokens = tokens;
    this.hasher = hasher;
    this.limiter = limiter;
    this.decoyHash = hasher.hash(UUID.randomUUID().toString());
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("createToken").addHandler(this::login);
    routes.getRoute("getCurrentPrincipal").addHandler(rc -> ok(rc, Future.succeededFuture(Authenticator.principal(rc).toJson())));
    routes.getRoute("listUsers").addHandler(this::listUsers);
    routes.getRoute("createUser").addHandler(this::createUser);
    routes.getRoute("getUser").addHandler(this::getUser);
    routes.getRoute("deleteUser").addHandler(this::deleteUser);
    routes.getRoute("listApiKeys").addHandler(this::listApiKeys);
    routes.getRoute("createApiKey").addHandler(this::createApiKey);
    routes.getRoute("revokeApiKey").addHandler(this::revokeApiKey);
  }

  private void login(RoutingContext rc) {
    JsonObject body = body(rc);
    String username = body.getString("username");
    String password = body.getString("password");
    String address = rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().hostAddress();
    long now = System.currentTimeMillis();
    long waitSeconds = limiter.admit(username, address, now);
    if (waitSeconds > 0) {
      LOG.warn("login throttled user={} address={}", username, address);
      rc.response().putHeader("Retry-After", String.valueOf(waitSeconds));
      rc.fail(Problem.tooManyRequests("Too many login attempts; retry in " + waitSeconds + " s"));
      return;
    }
    ok(rc, users.findForLogin(username).compose(user -> vertx.executeBlocking(() ->
      hasher.verify(password, user == null ? decoyHash : user.passwordHash()) && user != null ? user : null, false))
      .map(user -> {
        if (user == null) {
          limiter.recordFailure(username, now);
          LOG.info("login failed user={} address={}", username, address);
          throw Problem.unauthorized("Unknown username or wrong password");
        }
        limiter.recordSuccess(username);
        Principal principal = new Principal("user:" + user.id(), user.role(),
          ApiKeyStore.uuidSet(user.siteIds()), user.tenantId());
        return new JsonObject().put("accessToken", tokens.issue(principal)).put("tokenType", "Bearer")
          .put("expiresIn", tokens.ttlSeconds()).put("role", user.role().wireName());
      }));
  }

  private void listUsers(RoutingContext rc) {
    requireAdmin(rc);
    ok(rc, users.list(query(rc, "cursor"), queryInt(rc, "limit"), query(rc, "role")));
  }

  private void createUser(RoutingContext rc) {
    requireAdmin(rc);
    JsonObject body = body(rc);
    Role role = Role.fromWire(body.getString("role"));
    UUID[] siteIds = ids(body.getJsonArray("siteIds"));
    UUID tenantId = body.getString("tenantId") == null ? null : UUID.fromString(body.getString("tenantId"));
    Future<Void> scopeChecked;
    if (role == Role.TENANT) {
      scopeChecked = tenantId == null || siteIds.length > 0
        ? Future.failedFuture(Problem.unprocessable("invalid-scope", "/tenantId",
          "A tenant user needs a tenantId and no siteIds (its site is its tenant's)"))
        : users.requireTenant(tenantId);
    } else if (tenantId != null) {
      scopeChecked = Future.failedFuture(Problem.unprocessable("invalid-scope", "/tenantId",
        "Only a tenant user has a tenantId"));
    } else if (role != Role.ADMIN && siteIds.length == 0) {
      scopeChecked = Future.failedFuture(Problem.unprocessable("invalid-scope", "/siteIds",
        "An " + role.wireName() + " user needs at least one site"));
    } else {
      scopeChecked = users.requireSites(siteIds);
    }
    created(rc, scopeChecked
      .compose(v -> users.exists(body.getString("username")))
      .compose(exists -> exists
        ? Future.failedFuture(Problem.conflict("duplicate", "The username is taken"))
        : vertx.executeBlocking(() -> hasher.hash(body.getString("password")), false))
      .compose(hash -> users.create(body.getString("username"), hash, role, siteIds, tenantId)));
  }

  private void getUser(RoutingContext rc) {
    hideFromNonAdmins(rc, "user");
    ok(rc, users.get(pathId(rc, "userId")));
  }

  private void deleteUser(RoutingContext rc) {
    hideFromNonAdmins(rc, "user");
    noContent(rc, users.delete(pathId(rc, "userId")));
  }

  private void listApiKeys(RoutingContext rc) {
    requireAdmin(rc);
    ok(rc, apiKeys.list(query(rc, "cursor"), queryInt(rc, "limit")));
  }

  private void createApiKey(RoutingContext rc) {
    requireAdmin(rc);
    JsonObject body = body(rc);
    UUID[] siteIds = ids(body.getJsonArray("siteIds"));
    Role role = Role.fromWire(body.getString("role", "integration"));
    created(rc, users.requireSites(siteIds).compose(v -> apiKeys.create(body.getString("name"), role, siteIds)));
  }

  private void revokeApiKey(RoutingContext rc) {
    hideFromNonAdmins(rc, "API key");
    noContent(rc, apiKeys.revoke(pathId(rc, "apiKeyId")));
  }

  private static void requireAdmin(RoutingContext rc) {
    if (!Authenticator.principal(rc).isAdmin()) {
      throw Problem.forbidden("Only an admin manages users and API keys");
    }
  }

  /** Users and keys are not objects a non-admin may know exist: their ids answer 404, like any unseen object. */
  private static void hideFromNonAdmins(RoutingContext rc, String what) {
    if (!Authenticator.principal(rc).isAdmin()) {
      throw Problem.notFound(what);
    }
  }

  private static UUID[] ids(JsonArray values) {
    if (values == null) {
      return new UUID[0];
    }
    return values.stream().map(v -> UUID.fromString((String) v)).distinct().toArray(UUID[]::new);
  }
}
