package io.gridledger.db;

import io.gridledger.testsupport.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An installation that stored readings before V5 keeps every one of them, in proper monthly partitions. */
class ReadingSeriesMigrationTest {

  private String url;

  @BeforeEach
  void database() {
    url = TestDatabase.freshDatabase();
  }

  @AfterEach
  void drop() {
    TestDatabase.drop(url);
  }

  @Test
  @DisplayName("readings stored before the series migration are all readable through the reading view afterwards")
  void carriesReadingsOver() throws Exception {
    String jdbc = TestDatabase.jdbc(url);
    flyway(jdbc, "4").migrate();
    try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
      s.execute("INSERT INTO site (id, name, time_zone, currency) VALUES "
        + "('00000000-0000-0000-0000-000000000001', 'Old site', 'Europe/Berlin', 'EUR')");
      s.execute("INSERT INTO meter (id, site_id, serial, kind, location_level, registers, protocol, binding) VALUES "
        + "('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 'M1', 'electricity', "
        + "'site', '[]', 'http', '{}')");
      s.execute("SELECT ensure_reading_partition('2026-10-01')");
      // October lands in its partition, November in the default one (no partition was made for it).
      s.execute("INSERT INTO reading (meter_id, register, ts, value, source) VALUES "
        + "('00000000-0000-0000-0000-000000000002', 'energy_active_import', '2026-10-31T23:45:00Z', 10.5, 'http'), "
        + "('00000000-0000-0000-0000-000000000002', 'energy_active_import', '2026-11-01T00:00:00Z', 11.25, 'http'), "
        + "('00000000-0000-0000-0000-000000000002', 'power_active', '2026-11-01T00:00:00Z', 3.0, 'mqtt')");
    }
    flyway(jdbc, "latest").migrate();
    try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
      assertEquals(2, count(s, "SELECT count(*) FROM reading_series"));
      assertEquals(3, count(s, "SELECT count(*) FROM reading"));
      assertEquals(1125, count(s, "SELECT (value * 100)::bigint FROM reading WHERE register = 'energy_active_import' "
        + "AND ts = '2026-11-01T00:00:00Z'"));
      assertEquals(1, count(s, "SELECT count(*) FROM reading_value_2026_10"));
      assertEquals(2, count(s, "SELECT count(*) FROM reading_value_2026_11"));
      assertEquals(0, count(s, "SELECT count(*) FROM reading_value_default"));
    }
  }

  private static Flyway flyway(String jdbc, String target) {
    return Flyway.configure().dataSource(jdbc, null, null).locations("classpath:db/migration").target(target).load();
  }

  private static long count(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
