package dev.killboard.worker.framework;

import dev.killboard.queue.ConsumerOptions;
import dev.killboard.queue.Job;
import dev.killboard.queue.JobConsumer;
import dev.killboard.queue.JobRejected;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker that consumes one job queue. A concrete worker declares its queue, its upstream call ({@link #fetch}) and
 * its write ({@link #write}, an idempotent upsert run inside one transaction on this instance's budgeted pool). The
 * framework acks a job only after that transaction committed (and {@link #afterCommit} succeeded), drops it on
 * ESI 404 and other 4xx refusals, and retries everything else with the queue's backoff (see {@link JobFailures}).
 *
 * @param <T> what the upstream call returns
 */
public abstract class QueueWorker<T> extends PooledWorker {
  private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);

  private JobConsumer consumer;

  /** The queue this worker consumes (a {@link dev.killboard.queue.QueueNames} constant). */
  public abstract String queueName();

  /** The upstream call for one job. */
  protected abstract Future<T> fetch(Job job);

  /** The write for one job, inside a transaction; must be idempotent (a redelivered job is harmless). */
  protected abstract Future<?> write(SqlConnection tx, T data, Job job);

  /** Work after the commit, before the ack (follow-up jobs, events); idempotent as well. */
  protected Future<?> afterCommit(T data, Job job) {
    return Future.succeededFuture();
  }

  /** One job: fetch, write in a transaction, then {@link #afterCommit}. Override for multi-step jobs. */
  protected Future<?> process(Job job) {
    return fetch(job).compose(data -> runtime.pool().withTransaction(tx -> write(tx, data, job).mapEmpty())
        .compose(v -> afterCommit(data, job)));
  }

  @Override
  protected Future<?> begin() {
    consumer = runtime.queue().consumer(queueName(), this::handle,
        new ConsumerOptions().concurrency(runtime.settings().concurrency()));
    return consumer.start();
  }

  @Override
  protected Future<?> end() {
    return consumer == null ? Future.succeededFuture() : consumer.stop();
  }

  private Future<?> handle(Job job) {
    long started = System.nanoTime();
    Future<?> outcome;
    try {
      outcome = process(job);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome.transform(ar -> {
      long ms = (System.nanoTime() - started) / 1_000_000;
      if (ar.succeeded()) {
        LOG.debug("job done worker={} queue={} job={} attempt={} ms={}", owner(), queueName(), job.id(), job.attempt(), ms);
        return Future.succeededFuture();
      }
      Throwable verdict = JobFailures.classify(ar.cause());
      if (verdict instanceof JobRejected) {
        LOG.info("job dropped worker={} queue={} job={} reason={}", owner(), queueName(), job.id(), verdict.getMessage());
      } else {
        LOG.warn("job failed worker={} queue={} job={} attempt={} ms={} retry=queue-backoff error={}", owner(), queueName(),
            job.id(), job.attempt(), ms, String.valueOf(verdict));
      }
      return Future.failedFuture(verdict);
    });
  }
}
