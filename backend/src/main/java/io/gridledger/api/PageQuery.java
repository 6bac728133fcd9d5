package io.gridledger.api;

import io.gridledger.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * Keyset (cursor) pagination over one entity. The cursor holds the sort key and id of the last row of the page, so
 * pages stay stable while rows are inserted and a deep page costs the same as the first.
 *
 * <p>{@code select} yields columns {@code doc} (the JSON representation), {@code sort_key} and {@code id}; filters are
 * added with {@link #where}. Sort keys are never null (the columns offered for sorting are NOT NULL).
 */
public final class PageQuery {

  public static final int MAX_LIMIT = 500;

  /** A sortable field: its SQL expression and the type its cursor value is cast back to. */
  public record SortField(String expression, String sqlType) {
  }

  private final Sql sql;
  private final Map<String, SortField> sortFields;
  private String sort;
  private String cursor;
  private int limit = 50;
  private String idType = "uuid";

  public PageQuery(String fromAndJoins, String docExpression, Map<String, SortField> sortFields, String defaultSort) {
    this.sortFields = sortFields;
    this.sort = defaultSort;
    this.sql = new Sql("SELECT * FROM (SELECT " + docExpression + " AS doc, "
      + "%SORT% AS sort_key, id_col AS id FROM " + fromAndJoins + " WHERE true");
  }

  /** The tie-breaker column's type when it is not a uuid (it must be unique together with the sort key). */
  public PageQuery idType(String sqlType) {
    this.idType = sqlType;
    return this;
  }

  public PageQuery where(String fragment, Object... params) {
    sql.append(" AND " + fragment, params);
    return this;
  }

  public PageQuery page(String cursor, Integer limit, String sort) {
    this.cursor = cursor;
    if (limit != null) {
      this.limit = Math.min(Math.max(limit, 1), MAX_LIMIT);
    }
    if (sort != null) {
      this.sort = sort;
    }
    return this;
  }

  public Future<JsonObject> run(SqlClient client, String idColumn) {
    boolean descending = sort.startsWith("-");
    SortField field = sortFields.get(descending ? sort.substring(1) : sort);
    if (field == null) {
      return Future.failedFuture(Problem.badRequest("validation-failed", "sort", "Cannot sort by " + sort));
    }
    sql.append(") page WHERE true");
    if (cursor != null) {
      String[] position;
      try {
        position = decode(cursor, sort, field);
      } catch (RuntimeException e) {
        return Future.failedFuture(Problem.badRequest("invalid-cursor", "cursor", "The cursor is not one this API issued"));
      }
      // The cursor carries text; declaring the parameters as text and casting in SQL works for every sort type.
      sql.append(" AND (sort_key, id) " + (descending ? "<" : ">") + " (?::text::" + field.sqlType() + ", ?::text::" + idType + ")",
        position[0], position[1]);
    }
    String direction = descending ? " DESC" : " ASC";
    sql.append(" ORDER BY sort_key" + direction + ", id" + direction + " LIMIT ?", limit + 1);
    String text = sql.text().replace("%SORT%", field.expression()).replace("id_col", idColumn);
    return client.preparedQuery(text).execute(sql.tuple()).map(rows -> {
      JsonArray items = new JsonArray();
      String next = null;
      int count = 0;
      for (Row row : rows) {
        if (count++ == limit) {
          break;
        }
        items.add(row.getJsonObject("doc"));
        if (count == limit) {
          next = encode(sort, String.valueOf(row.getValue("sort_key")), String.valueOf(row.getValue("id")));
        }
      }
      boolean more = rows.size() > limit;
      return new JsonObject().put("items", items).put("nextCursor", more ? next : null);
    });
  }

  /** The cursor names the sort it was made for, so it is refused (not misread) under another sort. */
  private static String encode(String sort, String sortKey, String id) {
    String raw = new JsonArray().add(sort).add(sortKey).add(id).encode();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private String[] decode(String cursor, String sort, SortField field) {
    JsonArray raw = new JsonArray(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
    if (!sort.equals(raw.getString(0))) {
      throw new IllegalArgumentException("cursor made for sort " + raw.getString(0));
    }
    String value = raw.getString(1);
    // Parsed here so a tampered cursor is a 400, never a database cast error.
    switch (field.sqlType()) {
      case "timestamptz" -> java.time.OffsetDateTime.parse(value);
      case "numeric" -> new java.math.BigDecimal(value);
      case "integer" -> Integer.parseInt(value);
      case "date" -> java.time.LocalDate.parse(value);
      default -> java.util.Objects.requireNonNull(value);
    }
    if (idType.equals("uuid")) {
      UUID.fromString(raw.getString(2));
    }
    return new String[] {value, java.util.Objects.requireNonNull(raw.getString(2))};
  }
}
