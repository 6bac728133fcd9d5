package io.gridledger.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings the schema up to date with Flyway over JDBC. Blocking: call it on a worker thread. */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  public static void migrate(DatabaseSettings settings) {
    MigrateResult result = Flyway.configure()
      .dataSource(settings.jdbcUrl(), settings.connect().getUser(), settings.connect().getPassword())
      .locations("classpath:db/migration")
      .load()
      .migrate();
    LOG.info("schema migrated applied={} version={}", result.migrationsExecuted, result.targetSchemaVersion);
  }
}
