package io.gridledger.demo;

import io.gridledger.auth.PasswordHasher;
import io.gridledger.auth.Role;
import io.gridledger.auth.UserStore;
import io.gridledger.site.SiteImporter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Demo mode: seeds the demo site and its logins the first time, and never again (a row in demo_seed remembers).
 * Outside demo mode nothing here runs, so no default password exists.
 */
public final class DemoSeeder {

  private static final Logger LOG = LoggerFactory.getLogger(DemoSeeder.class);
  public static final String ADMIN_PASSWORD = "admin";
  public static final String TENANT_PASSWORD = "demo";

  private final Vertx vertx;
  private final Pool pool;
  private final PasswordHasher hasher;
  private final UserStore users;

  private final io.gridledger.ledger.LedgerService ledger;

  public DemoSeeder(Vertx vertx, Pool pool, PasswordHasher hasher, io.gridledger.ledger.LedgerService ledger) {
    this.ledger = ledger;
    this.vertx = vertx;
    this.pool = pool;
    this.hasher = hasher;
    this.users = new UserStore(pool);
  }

  public Future<Void> seedOnce() {
    return pool.query("SELECT site_id FROM demo_seed WHERE id = 1").execute().compose(rows -> {
      if (rows.size() > 0) {
        UUID siteId = rows.iterator().next().getUUID("site_id");
        LOG.info("demo site already seeded site={}", siteId);
        return seedTariffs(siteId);
      }
      return seed();
    });
  }

  /**
   * The demo's tariffs, once: also for a demo database seeded before tariffs existed. Then the prepaid wallets'
   * opening balances (idempotent, also for older demo databases).
   */
  private Future<Void> seedTariffs(UUID siteId) {
    return DemoTariffs.seedOnce(pool, siteId).map(seeded -> {
      if (seeded) {
        LOG.info("demo tariffs seeded site={}", siteId);
      }
      return null;
    }).compose(v -> DemoWallets.seedOnce(pool, ledger, siteId));
  }

  private Future<Void> seed() {
    JsonObject document = DemoSiteDocument.build();
    return new SiteImporter(pool).importSite(document)
      .compose(result -> {
        UUID siteId = UUID.fromString(result.getJsonObject("site").getString("id"));
        LOG.info("demo site imported site={} counts={}", siteId, result.getJsonObject("counts").encode());
        vertx.eventBus().publish(io.gridledger.site.SiteEvents.METERS_CHANGED, "*");
        return createLogins(siteId, document.getJsonArray("tenants"))
          .compose(v -> pool.preparedQuery("INSERT INTO demo_seed (id, site_id) VALUES (1, $1)").execute(Tuple.of(siteId)))
          .compose(v -> seedTariffs(siteId));
      });
  }

  /** admin/admin, and tenantN/demo for the N-th tenant of the document (key tN). */
  private Future<Void> createLogins(UUID siteId, JsonArray tenants) {
    return pool.preparedQuery("SELECT id, legal_name FROM tenant WHERE site_id = $1").execute(Tuple.of(siteId))
      .compose(rows -> {
        Map<String, UUID> idByName = new HashMap<>();
        for (Row row : rows) {
          idByName.put(row.getString("legal_name"), row.getUUID("id"));
        }
        Future<?> chain = createUser("admin", ADMIN_PASSWORD, Role.ADMIN, null);
        for (int i = 0; i < tenants.size(); i++) {
          JsonObject tenant = tenants.getJsonObject(i);
          String username = "tenant" + tenant.getString("key").substring(1);
          UUID tenantId = idByName.get(tenant.getString("legalName"));
          chain = chain.compose(v -> createUser(username, TENANT_PASSWORD, Role.TENANT, tenantId));
        }
        return chain.mapEmpty();
      });
  }

  private Future<JsonObject> createUser(String username, String password, Role role, UUID tenantId) {
    return vertx.executeBlocking(() -> hasher.hash(password), false)
      .compose(hash -> users.create(username, hash, role, new UUID[0], tenantId));
  }
}
