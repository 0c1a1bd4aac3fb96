package dev.killboard.store;

import dev.killboard.queue.JobQueue;
import dev.killboard.queue.Priority;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox of entity info jobs ({@code entity_job_outbox}, V9): live ingestion {@linkplain
 * #record records} the unknown entities of new killmails in the killmails' own transaction, and the
 * relay moves them to the Redis info queues. A pass takes up to {@value #BATCH} of the oldest rows
 * ({@code FOR UPDATE SKIP LOCKED}, so relays of other instances take other rows), deletes them and
 * commits only after Redis accepted their jobs: a failed enqueue rolls the delete back. Delivery is
 * at least once (a commit that fails after the enqueue queues them again later), which the info
 * workers' idempotent upserts absorb.
 *
 * <p>The relay runs after each committed batch and once at start (rows a stopped process left),
 * never on an idle timer, so an idle worker's pool still gives its permits back. While Redis is
 * down it waits without touching the database and relays as soon as the queue's connection is back;
 * other failures retry with backoff (0.5 s doubling to 30 s).
 */
public final class EntityJobOutbox {
  /** Rows one pass relays; a full pass is followed at once by the next. */
  static final int BATCH = 500;

  private static final Logger LOG = LoggerFactory.getLogger(EntityJobOutbox.class);

  /** How long a stop waits for the pass under way. */
  static final long STOP_WAIT_MS = 5_000;

  private static final long RETRY_MIN_MS = 500;
  private static final long RETRY_MAX_MS = 30_000;
  // Reading the queue's connection state is a field read: checking it often costs nothing.
  private static final long REDIS_CHECK_MS = 200;
  private static final String TAKE =
      """
      DELETE FROM entity_job_outbox o
       USING (SELECT kind, entity_id FROM entity_job_outbox
               ORDER BY recorded_at LIMIT $1 FOR UPDATE SKIP LOCKED) t
       WHERE o.kind = t.kind AND o.entity_id = t.entity_id
      RETURNING o.kind, o.entity_id""";

  private final Vertx vertx;
  private final Pool pool;
  private final JobQueue queue;
  private final String owner;

  // Guarded by this.
  private Future<Void> current;
  private Promise<Void> next;
  private long retryTimer = -1;
  private long retryDelayMs = RETRY_MIN_MS;
  private boolean failing;
  private boolean stopped;

  /** An outbox relayed through {@code pool} (the worker's budgeted pool) to {@code queue}. */
  public EntityJobOutbox(Vertx vertx, Pool pool, JobQueue queue, String owner) {
    this.vertx = vertx;
    this.pool = pool;
    this.queue = queue;
    this.owner = owner;
  }

  /**
   * Records, in the caller's transaction, the unknown entities of the killmails it has just
   * inserted.
   */
  public Future<Void> record(SqlConnection tx, List<Integer> killmailIds) {
    if (killmailIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(UnknownEntities.RECORD_SQL)
        .execute(Tuple.of(killmailIds.toArray(new Integer[0])))
        .mapEmpty();
  }

  /** Starts relaying with one pass now, for rows an earlier process left behind. */
  public void start() {
    relay();
  }

  /**
   * Relays what the outbox holds, starting after this call (so rows committed before it are
   * included unless another instance takes them). Never fails: when Redis or the database refuses,
   * the rows stay and a retry is scheduled.
   */
  public synchronized Future<Void> relay() {
    if (stopped) {
      return Future.succeededFuture();
    }
    if (current != null) {
      // The pass under way may have read the outbox before the caller's commit: one more drain
      // follows it.
      if (next == null) {
        next = Promise.promise();
      }
      return next.future();
    }
    return begin();
  }

  /**
   * Stops relaying: no new pass starts; completes when the pass under way has ended, or after
   * {@value #STOP_WAIT_MS} ms (a pass cut short by the pool closing rolls back). Rows left stay for
   * the next relay.
   */
  public Future<Void> stop() {
    Future<Void> running;
    synchronized (this) {
      stopped = true;
      if (retryTimer >= 0) {
        vertx.cancelTimer(retryTimer);
        retryTimer = -1;
      }
      running = current;
    }
    if (running == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(STOP_WAIT_MS, id -> done.tryComplete());
    running.onComplete(
        ar -> {
          vertx.cancelTimer(timer);
          done.tryComplete();
        });
    return done.future();
  }

  // Called holding the lock, with no drain under way.
  private Future<Void> begin() {
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    Future<Void> drain = drain();
    current = drain;
    drain.onComplete(ar -> ended());
    return drain;
  }

  private void ended() {
    Promise<Void> waiting;
    synchronized (this) {
      current = null;
      waiting = next;
      next = null;
      if (waiting != null && !stopped) {
        begin().onComplete(waiting);
        return;
      }
    }
    if (waiting != null) {
      waiting.complete();
    }
  }

  private Future<Void> drain() {
    if (!queue.isConnected()) {
      // Redis is down: no point taking rows (and a connection) only to roll them back.
      waitForRedis();
      return Future.succeededFuture();
    }
    return pass()
        .compose(
            taken -> {
              recovered(taken);
              synchronized (this) {
                if (taken < BATCH || stopped) {
                  return Future.<Void>succeededFuture();
                }
              }
              return drain();
            },
            e -> {
              failed(e);
              return Future.succeededFuture();
            });
  }

  // One transaction: take the oldest rows, queue their jobs, commit the delete only when Redis has
  // them.
  private Future<Integer> pass() {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(TAKE)
                .execute(Tuple.of(BATCH))
                .compose(
                    rows -> {
                      Map<String, List<Long>> byKind = new LinkedHashMap<>();
                      for (Row row : rows) {
                        byKind
                            .computeIfAbsent(row.getString(0), k -> new ArrayList<>())
                            .add(row.getLong(1));
                      }
                      Future<Void> queued = Future.succeededFuture();
                      for (UnknownEntities.Kind kind : UnknownEntities.KINDS) {
                        List<Long> ids = byKind.get(kind.name());
                        if (ids != null) {
                          queued =
                              queued.compose(
                                  v -> Enqueue.entities(queue, kind.queue(), ids, Priority.NORMAL));
                        }
                      }
                      return queued.map(v -> rows.size());
                    }));
  }

  private synchronized void recovered(int taken) {
    retryDelayMs = RETRY_MIN_MS;
    if (failing) {
      failing = false;
      LOG.info("entity jobs are relayed from the outbox again worker={} relayed={}", owner, taken);
    }
  }

  private synchronized void failed(Throwable e) {
    if (!failing) {
      failing = true;
      LOG.warn(
          "entity jobs wait in the outbox, relaying again when possible worker={}: {}",
          owner,
          e.toString());
    } else {
      LOG.debug("outbox relay failed again worker={}: {}", owner, e.toString());
    }
    if (stopped) {
      return;
    }
    if (!queue.isConnected()) {
      waitForRedis();
      return;
    }
    long delay = retryDelayMs;
    retryDelayMs = Math.min(RETRY_MAX_MS, retryDelayMs * 2);
    retryTimer = vertx.setTimer(delay, id -> retry());
  }

  private synchronized void waitForRedis() {
    if (!failing) {
      failing = true;
      LOG.warn("entity jobs wait in the outbox until Redis is back worker={}", owner);
    }
    if (!stopped) {
      retryTimer =
          vertx.setTimer(
              REDIS_CHECK_MS,
              id -> {
                synchronized (this) {
                  retryTimer = -1;
                }
                if (queue.isConnected()) {
                  retry();
                } else {
                  waitForRedis();
                }
              });
    }
  }

  private synchronized void retry() {
    retryTimer = -1;
    relay();
  }
}
