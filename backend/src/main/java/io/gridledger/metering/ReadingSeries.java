package io.gridledger.metering;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The small integer that stands for one meter register in the readings table (see V5__reading_series.sql). Ids are
 * created on first use and cached for the life of the writer: a series never changes its id, and a deleted meter's
 * stale entry is harmless because the meter directory no longer resolves readings to it.
 */
final class ReadingSeries {

  /** A meter register; a record so lookups cost no string building on the hot path. */
  record Name(UUID meterId, String register) {
  }

  // The CTE's own SELECT cannot see rows its INSERT adds, so both halves are returned; a series another instance
  // created concurrently can be missing from both (its row was not yet visible), which resolve() retries.
  private static final String RESOLVE = "WITH wanted AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS w(meter_id, register)), "
    + "created AS (INSERT INTO reading_series (meter_id, register) SELECT meter_id, register FROM wanted "
    + "ON CONFLICT DO NOTHING RETURNING id, meter_id, register) "
    + "SELECT id, meter_id, register FROM created UNION ALL "
    + "SELECT s.id, s.meter_id, s.register FROM reading_series s JOIN wanted w USING (meter_id, register)";
  private static final int ATTEMPTS = 3;

  private final Pool pool;
  private final Map<Name, Integer> ids = new HashMap<>();

  ReadingSeries(Pool pool) {
    this.pool = pool;
  }

  /** The cached id, or null when {@link #resolve} has not seen this series yet. */
  Integer cached(UUID meterId, String register) {
    return ids.get(new Name(meterId, register));
  }

  /** Makes sure every series of these readings has an id in the cache (one round trip for the unknown ones). */
  Future<Void> resolve(List<StoredReading> readings) {
    Set<Name> unknown = new LinkedHashSet<>();
    for (StoredReading r : readings) {
      Name name = new Name(r.meterId(), r.register());
      if (!ids.containsKey(name)) {
        unknown.add(name);
      }
    }
    return unknown.isEmpty() ? Future.succeededFuture() : create(new ArrayList<>(unknown), ATTEMPTS);
  }

  private Future<Void> create(List<Name> names, int attemptsLeft) {
    UUID[] meters = new UUID[names.size()];
    String[] registers = new String[names.size()];
    for (int i = 0; i < names.size(); i++) {
      meters[i] = names.get(i).meterId();
      registers[i] = names.get(i).register();
    }
    // (Object): Tuple.of would otherwise spread the String[] as its varargs.
    return pool.preparedQuery(RESOLVE).execute(Tuple.of(meters, (Object) registers)).compose(rows -> {
      remember(rows);
      List<Name> missing = names.stream().filter(n -> !ids.containsKey(n)).toList();
      if (missing.isEmpty()) {
        return Future.succeededFuture();
      }
      if (attemptsLeft <= 1) {
        return Future.failedFuture(new IllegalStateException("no reading series for " + missing));
      }
      return create(missing, attemptsLeft - 1);
    });
  }

  private void remember(RowSet<Row> rows) {
    for (Row row : rows) {
      ids.put(new Name(row.getUUID(1), row.getString(2)), row.getInteger(0));
    }
  }
}
