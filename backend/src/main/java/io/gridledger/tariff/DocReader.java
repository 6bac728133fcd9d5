package io.gridledger.tariff;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads one JSON object of a tariff document, knowing its JSON pointer, so every refusal names the exact field.
 * Decimals are accepted as JSON strings or numbers and written back into the object as canonical strings: stored
 * documents never round-trip a rate through a double.
 */
final class DocReader {

  private final JsonObject json;
  private final String pointer;

  DocReader(JsonObject json, String pointer) {
    this.json = json;
    this.pointer = pointer;
  }

  String pointer() {
    return pointer;
  }

  String at(String key) {
    return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
  }

  JsonObject json() {
    return json;
  }

  boolean has(String key) {
    return json.getValue(key) != null;
  }

  /** Refuses keys this object does not define, so a misspelt field is never silently ignored. */
  void onlyKeys(Set<String> allowed) {
    for (String key : json.fieldNames()) {
      if (!allowed.contains(key)) {
        throw fail(key, "unknown field '" + key + "'");
      }
    }
  }

  TariffValidationException fail(String key, String message) {
    return new TariffValidationException(key == null ? pointer : at(key), message);
  }

  String string(String key) {
    Object value = json.getValue(key);
    if (value == null) {
      throw fail(key, "'" + key + "' is required");
    }
    if (!(value instanceof String text) || text.isBlank() || text.length() > 200) {
      throw fail(key, "'" + key + "' must be a non-empty string of at most 200 characters");
    }
    return text;
  }

  String optString(String key, String fallback) {
    return has(key) ? string(key) : fallback;
  }

  String oneOf(String key, String fallback, Set<String> allowed) {
    String value = fallback == null ? string(key) : optString(key, fallback);
    if (!allowed.contains(value)) {
      throw fail(key, "'" + value + "' is not one of " + new java.util.TreeSet<>(allowed));
    }
    return value;
  }

  BigDecimal decimal(String key) {
    Object value = json.getValue(key);
    if (value == null) {
      throw fail(key, "'" + key + "' is required");
    }
    BigDecimal decimal = toDecimal(value);
    if (decimal == null) {
      throw fail(key, "'" + key + "' must be a decimal number (a JSON number or a string such as \"0.2815\")");
    }
    if (decimal.scale() > 12 || decimal.precision() - decimal.scale() > 12) {
      throw fail(key, "'" + key + "' has more than 12 integer or 12 fraction digits");
    }
    json.put(key, decimal.toPlainString());
    return decimal;
  }

  BigDecimal nonNegative(String key) {
    BigDecimal value = decimal(key);
    if (value.signum() < 0) {
      throw fail(key, "'" + key + "' must not be negative");
    }
    return value;
  }

  BigDecimal positive(String key) {
    BigDecimal value = decimal(key);
    if (value.signum() <= 0) {
      throw fail(key, "'" + key + "' must be greater than zero");
    }
    return value;
  }

  int integer(String key, int fallback, int min, int max) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
      || ((Number) value).longValue() > max) {
      throw fail(key, "'" + key + "' must be an integer from " + min + " to " + max);
    }
    return ((Number) value).intValue();
  }

  boolean bool(String key, boolean fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      throw fail(key, "'" + key + "' must be true or false");
    }
    return b;
  }

  DocReader object(String key) {
    Object value = json.getValue(key);
    if (!(value instanceof JsonObject object)) {
      throw fail(key, "'" + key + "' must be an object");
    }
    return new DocReader(object, at(key));
  }

  JsonArray array(String key, int minSize, int maxSize) {
    Object value = json.getValue(key);
    if (!(value instanceof JsonArray array)) {
      throw fail(key, "'" + key + "' must be an array");
    }
    if (array.size() < minSize || array.size() > maxSize) {
      throw fail(key, "'" + key + "' must have " + minSize + " to " + maxSize + " entries");
    }
    return array;
  }

  /** The array's entries as objects, each with its own pointer. */
  List<DocReader> objects(String key, int minSize, int maxSize) {
    JsonArray array = array(key, minSize, maxSize);
    List<DocReader> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject object)) {
        throw new TariffValidationException(at(key) + "/" + i, "entry " + i + " of '" + key + "' must be an object");
      }
      out.add(new DocReader(object, at(key) + "/" + i));
    }
    return out;
  }

  List<String> strings(String key, int minSize, int maxSize) {
    JsonArray array = array(key, minSize, maxSize);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String text) || text.isBlank()) {
        throw new TariffValidationException(at(key) + "/" + i, "entry " + i + " of '" + key + "' must be a string");
      }
      out.add(text);
    }
    return out;
  }

  static BigDecimal toDecimal(Object value) {
    try {
      if (value instanceof BigDecimal d) {
        return d;
      }
      if (value instanceof String s) {
        return s.matches("-?[0-9]{1,13}(\\.[0-9]{1,13})?") ? new BigDecimal(s) : null;
      }
      if (value instanceof Integer || value instanceof Long || value instanceof Short) {
        return BigDecimal.valueOf(((Number) value).longValue());
      }
      if (value instanceof Double || value instanceof Float) {
        double d = ((Number) value).doubleValue();
        // The shortest decimal that reads back as this double: what the sender wrote for any rate of <= 15 digits.
        return Double.isFinite(d) ? new BigDecimal(Double.toString(d)).stripTrailingZeros() : null;
      }
      if (value instanceof java.math.BigInteger i) {
        return new BigDecimal(i);
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }
}
