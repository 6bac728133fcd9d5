package io.gridledger.ledger;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON with object keys sorted at every level, so two requests with the same content hash equally whatever order
 * their fields were written in. Used for transfer content and idempotent request bodies.
 */
public final class CanonicalJson {

  private CanonicalJson() {
  }

  public static String of(Object value) {
    if (value instanceof JsonObject object) {
      return of(object.getMap());
    }
    if (value instanceof JsonArray array) {
      return of(array.getList());
    }
    if (value instanceof Map<?, ?> map) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
      StringBuilder out = new StringBuilder("{");
      sorted.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append(Json.encode(k)).append(':').append(of(v)));
      return out.append('}').toString();
    }
    if (value instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      list.forEach(v -> parts.add(of(v)));
      return "[" + String.join(",", parts) + "]";
    }
    return Json.encode(value);
  }

  public static String sha256Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
