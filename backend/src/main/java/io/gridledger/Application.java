package io.gridledger;

import io.gridledger.api.ApiServer;
import io.gridledger.api.OperationBinder;
import io.gridledger.auth.ApiKeyStore;
import io.gridledger.auth.AuthHandlers;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.LoginRateLimiter;
import io.gridledger.auth.PasswordHasher;
import io.gridledger.auth.SecretStore;
import io.gridledger.auth.TokenService;
import io.gridledger.auth.UserStore;
import io.gridledger.config.GridledgerConfig;
import io.gridledger.db.DatabaseSettings;
import io.gridledger.db.EmbeddedDatabase;
import io.gridledger.db.Migrations;
import io.gridledger.demo.DemoSeeder;
import io.gridledger.site.BuildingHandlers;
import io.gridledger.site.MeterHandlers;
import io.gridledger.site.OccupancyHandlers;
import io.gridledger.site.SiteHandlers;
import io.gridledger.site.SiteImporter;
import io.gridledger.site.TenantHandlers;
import io.gridledger.site.UnitHandlers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * Wires the backend: database (embedded unless configured), schema, security, the API server and demo seeding.
 * Start order matters: nothing listens before the schema is current.
 */
public final class Application {

  private static final Logger LOG = LoggerFactory.getLogger(Application.class);

  private final Vertx vertx;
  private final GridledgerConfig config;
  private EmbeddedDatabase embedded;
  private Pool pool;
  private ApiServer apiServer;

  public Application(Vertx vertx, GridledgerConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  public Future<Application> start() {
    return openDatabase()
      .compose(v -> SecretStore.jwtSecret(pool, config.section("auth").getString("jwtSecret")))
      .compose(this::startApi)
      .compose(v -> config.section("demo").getBoolean("enabled")
        ? new DemoSeeder(vertx, pool, passwordHasher()).seedOnce() : Future.succeededFuture())
      .map(v -> {
        LOG.info("gridledger started port={} api={} docs={}", port(), ApiServer.API_BASE, "/docs");
        return this;
      });
  }

  /** Creates (or resets the password of) an admin: how a site without demo mode gets its first login. */
  public Future<Void> createAdmin(String username, String password) {
    PasswordHasher hasher = passwordHasher();
    return openDatabase()
      .compose(v -> vertx.executeBlocking(() -> hasher.hash(password), false))
      .compose(hash -> pool.preparedQuery("INSERT INTO app_user (id, username, password_hash, role) "
          + "VALUES ($1, $2, $3, 'admin') ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash "
          + "WHERE app_user.role = 'admin'")
        .execute(io.vertx.sqlclient.Tuple.of(java.util.UUID.randomUUID(), username, hash)))
      .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture()
        : Future.failedFuture(new IllegalStateException("user " + username + " exists and is not an admin")));
  }

  /** Embedded PostgreSQL unless a URL is configured, then the schema migrated, then the pool. */
  private Future<Void> openDatabase() {
    JsonObject db = config.section("db");
    return vertx.executeBlocking(() -> {
        String url = db.getString("url");
        if (url == null || url.isBlank()) {
          embedded = EmbeddedDatabase.start(Path.of(db.getString("embeddedDataDir")), db.getInteger("embeddedPort"));
          url = embedded.url();
        }
        DatabaseSettings settings = DatabaseSettings.from(db, url);
        Migrations.migrate(settings);
        return settings;
      }, false)
      .map(settings -> {
        pool = PgBuilder.pool().with(settings.pool()).with(settings.net()).connectingTo(settings.connect()).using(vertx).build();
        return null;
      });
  }

  private Future<Void> startApi(String jwtSecret) {
    JsonObject auth = config.section("auth");
    TokenService tokens = new TokenService(vertx, jwtSecret, auth.getInteger("tokenTtlSeconds"));
    ApiKeyStore apiKeys = new ApiKeyStore(pool);
    PasswordHasher hasher = passwordHasher();
    LoginRateLimiter limiter = new LoginRateLimiter(auth.getInteger("loginMaxFailuresPerUser"),
      auth.getInteger("loginMaxAttemptsPerAddress"), auth.getInteger("loginWindowSeconds"));
    SiteImporter importer = new SiteImporter(pool);
    List<OperationBinder> binders = List.of(
      new AuthHandlers(vertx, new UserStore(pool), apiKeys, tokens, hasher, limiter),
      new SiteHandlers(pool, importer),
      new BuildingHandlers(pool),
      new UnitHandlers(pool),
      new TenantHandlers(pool),
      new OccupancyHandlers(pool),
      new MeterHandlers(pool));
    apiServer = new ApiServer(config.section("http"), pool, new Authenticator(tokens, apiKeys), v -> binders);
    return vertx.deployVerticle(apiServer).mapEmpty();
  }

  private PasswordHasher passwordHasher() {
    return new PasswordHasher(config.section("auth").getInteger("passwordHashIterations"));
  }

  public int port() {
    return apiServer.actualPort();
  }

  public Pool pool() {
    return pool;
  }

  public Future<Void> stop() {
    Future<Void> closed = pool == null ? Future.succeededFuture() : pool.close();
    return closed.eventually(() -> vertx.executeBlocking(() -> {
      if (embedded != null) {
        embedded.close();
      }
      return null;
    }, false)).mapEmpty();
  }
}
