package io.gridledger.config;

import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The effective configuration: built-in defaults, overridden by a YAML file, overridden by GRIDLEDGER_* environment
 * variables. Every key that exists is in {@link ConfigDefaults}; unknown keys in a file are rejected so a typo never
 * silently falls back to a default.
 */
public final class GridledgerConfig {

  private final JsonObject values;

  private GridledgerConfig(JsonObject values) {
    this.values = values;
  }

  public static GridledgerConfig load(Path configFile, Map<String, String> environment) {
    JsonObject merged = ConfigDefaults.defaults();
    if (configFile != null) {
      JsonObject fromFile = readYaml(configFile);
      rejectUnknownKeys(ConfigDefaults.defaults(), fromFile, "");
      deepMerge(merged, fromFile);
    }
    EnvironmentOverrides.apply(merged, environment);
    return new GridledgerConfig(merged);
  }

  /** For tests and embedding: defaults overridden by the given object. */
  public static GridledgerConfig of(JsonObject overrides) {
    JsonObject merged = ConfigDefaults.defaults();
    rejectUnknownKeys(ConfigDefaults.defaults(), overrides, "");
    deepMerge(merged, overrides);
    return new GridledgerConfig(merged);
  }

  public JsonObject section(String name) {
    return values.getJsonObject(name);
  }

  public JsonObject asJson() {
    return values.copy();
  }

  private static JsonObject readYaml(Path file) {
    try (Reader reader = Files.newBufferedReader(file)) {
      Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
      if (parsed == null) {
        return new JsonObject();
      }
      if (!(parsed instanceof Map)) {
        throw new IllegalArgumentException("config file " + file + " must hold a mapping at its top level");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) parsed;
      return new JsonObject(map);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  static void deepMerge(JsonObject target, JsonObject source) {
    for (String key : source.fieldNames()) {
      Object value = source.getValue(key);
      if (value instanceof JsonObject && target.getValue(key) instanceof JsonObject) {
        deepMerge(target.getJsonObject(key), (JsonObject) value);
      } else {
        target.put(key, value);
      }
    }
  }

  private static void rejectUnknownKeys(JsonObject known, JsonObject given, String prefix) {
    for (String key : given.fieldNames()) {
      if (!known.containsKey(key)) {
        throw new IllegalArgumentException("unknown configuration key '" + prefix + key + "' (see docs/configuration.md)");
      }
      Object value = given.getValue(key);
      if (value instanceof JsonObject && known.getValue(key) instanceof JsonObject) {
        rejectUnknownKeys(known.getJsonObject(key), (JsonObject) value, prefix + key + ".");
      }
    }
  }
}
