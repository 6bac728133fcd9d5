package io.gridledger.config;

import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Map;

/**
 * Maps GRIDLEDGER_* environment variables onto configuration keys: {@code db.poolSize} is
 * {@code GRIDLEDGER_DB_POOL_SIZE}. Only keys that exist in the defaults are read, and values are parsed to the
 * type of the default, so a non-numeric port fails at start instead of at first use.
 */
final class EnvironmentOverrides {

  private EnvironmentOverrides() {
  }

  static void apply(JsonObject config, Map<String, String> environment) {
    JsonObject defaults = ConfigDefaults.defaults();
    for (String section : defaults.fieldNames()) {
      JsonObject keys = defaults.getJsonObject(section);
      for (String key : keys.fieldNames()) {
        String variable = variableName(section, key);
        String raw = environment.get(variable);
        if (raw != null) {
          config.getJsonObject(section).put(key, parse(variable, raw, keys.getValue(key)));
        }
      }
    }
  }

  static String variableName(String section, String key) {
    String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2");
    return ("GRIDLEDGER_" + section + "_" + snake).toUpperCase(Locale.ROOT);
  }

  private static Object parse(String variable, String raw, Object defaultValue) {
    try {
      if (defaultValue instanceof Integer) {
        return Integer.parseInt(raw.trim());
      }
      if (defaultValue instanceof Double) {
        double value = Double.parseDouble(raw.trim());
        if (!Double.isFinite(value)) {
          throw new IllegalArgumentException("expected a finite number");
        }
        return value;
      }
      if (defaultValue instanceof Boolean) {
        String v = raw.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
          throw new IllegalArgumentException("expected true or false");
        }
        return Boolean.parseBoolean(v);
      }
      return raw;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("environment variable " + variable + "='" + raw + "' is invalid: " + e.getMessage());
    }
  }
}
