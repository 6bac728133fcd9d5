package io.gridledger.metering;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Group commit for raw readings. Submitters (an MQTT message, an HTTP batch, a Modbus poll) hand over their readings
 * and get a future that completes only once the readings are committed in PostgreSQL: that is when a gateway gets
 * its PUBACK or an HTTP client its 202. Readings from many submitters share one multi-row INSERT, which is what makes
 * high rates possible with that guarantee. Duplicates (same meter, register, ts) are stored once (see {@link #insert}).
 */
public final class ReadingWriter {

  private static final Logger LOG = LoggerFactory.getLogger(ReadingWriter.class);
  private static final String INSERT = "INSERT INTO reading_value (series_id, ts, value, quality, source, gateway) "
    + "SELECT * FROM unnest($1::int4[], $2::timestamptz[], $3::float8[], $4::text[], $5::text[], $6::text[])";
  /** The same, skipping duplicates and naming the rows it stored: used once a batch held a duplicate. */
  private static final String INSERT_SKIPPING_DUPLICATES = INSERT + " ON CONFLICT DO NOTHING RETURNING series_id, ts";
  private static final String UNIQUE_VIOLATION = "23505";
  /**
   * After a duplicate, how long every batch goes straight to {@link #INSERT_SKIPPING_DUPLICATES}: duplicates come in
   * bursts (a gateway resending what it sent before a lost PUBACK), and each plain INSERT that meets one is wasted.
   */
  private static final long CAREFUL_AFTER_DUPLICATE_MS = 10_000;

  /** What a submitter learns: how many of its readings were new (the rest were duplicates). */
  public record Written(int inserted, int duplicates) {
  }

  private record Pending(List<StoredReading> readings, Promise<Written> promise) {
  }

  /** A stored row's identity as the INSERT returns it: series and instant in microseconds, as stored. */
  private record RowKey(int seriesId, long epochMicros) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final int maxBatch;
  private final int maxPending;
  private final long lingerMs;
  private final Consumer<List<StoredReading>> onInserted;
  private final Set<YearMonth> partitionsEnsured = new HashSet<>();
  private final ReadingSeries series;
  private List<Pending> queue = new ArrayList<>();
  private int queuedReadings;
  private int inFlight;
  /**
   * Committed batches are announced ({@code onInserted}) in the order they were flushed, not the order their INSERTs
   * finished: concurrent INSERTs finish in any order, and a later batch announced first turns the earlier one's
   * readings into late data for interval derivation, which then rebuilds them from the database instead of deriving
   * them from memory. Only the announcement waits; acknowledgements go out as each batch commits.
   */
  private long flushesStarted;
  private long nextToAnnounce;
  private final java.util.Map<Long, List<StoredReading>> toAnnounce = new java.util.HashMap<>();
  private long timerId = -1;
  private long carefulUntilMs;

  /**
   * @param maxBatch   readings per INSERT
   * @param maxPending readings waiting at most; beyond that submit fails fast and the sender retries later
   * @param lingerMs   how long a lone submission waits for company before it is written anyway
   * @param onInserted called with the readings that were new, after they are committed
   */
  public ReadingWriter(Vertx vertx, Pool pool, int maxBatch, int maxPending, long lingerMs,
                       Consumer<List<StoredReading>> onInserted) {
    this.vertx = vertx;
    this.pool = pool;
    this.maxBatch = maxBatch;
    this.maxPending = maxPending;
    this.lingerMs = lingerMs;
    this.onInserted = onInserted;
    this.series = new ReadingSeries(pool);
  }

  /** Must be called on one event loop (the owning verticle's); the future completes there. */
  public Future<Written> submit(List<StoredReading> readings) {
    if (readings.isEmpty()) {
      return Future.succeededFuture(new Written(0, 0));
    }
    if (queuedReadings + readings.size() > maxPending) {
      return Future.failedFuture(new IllegalStateException("ingest backlog full: " + queuedReadings + " readings waiting"));
    }
    Promise<Written> promise = Promise.promise();
    queue.add(new Pending(readings, promise));
    queuedReadings += readings.size();
    if (queuedReadings >= maxBatch && inFlight < 2) {
      flush();
    } else if (timerId < 0) {
      timerId = vertx.setTimer(lingerMs, id -> {
        timerId = -1;
        flush();
      });
    }
    return promise.future();
  }

  private void flush() {
    if (queue.isEmpty()) {
      return;
    }
    List<Pending> batch = queue;
    queue = new ArrayList<>();
    queuedReadings = 0;
    inFlight++;
    long flushNumber = flushesStarted++;
    List<StoredReading> all = new ArrayList<>();
    batch.forEach(p -> all.addAll(p.readings()));
    ensurePartitions(all)
      .compose(v -> series.resolve(all))
      .compose(v -> insert(all))
      .onComplete(result -> {
        inFlight--;
        if (result.failed()) {
          LOG.error("reading insert failed readings={} error={}", all.size(), result.cause().getMessage());
          batch.forEach(p -> p.promise().fail(result.cause()));
          announce(flushNumber, List.of());
        } else {
          Set<RowKey> inserted = result.result();
          List<StoredReading> fresh = inserted == null ? all : new ArrayList<>(inserted.size());
          for (Pending p : batch) {
            int mine = p.readings().size();
            if (inserted != null) {
              mine = 0;
              for (StoredReading r : p.readings()) {
                if (inserted.remove(new RowKey(series.cached(r.meterId(), r.register()), epochMicros(r.ts())))) {
                  mine++;
                  fresh.add(r);
                }
              }
            }
            p.promise().complete(new Written(mine, p.readings().size() - mine));
          }
          announce(flushNumber, fresh);
        }
        if (!queue.isEmpty() && (queuedReadings >= maxBatch || timerId < 0)) {
          flush();
        }
      });
  }

  private void announce(long flushNumber, List<StoredReading> fresh) {
    toAnnounce.put(flushNumber, fresh);
    for (List<StoredReading> next; (next = toAnnounce.remove(nextToAnnounce)) != null; nextToAnnounce++) {
      if (!next.isEmpty()) {
        onInserted.accept(next);
      }
    }
  }

  /**
   * Stores the rows; null when every one was new, else the keys of those that were. A plain INSERT is tried first:
   * duplicates are rare (a resend after a lost PUBACK), and ON CONFLICT costs PostgreSQL a second index probe and a
   * confirmation WAL record per row, and the client a returned row per reading. If the batch holds a duplicate, the
   * INSERT fails whole (nothing is stored) and is repeated skipping duplicates.
   */
  private Future<Set<RowKey>> insert(List<StoredReading> all) {
    Tuple columns = columns(all);
    if (System.currentTimeMillis() < carefulUntilMs) {
      return insertSkippingDuplicates(columns);
    }
    return pool.preparedQuery(INSERT).execute(columns).<Set<RowKey>>map(rows -> null).recover(e -> {
      if (!(e instanceof PgException pg) || !UNIQUE_VIOLATION.equals(pg.getSqlState())) {
        return Future.failedFuture(e);
      }
      carefulUntilMs = System.currentTimeMillis() + CAREFUL_AFTER_DUPLICATE_MS;
      return insertSkippingDuplicates(columns);
    });
  }

  private Future<Set<RowKey>> insertSkippingDuplicates(Tuple columns) {
    return pool.preparedQuery(INSERT_SKIPPING_DUPLICATES).execute(columns).map(rows -> {
      Set<RowKey> inserted = new HashSet<>(rows.size() * 2);
      for (Row row : rows) {
        inserted.add(new RowKey(row.getInteger(0), epochMicros(row.getOffsetDateTime(1).toInstant())));
      }
      return inserted;
    });
  }

  /** Monthly partitions are created on first use; rows for a month whose partition cannot exist go to the default. */
  private Future<Void> ensurePartitions(List<StoredReading> readings) {
    Set<YearMonth> months = new HashSet<>();
    for (StoredReading r : readings) {
      YearMonth month = YearMonth.from(r.ts().atOffset(ZoneOffset.UTC));
      if (!partitionsEnsured.contains(month)) {
        months.add(month);
      }
    }
    Future<Void> chain = Future.succeededFuture();
    for (YearMonth month : months) {
      chain = chain.compose(v -> pool.preparedQuery("SELECT ensure_reading_partition($1)")
        .execute(Tuple.of(month.atDay(1)))
        .recover(e -> {
          // Two instances racing to create the same partition: the loser's error is harmless.
          LOG.debug("partition {} not created: {}", month, e.getMessage());
          return Future.succeededFuture();
        })
        .map(rows -> {
          partitionsEnsured.add(month);
          return null;
        }));
    }
    return chain;
  }

  private static long epochMicros(Instant ts) {
    return ts.getEpochSecond() * 1_000_000 + ts.getNano() / 1000;
  }

  /**
   * The rows as the INSERT's arrays, ordered by series (arrival order within one): consecutive rows then go to the
   * same primary-key leaf page, which made PostgreSQL's insert of a benchmark batch about a third cheaper than rows
   * interleaved across 2,000 series as gateways send them.
   */
  private Tuple columns(List<StoredReading> rows) {
    int n = rows.size();
    long[] order = new long[n];
    for (int i = 0; i < n; i++) {
      StoredReading r = rows.get(i);
      order[i] = ((long) series.cached(r.meterId(), r.register()) << 32) | i;
    }
    java.util.Arrays.sort(order);
    Integer[] seriesIds = new Integer[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    Double[] values = new Double[n];
    String[] qualities = new String[n];
    String[] sources = new String[n];
    String[] gateways = new String[n];
    for (int i = 0; i < n; i++) {
      StoredReading r = rows.get((int) order[i]);
      seriesIds[i] = (int) (order[i] >>> 32);
      times[i] = r.ts().atOffset(ZoneOffset.UTC);
      values[i] = r.value();
      qualities[i] = r.quality();
      sources[i] = r.source();
      gateways[i] = r.gateway();
    }
    return Tuple.of(seriesIds, times, values, qualities, sources, gateways);
  }

}
