package io.gridledger.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * Makes a scheduled job run on one instance only, however many instances share the database. Every instance keeps
 * its timer; at each tick {@link #run} asks whether this instance leads the job and runs it only then. Leadership is
 * a session-level PostgreSQL advisory lock ({@code pg_try_advisory_lock(18252, hashtext(job))}, 18252 = "GL") held on
 * a connection of its own: the first instance to take it leads until it stops or its connection dies, when PostgreSQL
 * releases the lock and another instance takes it at its next tick. A lock per run would not do: a follower whose
 * timer fires after the leader's run finished would run the job a second time in the same period.
 *
 * <p>The leader checks its connection before every run; if it broke, it stops leading. The window in which an old
 * leader can still be running while a new one starts is one run: jobs must stay idempotent (the alarm sweep is).
 * The connection goes straight to PostgreSQL: a transaction-pooling proxy (PgBouncer in transaction mode) would hand
 * the session, and the lock, to someone else.
 *
 * <p>Not thread-safe: used from its job's event loop.
 */
public final class RunOnce {

  private static final Logger LOG = LoggerFactory.getLogger(RunOnce.class);
  private static final int LOCK_CLASS = 18252;

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final String job;
  private PgConnection connection;
  private volatile boolean leader;
  private volatile long runs;
  private volatile long skips;

  public RunOnce(Vertx vertx, PgConnectOptions connect, String job) {
    this.vertx = vertx;
    this.options = new PgConnectOptions(connect).addProperty("application_name", "gridledger-lead-" + job);
    this.job = job;
  }

  /**
   * Runs {@code work} if this instance leads the job (taking the lead when nobody holds it); completes with whether it
   * ran. A database that cannot be reached means "not leading": the tick is skipped, never run blind.
   */
  public <T> Future<Boolean> run(Supplier<Future<T>> work) {
    return lead().compose(leading -> {
      if (!leading) {
        skips++;
        return Future.succeededFuture(false);
      }
      runs++;
      return work.get().map(done -> true);
    });
  }

  private Future<Boolean> lead() {
    if (leader && connection != null) {
      return connection.query("SELECT 1").execute().map(ok -> true).recover(e -> {
        LOG.warn("job lead lost job={} error={}", job, e.getMessage());
        dropConnection();
        return Future.succeededFuture(false);
      });
    }
    Future<PgConnection> conn = connection != null ? Future.succeededFuture(connection)
      : PgConnection.connect(vertx, options).onSuccess(c -> {
        connection = c;
        c.exceptionHandler(e -> LOG.debug("job lead connection error job={} error={}", job, e.getMessage()));
        c.closeHandler(v -> {
          if (connection == c) {
            connection = null;
            leader = false;
          }
        });
      });
    return conn.compose(c -> c.preparedQuery("SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked")
        .execute(Tuple.of(LOCK_CLASS, job)))
      .map(rows -> {
        leader = rows.iterator().next().getBoolean("locked");
        if (leader) {
          LOG.info("job lead taken job={}", job);
        }
        return leader;
      })
      .recover(e -> {
        LOG.warn("job lead unavailable job={} error={}", job, e.getMessage());
        dropConnection();
        return Future.succeededFuture(false);
      });
  }

  private void dropConnection() {
    leader = false;
    if (connection != null) {
      PgConnection c = connection;
      connection = null;
      c.close();
    }
  }

  public boolean isLeader() {
    return leader;
  }

  /** Ticks at which this instance ran the job. */
  public long runs() {
    return runs;
  }

  /** Ticks at which another instance led and this one skipped. */
  public long skips() {
    return skips;
  }

  /** Gives up the lead (closing the connection releases the lock at once). */
  public Future<Void> close() {
    leader = false;
    PgConnection c = connection;
    connection = null;
    return c == null ? Future.succeededFuture() : c.close();
  }
}
