package dev.killboard.worker.framework;

import dev.killboard.config.Backoff;
import dev.killboard.queue.ConsumerOptions;
import dev.killboard.queue.Job;
import dev.killboard.queue.JobConsumer;
import dev.killboard.queue.JobHandedBack;
import dev.killboard.queue.JobRejected;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker that consumes one job queue. A concrete worker declares its queue, its upstream call
 * ({@link #fetch}) and its write ({@link #write}, an idempotent upsert run inside one transaction
 * on this instance's budgeted pool). The framework acks a job only after that transaction committed
 * (and {@link #afterCommit} succeeded), drops it on ESI 404 and other 4xx refusals, and retries
 * everything else with the queue's backoff (see {@link JobFailures}). A job that fails because
 * PostgreSQL is unreachable ({@link DatabaseOutage}) is first run again in place, so a database
 * restart spends none of the queue's attempts.
 *
 * @param <T> what the upstream call returns
 */
public abstract class QueueWorker<T> extends PooledWorker {
  private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);
  // While PostgreSQL is unreachable a job waits in hand (250 ms doubling to 5 s) for up to a
  // minute, then goes back
  // to the queue's backoff: a restart or failover must not spend attempts and dead-letter healthy
  // jobs.
  private static final Backoff OUTAGE_WAIT =
      Backoff.exponential(Duration.ofMillis(250), Duration.ofSeconds(5));
  private static final long OUTAGE_GIVE_UP_NANOS = 60_000_000_000L;
  private static final long NO_OUTAGE = Long.MIN_VALUE;

  private JobConsumer consumer;
  private volatile boolean stopping;
  // Set while the consumer is paused for a shortage of connection permits (on this verticle's
  // context only).
  private Future<Void> waitingForPermit;

  /** The queue this worker consumes (a {@link dev.killboard.contracts.QueueNames} constant). */
  public abstract String queueName();

  /** The upstream call for one job. */
  protected abstract Future<T> fetch(Job job);

  /**
   * The write for one job, inside a transaction; must be idempotent (a redelivered job is
   * harmless).
   */
  protected abstract Future<?> write(SqlConnection tx, T data, Job job);

  /** Work after the commit, before the ack (follow-up jobs, events); idempotent as well. */
  protected Future<?> afterCommit(T data, Job job) {
    return Future.succeededFuture();
  }

  /**
   * One job: fetch, write in a transaction, then {@link #afterCommit}. Override for multi-step
   * jobs.
   */
  protected Future<?> process(Job job) {
    return fetch(job)
        .compose(
            data ->
                runtime
                    .pool()
                    .withTransaction(tx -> write(tx, data, job).mapEmpty())
                    .compose(v -> afterCommit(data, job)));
  }

  /**
   * Not standalone: its queue's consumers show it in workerStatus, so it publishes no heartbeat.
   */
  @Override
  protected final boolean standalone() {
    return false;
  }

  @Override
  protected Future<?> begin() {
    consumer =
        runtime
            .queue()
            .consumer(
                queueName(),
                this::handle,
                new ConsumerOptions().concurrency(runtime.settings().concurrency()));
    return consumer.start();
  }

  @Override
  protected Future<?> end() {
    stopping = true;
    return consumer == null ? Future.succeededFuture() : consumer.stop();
  }

  private Future<?> handle(Job job) {
    long started = System.nanoTime();
    return runThroughOutages(job, NO_OUTAGE, 1)
        .transform(
            ar -> {
              long ms = (System.nanoTime() - started) / 1_000_000;
              if (ar.succeeded()) {
                LOG.debug(
                    "job done worker={} queue={} job={} attempt={} ms={}",
                    owner(),
                    queueName(),
                    job.id(),
                    job.attempt(),
                    ms);
                return Future.succeededFuture();
              }
              if (JobFailures.shortage(ar.cause())) {
                // No connection to be had: the job was not at fault. Hand it back whole and take no
                // job until a permit is free.
                waitForPermit(ar.cause());
                return Future.failedFuture(
                    new JobHandedBack("no database connection free", ar.cause()));
              }
              if (stopping) {
                // This instance is stopping (its pool may be closing): another instance runs the
                // job, with all its attempts.
                return Future.failedFuture(new JobHandedBack("worker stopping", ar.cause()));
              }
              Throwable verdict = JobFailures.classify(ar.cause());
              if (verdict instanceof JobRejected) {
                LOG.info(
                    "job dropped worker={} queue={} job={} reason={}",
                    owner(),
                    queueName(),
                    job.id(),
                    verdict.getMessage());
              } else {
                LOG.warn(
                    "job failed worker={} queue={} job={} attempt={} ms={} retry=queue-backoff error={}",
                    owner(),
                    queueName(),
                    job.id(),
                    job.attempt(),
                    ms,
                    String.valueOf(verdict));
              }
              return Future.failedFuture(verdict);
            });
  }

  /**
   * Pauses the consumer until this instance's pool gets a connection again (the wait for a permit
   * is the pool's own; the connection then stays idle in the pool for the job that follows). Logs
   * once who holds the permits.
   */
  private void waitForPermit(Throwable shortage) {
    if (waitingForPermit != null || stopping) {
      return;
    }
    consumer.pause();
    LOG.warn(
        "worker {} waits for a database connection and takes no job until it has one: {}",
        owner(),
        shortage.getMessage());
    long since = System.nanoTime();
    waitingForPermit =
        retryConnect()
            .onComplete(
                ar -> {
                  waitingForPermit = null;
                  if (!stopping) {
                    LOG.info(
                        "worker {} has a database connection again after {} s; taking jobs",
                        owner(),
                        (System.nanoTime() - since) / 1_000_000_000L);
                    consumer.resume();
                  }
                });
  }

  private Future<Void> retryConnect() {
    if (stopping) {
      return Future.succeededFuture();
    }
    return runtime
        .pool()
        .getConnection()
        .compose(conn -> conn.close())
        .recover(
            err -> {
              if (JobFailures.shortage(err)) {
                return retryConnect(); // the permit wait itself paces this loop
              }
              Promise<Void> later = Promise.promise();
              vertx.setTimer(OUTAGE_WAIT.max().toMillis(), id -> later.complete());
              return later.future().compose(v -> retryConnect());
            });
  }

  /**
   * Runs the job; when it fails because the database is unreachable, waits and runs it again (the
   * write is idempotent), so the outage costs no queue attempt. Gives up to the queue after a
   * minute, or when stopping.
   */
  private Future<Void> runThroughOutages(Job job, long outageSince, int attempt) {
    return runOnce(job)
        .recover(
            e -> {
              long now = System.nanoTime();
              if (stopping
                  || !DatabaseOutage.is(e)
                  || (outageSince != NO_OUTAGE && now - outageSince > OUTAGE_GIVE_UP_NANOS)) {
                return Future.failedFuture(e);
              }
              if (outageSince == NO_OUTAGE) {
                LOG.warn(
                    "database unreachable worker={} queue={} job={}: holding the job and running it again once the"
                        + " database answers (up to 60 s) error={}",
                    owner(),
                    queueName(),
                    job.id(),
                    String.valueOf(e));
              }
              Promise<Void> waited = Promise.promise();
              vertx.setTimer(OUTAGE_WAIT.delayMillis(attempt), id -> waited.complete());
              long since = outageSince == NO_OUTAGE ? now : outageSince;
              return waited.future().compose(v -> runThroughOutages(job, since, attempt + 1));
            });
  }

  private Future<Void> runOnce(Job job) {
    try {
      Future<?> outcome = process(job);
      return outcome == null
          ? Future.failedFuture(
              new IllegalStateException(owner() + " returned no future for job " + job.id()))
          : outcome.mapEmpty();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
