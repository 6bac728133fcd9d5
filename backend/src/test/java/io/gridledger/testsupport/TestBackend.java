package io.gridledger.testsupport;

import io.gridledger.Application;
import io.gridledger.auth.PasswordHasher;
import io.gridledger.auth.Role;
import io.gridledger.auth.UserStore;
import io.gridledger.client.ApiClient;
import io.gridledger.config.GridledgerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The real backend, started in-process on a random port against a fresh database of its own. Tests talk to it over
 * HTTP only: with the generated client ({@link #client(String)}) or with {@link ContractHttp}, which also checks every
 * response against the contract.
 */
public final class TestBackend implements AutoCloseable {

  public static final String ADMIN = "admin";
  public static final String PASSWORD = "correct horse battery";
  /** The Stripe webhook endpoint secret every test backend verifies with (tests sign events with it). */
  public static final String STRIPE_WEBHOOK_SECRET = "whsec_gridledger_test_secret";
  /** The lowest the hasher accepts: tests log in hundreds of times; production uses the 210,000 default. */
  private static final int TEST_HASH_ITERATIONS = 1000;

  private final Vertx vertx;
  private final Application app;
  private final String dbUrl;
  private final PasswordHasher hasher = new PasswordHasher(TEST_HASH_ITERATIONS);
  private final boolean ownsDatabase;

  private TestBackend(Vertx vertx, Application app, String dbUrl) {
    this(vertx, app, dbUrl, true);
  }

  private TestBackend(Vertx vertx, Application app, String dbUrl, boolean ownsDatabase) {
    this.vertx = vertx;
    this.app = app;
    this.dbUrl = dbUrl;
    this.ownsDatabase = ownsDatabase;
  }

  /**
   * A second instance of the backend on the same database as {@code first} (scale-out tests): its own Vert.x, ports
   * and caches; closing it leaves the database to {@code first}.
   */
  public static TestBackend startSharing(TestBackend first, JsonObject overrides) {
    JsonObject config = new JsonObject()
      .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("db", new JsonObject().put("url", first.dbUrl).put("poolSize", 4))
      .put("mqtt", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("auth", new JsonObject().put("passwordHashIterations", TEST_HASH_ITERATIONS))
      .put("log", new JsonObject().put("format", "text"));
    config.mergeIn(overrides, true);
    Vertx vertx = Vertx.vertx();
    Application app = new Application(vertx, GridledgerConfig.of(config)).start().await();
    return new TestBackend(vertx, app, first.dbUrl, false);
  }

  public static TestBackend start() {
    return start(new JsonObject());
  }

  /** {@code overrides} is merged over the test defaults (random port, fresh database, fast hashing). */
  public static TestBackend start(JsonObject overrides) {
    return start(overrides, app -> { });
  }

  /** As {@link #start(JsonObject)}, with {@code beforeStart} applied to the application first (billing's fakes). */
  public static TestBackend start(JsonObject overrides, java.util.function.Consumer<Application> beforeStart) {
    String dbUrl = TestDatabase.freshDatabase();
    JsonObject config = new JsonObject()
      .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("db", new JsonObject().put("url", dbUrl).put("poolSize", 4))
      .put("mqtt", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("auth", new JsonObject().put("passwordHashIterations", TEST_HASH_ITERATIONS))
      .put("payments", new JsonObject().put("stripeWebhookSecret", STRIPE_WEBHOOK_SECRET))
      .put("log", new JsonObject().put("format", "text"));
    config.mergeIn(overrides, true);
    Vertx vertx = Vertx.vertx();
    Application app = new Application(vertx, GridledgerConfig.of(config));
    beforeStart.accept(app);
    app.start().await();
    TestBackend backend = new TestBackend(vertx, app, dbUrl);
    backend.createUser(ADMIN, Role.ADMIN, new UUID[0], null);
    return backend;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + app.port();
  }

  public String dbUrl() {
    return dbUrl;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The port of the backend's MQTT gateway endpoint. */
  public int mqttPort() {
    return app.mqttPort();
  }

  public Application app() {
    return app;
  }

  public io.vertx.sqlclient.Pool pool() {
    return app.pool();
  }

  /** Creates a login directly in the database (as an admin would through the API) with {@link #PASSWORD}. */
  public void createUser(String username, Role role, UUID[] siteIds, UUID tenantId) {
    new UserStore(app.pool()).create(username, hasher.hash(PASSWORD), role, siteIds, tenantId).await();
  }

  public String login(String username) {
    return ContractHttp.of(this).login(username, PASSWORD);
  }

  /** The generated Java client, authenticated with {@code token} (null for none). */
  public ApiClient client(String token) {
    ApiClient client = new ApiClient();
    client.updateBaseUri(baseUrl() + "/api/v1");
    if (token != null) {
      client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
    }
    return client;
  }

  public long count(String table) {
    return app.pool().query("SELECT count(*) AS n FROM " + table).execute().await().iterator().next().getLong("n");
  }

  public JsonArray rows(String sql) {
    JsonArray out = new JsonArray();
    app.pool().query(sql).execute().await().forEach(row -> out.add(row.toJson()));
    return out;
  }

  @Override
  public void close() {
    app.stop().await();
    vertx.close().await();
    if (ownsDatabase) {
      TestDatabase.drop(dbUrl);
    }
  }
}
