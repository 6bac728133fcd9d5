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
import io.gridledger.demo.DemoDevices;
import io.gridledger.demo.DemoSeeder;
import io.gridledger.site.BuildingHandlers;
import io.gridledger.site.MeterHandlers;
import io.gridledger.site.OccupancyHandlers;
import io.gridledger.site.SiteHandlers;
import io.gridledger.site.SiteImporter;
import io.gridledger.site.TenantHandlers;
import io.gridledger.site.UnitHandlers;
import io.gridledger.site.SiteAccess;
import io.gridledger.alarm.AlarmHandlers;
import io.gridledger.alarm.AlarmService;
import io.gridledger.ingest.DeadLetterStore;
import io.gridledger.ingest.DeviceActivity;
import io.gridledger.ingest.IngestService;
import io.gridledger.ingest.MeterDirectory;
import io.gridledger.ingest.ReadingsHandlers;
import io.gridledger.ingest.mqtt.MqttBrokerSubscriber;
import io.gridledger.ingest.mqtt.MqttGatewayServer;
import io.gridledger.metering.IntervalRecompute;
import io.gridledger.metering.IntervalService;
import io.gridledger.metering.MeteringHandlers;
import io.gridledger.metering.ReadingWriter;
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
  private final io.gridledger.alarm.AlarmThresholds alarmThresholds;
  private final io.gridledger.billing.BillingSettings billingSettings;
  private EmbeddedDatabase embedded;
  private Pool pool;
  private ApiServer apiServer;
  private MeterDirectory meterDirectory;
  private DeviceActivity deviceActivity;
  private MqttGatewayServer mqttServer;
  private IntervalService intervalService;
  private io.gridledger.simulator.DeviceSimulator simulator;
  private long activityTimer = -1;
  private io.gridledger.control.RelayControlService relayControl;
  private io.gridledger.ledger.LedgerService ledger;
  private io.gridledger.allocation.AllocationService allocation;
  private DatabaseSettings dbSettings;
  private AlarmService alarms;
  private io.gridledger.live.LiveService live;
  private io.gridledger.cluster.RunOnce alarmSweepLead;
  private io.gridledger.cluster.RunOnce allocationLead;
  private io.gridledger.prepaid.PrepaidService prepaid;
  // Billing's two collaborators: allocation (whose usage it rates) and receivables (where issued documents post).
  // Set in startHttp unless a test supplied its own through billingCollaborators(...).
  private io.gridledger.allocation.AllocatedUsage allocatedUsage;
  private io.gridledger.postpaid.Receivables receivables;
  private java.time.Clock billingClock = java.time.Clock.systemUTC();
  private io.gridledger.billing.BillingService billing;

  public Application(Vertx vertx, GridledgerConfig config) {
    this.vertx = vertx;
    this.config = config;
    // Checked here so nonsensical thresholds stop the start like any other bad configuration value.
    this.alarmThresholds = io.gridledger.alarm.AlarmThresholds.fromConfig(config.section("alarm"));
    this.billingSettings = io.gridledger.billing.BillingSettings.from(config.section("billing"));
  }

  /**
   * Replaces billing's allocation and receivables (and its clock) before {@link #start()}: how tests bill exact usage
   * they construct and record postings, without the allocation and postpaid capabilities.
   */
  public Application billingCollaborators(io.gridledger.allocation.AllocatedUsage usage,
                                          io.gridledger.postpaid.Receivables postings, java.time.Clock clock) {
    this.allocatedUsage = usage;
    this.receivables = postings;
    this.billingClock = clock;
    return this;
  }

  /** Bill runs, finalizing, issuing and corrections. */
  public io.gridledger.billing.BillingService billing() {
    return billing;
  }

  public Future<Application> start() {
    return openDatabase()
      .compose(v -> SecretStore.jwtSecret(pool, config.section("auth").getString("jwtSecret")))
      .compose(this::startApi)
      .compose(v -> config.section("demo").getBoolean("enabled")
        ? new DemoSeeder(vertx, pool, passwordHasher(), ledger).seedOnce().compose(seeded -> startDemoDevices())
        : Future.succeededFuture())
      .map(v -> {
        LOG.info("gridledger started port={} api={} docs={}", port(), ApiServer.API_BASE, "/docs");
        return this;
      });
  }

  /**
   * The demo's simulated meters, when there is an MQTT endpoint for its gateways. A device that fails to start
   * (a port taken) leaves the demo running without it, with a warning.
   */
  private Future<Void> startDemoDevices() {
    if (mqttServer == null || !config.section("demo").getBoolean("devices")) {
      return Future.succeededFuture();
    }
    return DemoDevices.start(vertx, pool, mqttServer.actualPort())
      .onSuccess(sim -> simulator = sim)
      .recover(e -> {
        LOG.warn("demo devices not started: {}", e.getMessage());
        return Future.succeededFuture();
      }).mapEmpty();
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
        dbSettings = settings;
        pool = PgBuilder.pool().with(settings.pool()).with(settings.net()).connectingTo(settings.connect()).using(vertx).build();
        return null;
      });
  }

  private Future<Void> startApi(String jwtSecret) {
    meterDirectory = new MeterDirectory(pool);
    vertx.eventBus().<String>consumer(io.gridledger.site.SiteEvents.METERS_CHANGED, change -> meterDirectory.reload()
      .onSuccess(v -> vertx.eventBus().publish(MeterDirectory.RELOADED, change.body()))
      .onFailure(e -> LOG.warn("meter directory not reloaded: {}", e.getMessage())));
    deviceActivity = new DeviceActivity(pool);
    activityTimer = vertx.setPeriodic(5_000, id -> deviceActivity.flush()
      .onFailure(e -> LOG.warn("device activity not saved: {}", e.getMessage())));
    alarms = new AlarmService(pool, vertx);
    JsonObject metering = config.section("metering");
    intervalService = new IntervalService(pool, meterDirectory, alarms, metering.getInteger("rebuildDelayMs"),
      metering.getInteger("rebuildConcurrency"));
    relayControl = new io.gridledger.control.RelayControlService(pool,
      io.gridledger.control.ControlSettings.from(config.section("control")));
    return meterDirectory.reload()
      // On a worker thread of its own: derivation is CPU work for thousands of series a second, and on an event loop
      // it could share with the MQTT endpoint it delayed every PUBACK behind it (round-robin loop assignment).
      .compose(v -> vertx.deployVerticle(intervalService,
        new io.vertx.core.DeploymentOptions().setThreadingModel(io.vertx.core.ThreadingModel.WORKER)))
      .compose(v -> vertx.deployVerticle(relayControl))
      .compose(v -> startHttp(jwtSecret))
      .compose(v -> startMqtt())
      .compose(v -> startFieldPollers())
      .compose(v -> startAlarmSweeper())
      .compose(v -> startAllocationMaintainer())
      .compose(v -> vertx.deployVerticle(prepaid = new io.gridledger.prepaid.PrepaidService(pool, ledger, alarms,
        relayControl, config.section("prepaid"), java.time.Clock.systemUTC())).mapEmpty());
  }

  /** One ingest pipeline per verticle: its group-commit writer lives on that verticle's event loop. */
  private IngestService ingestFor(Vertx owner) {
    JsonObject ingest = config.section("ingest");
    ReadingWriter writer = new ReadingWriter(owner, pool, ingest.getInteger("batchSize"),
      ingest.getInteger("maxPendingReadings"), ingest.getInteger("lingerMs"),
      liveTap(owner, inserted -> IntervalRecompute.requestFor(owner, inserted)));
    return new IngestService(meterDirectory, writer, new DeadLetterStore(pool), deviceActivity);
  }

  private Future<Void> startMqtt() {
    JsonObject mqtt = config.section("mqtt");
    if (!mqtt.getBoolean("enabled")) {
      return Future.succeededFuture();
    }
    if (mqtt.getString("brokerUrl") != null) {
      return vertx.deployVerticle(new MqttBrokerSubscriber(mqtt, this::ingestFor)).mapEmpty();
    }
    mqttServer = new MqttGatewayServer(mqtt, pool, new ApiKeyStore(pool), this::ingestFor);
    return vertx.deployVerticle(mqttServer).mapEmpty();
  }

  /** Modbus TCP polling and OPC UA subscriptions for meters the site model binds to those protocols. */
  private Future<Void> startFieldPollers() {
    JsonObject field = config.section("field");
    Future<String> modbus = !field.getBoolean("modbusEnabled") ? Future.succeededFuture()
      : vertx.deployVerticle(new io.gridledger.ingest.modbus.ModbusPollerVerticle(meterDirectory, this::ingestFor,
        deviceActivity, field.getInteger("modbusTimeoutMs"), field.getInteger("modbusRetries"),
        field.getInteger("modbusBackoffMs")));
    return modbus
      .compose(id -> !field.getBoolean("opcuaEnabled") ? Future.<String>succeededFuture()
        : vertx.deployVerticle(new io.gridledger.ingest.opcua.OpcUaIngestVerticle(meterDirectory, this::ingestFor,
          deviceActivity)))
      .mapEmpty();
  }

  /** Stored allocation and its rollups kept current in the background, so bill runs read computed days. */
  private Future<Void> startAllocationMaintainer() {
    allocationLead = new io.gridledger.cluster.RunOnce(vertx, dbSettings.connect(), "allocation-maintain");
    return vertx.deployVerticle(new io.gridledger.allocation.AllocationMaintainer(pool, config.section("allocation"),
      allocationLead, java.time.Clock.systemUTC())).mapEmpty();
  }

  /** Alarms that come from missing or unusual data (offline devices and gateways, leaks, abnormal days). */
  private Future<Void> startAlarmSweeper() {
    long periodMs = config.section("alarm").getInteger("sweepIntervalSeconds") * 1000L;
    alarmSweepLead = new io.gridledger.cluster.RunOnce(vertx, dbSettings.connect(), "alarm-sweep");
    return vertx.deployVerticle(new io.gridledger.alarm.AlarmSweeper(pool, alarms, Math.max(1000, periodMs),
      alarmSweepLead, alarmThresholds)).mapEmpty();
  }

  private Future<Void> startHttp(String jwtSecret) {
    JsonObject auth = config.section("auth");
    TokenService tokens = new TokenService(vertx, jwtSecret, auth.getInteger("tokenTtlSeconds"));
    ApiKeyStore apiKeys = new ApiKeyStore(pool);
    PasswordHasher hasher = passwordHasher();
    LoginRateLimiter limiter = new LoginRateLimiter(auth.getInteger("loginMaxFailuresPerUser"),
      auth.getInteger("loginMaxAttemptsPerAddress"), auth.getInteger("loginWindowSeconds"));
    SiteImporter importer = new SiteImporter(pool);
    SiteAccess siteAccess = new SiteAccess(pool);
    allocation = new io.gridledger.allocation.AllocationService(pool);
    allocation.listen(vertx);
    ledger = new io.gridledger.ledger.PostgresLedger(vertx, pool, config.section("ledger"));
    io.gridledger.payment.Payments payments = new io.gridledger.payment.Payments(vertx, pool, ledger,
      config.section("payments"), config.section("demo").getBoolean("enabled"));
    if (allocatedUsage == null) {
      allocatedUsage = allocation;
    }
    if (receivables == null) {
      receivables = new io.gridledger.postpaid.PostgresReceivables(ledger);
    }
    billing = new io.gridledger.billing.BillingService(vertx, pool, allocatedUsage, receivables,
      billingSettings, billingClock);
    apiServer = new ApiServer(config.section("http"), pool, new Authenticator(tokens, apiKeys), owner -> List.of(
      new AuthHandlers(vertx, new UserStore(pool), apiKeys, tokens, hasher, limiter),
      new SiteHandlers(pool, importer),
      new BuildingHandlers(pool),
      new UnitHandlers(pool),
      new TenantHandlers(pool),
      new OccupancyHandlers(pool),
      new MeterHandlers(pool),
      new ReadingsHandlers(ingestFor(owner), new DeadLetterStore(pool), siteAccess),
      new MeteringHandlers(owner, pool, siteAccess, alarmThresholds.offlineAfter()),
      new AlarmHandlers(pool, alarms),
      new io.gridledger.control.ControlHandlers(pool, siteAccess, relayControl),
      new io.gridledger.tariff.TariffHandlers(pool, siteAccess), new io.gridledger.tariff.TariffAssignmentHandlers(pool, siteAccess),
      new io.gridledger.tariff.TariffQuotes(pool, siteAccess),
      new io.gridledger.allocation.AllocationHandlers(pool, siteAccess, allocation),
      new io.gridledger.report.ReportHandlers(siteAccess, new io.gridledger.report.ConsumptionReport(pool, allocation,
        new io.gridledger.tariff.TariffStore(pool))),
      new io.gridledger.ledger.AccountHandlers(pool, ledger), new io.gridledger.ledger.TrialBalanceHandler(pool),
      new io.gridledger.payment.PaymentHandlers(vertx, pool, payments, config.section("http").getString("publicUrl")),
      new io.gridledger.billing.BillRunHandlers(pool, siteAccess, billing),
      new io.gridledger.billing.InvoiceHandlers(vertx, pool, billing),
      new io.gridledger.postpaid.PostpaidHandlers(pool, ledger, java.time.Clock.systemUTC()),
      new io.gridledger.finance.FinanceHandlers(pool, config.section("finance"), java.time.Clock.systemUTC())));
    live = new io.gridledger.live.LiveService(io.gridledger.live.LiveSettings.from(config.section("live"),
      config.section("redis")), tokens, apiKeys, new io.gridledger.site.SiteTopology(pool));
    apiServer.webSockets(live);
    apiServer.web(new io.gridledger.web.WebRoutes(config.section("demo").getBoolean("enabled")));
    return vertx.deployVerticle(apiServer).mapEmpty();
  }

  private PasswordHasher passwordHasher() {
    return new PasswordHasher(config.section("auth").getInteger("passwordHashIterations"));
  }

  public int port() {
    return apiServer.actualPort();
  }

  /** The MQTT gateway endpoint's port, or -1 when an external broker is used. */
  public int mqttPort() {
    return mqttServer == null ? -1 : mqttServer.actualPort();
  }

  /** Interval rebuilds waiting or running (0 when metering has caught up with stored readings). */
  public Future<Integer> meteringBacklog() {
    return Future.succeededFuture(intervalService == null ? 0 : intervalService.backlog());
  }

  /** The prepaid loop (charging, low-balance alarms, cut-off and restore). */
  public io.gridledger.prepaid.PrepaidService prepaid() {
    return prepaid;
  }

  /** Relay cut-off and restore, for the capabilities that decide when (prepaid policy, schedules). */
  public io.gridledger.control.RelayControl relayControl() {
    return relayControl;
  }

  /** Live push (WebSocket /api/v1/live): its metrics and per-client queues. */
  public io.gridledger.live.LiveService live() {
    return live;
  }

  /** This instance's lead of the alarm sweep (runs once across instances). */
  public io.gridledger.cluster.RunOnce alarmSweepLead() {
    return alarmSweepLead;
  }

  /** After each commit: metering's rebuild request, then live push's coalescing tap (one per pipeline). */
  private java.util.function.Consumer<List<io.gridledger.metering.StoredReading>> liveTap(
      Vertx owner, java.util.function.Consumer<List<io.gridledger.metering.StoredReading>> then) {
    io.gridledger.live.LiveReadingTap tap = new io.gridledger.live.LiveReadingTap(owner,
      config.section("live").getInteger("tickMs"), 100_000);
    return inserted -> {
      then.accept(inserted);
      tap.committed(inserted);
    };
  }

  public MeterDirectory meterDirectory() {
    return meterDirectory;
  }

  /** The ledger, for capabilities that move money (billing, prepaid) and for tests. */
  /** Where billing posts issued invoices and credit notes (in its own transaction). */
  public io.gridledger.postpaid.Receivables receivables() {
    return new io.gridledger.postpaid.PostgresReceivables(ledger);
  }

  public io.gridledger.ledger.LedgerService ledger() {
    return ledger;
  }

  /** Tenants' allocated usage (what billing rates); available once started. */
  public io.gridledger.allocation.AllocationService allocation() {
    return allocation;
  }

  public Pool pool() {
    return pool;
  }

  public Future<Void> stop() {
    vertx.cancelTimer(activityTimer);
    // Devices first (nothing new arrives), then the verticles (they hand over what they hold), then the pool.
    Future<Void> devices = simulator == null ? Future.succeededFuture() : simulator.close();
    Future<Void> undeployed = devices.eventually(() -> Future.join(vertx.deploymentIDs().stream()
      .map(vertx::undeploy).toList()).mapEmpty());
    Future<Void> closed = undeployed.eventually(() -> deviceActivity == null ? Future.succeededFuture()
        : deviceActivity.flush().recover(e -> Future.succeededFuture()))
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
    return closed.eventually(() -> vertx.executeBlocking(() -> {
      if (embedded != null) {
        embedded.close();
      }
      return null;
    }, false)).mapEmpty();
  }
}
