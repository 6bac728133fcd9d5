package io.gridledger.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("Configuration: defaults < file < environment")
class ConfigurationTest {

  @Test
  @DisplayName("a config file overrides defaults and an environment variable overrides the file")
  void precedence(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("gridledger.yaml");
    Files.writeString(file, "http:\n  port: 9090\n  bodyLimitBytes: 1000\ndb:\n  poolSize: 12\n");
    GridledgerConfig config = GridledgerConfig.load(file, Map.of("GRIDLEDGER_HTTP_PORT", "9191",
      "GRIDLEDGER_DB_URL", "postgresql://meter@db.example:5432/gl", "GRIDLEDGER_DEMO_ENABLED", "true"));
    assertEquals(9191, config.section("http").getInteger("port"), "environment beats file");
    assertEquals(1000, config.section("http").getInteger("bodyLimitBytes"), "file beats default");
    assertEquals(12, config.section("db").getInteger("poolSize"));
    assertEquals("postgresql://meter@db.example:5432/gl", config.section("db").getString("url"));
    assertTrue(config.section("demo").getBoolean("enabled"));
    assertEquals(256, config.section("db").getInteger("maxWaitQueueSize"), "untouched keys keep their default");
  }

  @Test
  @DisplayName("a misspelt key in the file or a non-numeric number is refused at start, naming it")
  void invalidInputIsRefused(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "db:\n  poolsize: 12\n");
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
      () -> GridledgerConfig.load(file, Map.of()));
    assertTrue(unknown.getMessage().contains("db.poolsize"), unknown.getMessage());
    IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
      () -> GridledgerConfig.load(null, Map.of("GRIDLEDGER_HTTP_PORT", "eighty")));
    assertTrue(notNumber.getMessage().contains("GRIDLEDGER_HTTP_PORT"), notNumber.getMessage());
  }

  @Test
  @DisplayName("alarm thresholds are taken from the configuration, and nonsensical ones are refused naming the key")
  void alarmThresholds() {
    GridledgerConfig config = GridledgerConfig.load(null, Map.of("GRIDLEDGER_ALARM_LEAK_NIGHT_START", "00:30",
      "GRIDLEDGER_ALARM_ABNORMAL_HIGH_FACTOR", "2.5"));
    io.gridledger.alarm.AlarmThresholds thresholds = io.gridledger.alarm.AlarmThresholds.fromConfig(config.section("alarm"));
    assertEquals(java.time.LocalTime.of(0, 30), thresholds.nightStart());
    assertTrue(thresholds.isAbnormal(26.1, 10), "above 2.5 x 10 + 1");
    assertTrue(!thresholds.isAbnormal(25.9, 10), "below 2.5 x 10 + 1");
    IllegalArgumentException backwards = assertThrows(IllegalArgumentException.class,
      () -> io.gridledger.alarm.AlarmThresholds.fromConfig(GridledgerConfig.load(null,
        Map.of("GRIDLEDGER_ALARM_LEAK_NIGHT_START", "06:00")).section("alarm")));
    assertTrue(backwards.getMessage().contains("alarm.leakNightStart"), backwards.getMessage());
    IllegalArgumentException notATime = assertThrows(IllegalArgumentException.class,
      () -> io.gridledger.alarm.AlarmThresholds.fromConfig(GridledgerConfig.load(null,
        Map.of("GRIDLEDGER_ALARM_LEAK_NIGHT_END", "5 am")).section("alarm")));
    assertTrue(notATime.getMessage().contains("alarm.leakNightEnd"), notATime.getMessage());
  }

  @Test
  @DisplayName("docs/configuration.md documents every key with its environment variable")
  void everyKeyIsDocumented() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    JsonObject defaults = ConfigDefaults.defaults();
    for (String section : defaults.fieldNames()) {
      for (String key : defaults.getJsonObject(section).fieldNames()) {
        assertTrue(doc.contains("`" + section + "." + key + "`"), "docs/configuration.md lacks " + section + "." + key);
        String variable = EnvironmentOverrides.variableName(section, key);
        assertTrue(doc.contains("`" + variable + "`"), "docs/configuration.md lacks " + variable);
      }
    }
  }
}
