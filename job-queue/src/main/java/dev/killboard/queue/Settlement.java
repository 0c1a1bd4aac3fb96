package dev.killboard.queue;

import dev.killboard.config.Backoff;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a consumer ends each delivery in Redis: acknowledged (success, or dropped by {@link
 * JobRejected}), handed back unchanged ({@link JobHandedBack}), parked for a retry with backoff, or
 * moved to the dead letters (last attempt, unreadable entry, abandoned too often). While the
 * command connection is down a settlement is tried again every half second, up to the visibility
 * timeout (after that the entry is reclaimed anyway).
 */
final class Settlement {

  private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);
  private static final long RETRY_MILLIS = 500;
  private static final int MAX_ERROR_CHARS = 2000;

  private final ConsumerContext ctx;
  private final QueueCommands link;
  private final QueueKeys keys;
  private final QueueSettings settings;
  private final String consumer;
  private final BooleanSupplier consuming;
  private final LongConsumer retryParked;
  private final Backoff backoff;
  private final long visibilityMillis;

  /**
   * @param consuming whether the consumer still takes jobs (a stopping one gives up on a down
   *     connection sooner)
   * @param retryParked told the delay of each retry parked in the delayed set, so promotion can be
   *     scheduled for it
   */
  Settlement(
      ConsumerContext ctx,
      QueueCommands link,
      QueueKeys keys,
      QueueSettings settings,
      String consumer,
      BooleanSupplier consuming,
      LongConsumer retryParked) {
    this.ctx = ctx;
    this.link = link;
    this.keys = keys;
    this.settings = settings;
    this.consumer = consumer;
    this.consuming = consuming;
    this.retryParked = retryParked;
    this.backoff = Backoff.exponential(settings.backoffBase(), settings.backoffMax()).withJitter();
    this.visibilityMillis = settings.visibilityTimeout().toMillis();
  }

  /**
   * Settles a delivery that must not run (unreadable, or handed out more often than the attempts
   * allow) by moving it to the dead letters; null when it may run.
   */
  Future<Void> refuseUnrunnable(Delivery d) {
    if (d.job == null) {
      LOG.error(
          "Consumer {} of {}: entry {} is unreadable ({}); moving it to the dead letters",
          consumer,
          keys.queue(),
          d.key(),
          d.unreadable);
      return deadLetter(d, "unreadable entry: " + d.unreadable, d.failedAttempts());
    }
    if (d.job.attempt() > settings.maxAttempts()) {
      String error =
          "abandoned "
              + (d.job.attempt() - 1 - d.failedAttempts())
              + " time(s) without an outcome"
              + " (its consumer crashed or exceeded the visibility timeout)"
              + (d.job.lastError() != null ? "; last error: " + d.job.lastError() : "");
      LOG.error(
          "Consumer {} of {}: {} reached {} attempts; moving it to the dead letters: {}",
          consumer,
          keys.queue(),
          d.job,
          settings.maxAttempts(),
          error);
      return deadLetter(d, error, d.job.attempt() - 1);
    }
    return null;
  }

  /** Settles a delivery after its handler's outcome. */
  Future<Void> settle(Delivery d, AsyncResult<Void> result) {
    if (result.succeeded()) {
      return ack(d, "acknowledge");
    }
    Throwable cause = result.cause();
    if (cause instanceof JobHandedBack) {
      LOG.debug(
          "Consumer {} of {}: handing {} back unchanged: {}",
          consumer,
          keys.queue(),
          d.job,
          cause.getMessage());
      return attempt(
          d,
          "hand back",
          () ->
              link.run(
                  QueueScripts.RELEASE,
                  List.of(d.stream),
                  List.of(settings.consumerGroup(), d.entryId)));
    }
    if (cause instanceof JobRejected) {
      LOG.info(
          "Consumer {} of {}: dropping {}: {}", consumer, keys.queue(), d.job, cause.getMessage());
      return ack(d, "drop");
    }
    String error = errorText(cause);
    int attempt = d.job.attempt();
    if (attempt >= settings.maxAttempts()) {
      LOG.error(
          "Consumer {} of {}: {} failed on its last attempt ({}/{}); moving it to the dead letters: {}",
          consumer,
          keys.queue(),
          d.job,
          attempt,
          settings.maxAttempts(),
          error);
      return deadLetter(d, error, attempt);
    }
    long delay = backoff.delayMillis(attempt);
    LOG.warn(
        "Consumer {} of {}: {} failed (attempt {}/{}), retrying in {} ms: {}",
        consumer,
        keys.queue(),
        d.job,
        attempt,
        settings.maxAttempts(),
        delay,
        error);
    if (LOG.isDebugEnabled()) {
      LOG.debug("Failure of " + d.job, cause);
    }
    String member = StreamEntries.retryMember(d.priority, d.fields, d.job.id(), attempt, error);
    return attempt(
            d,
            "schedule the retry of",
            () ->
                link.run(
                    QueueScripts.RETRY,
                    List.of(d.stream, keys.delayed()),
                    List.of(settings.consumerGroup(), d.entryId, Long.toString(delay), member)))
        .onSuccess(x -> retryParked.accept(delay));
  }

  /**
   * Gives entries that were taken but never started back to their streams, so other consumers get
   * them now.
   */
  Future<Void> release(List<Delivery> unstarted) {
    if (unstarted.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, List<String>> byStream = new LinkedHashMap<>();
    for (Delivery d : unstarted) {
      byStream.computeIfAbsent(d.stream, s -> new ArrayList<>()).add(d.entryId);
    }
    List<Future<Response>> all = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byStream.entrySet()) {
      List<String> args = new ArrayList<>();
      args.add(settings.consumerGroup());
      args.addAll(e.getValue());
      all.add(link.run(QueueScripts.RELEASE, List.of(e.getKey()), args));
    }
    return ctx.deliver(Future.join(all))
        .transform(
            ar -> {
              if (ar.failed()) {
                LOG.warn(
                    "Consumer {} of {}: could not give back {} unstarted job(s) ({}); they will be reclaimed after the"
                        + " visibility timeout",
                    consumer,
                    keys.queue(),
                    unstarted.size(),
                    RedisLink.describe(ar.cause()));
              }
              return Future.succeededFuture();
            });
  }

  private Future<Void> ack(Delivery d, String what) {
    return attempt(
        d,
        what,
        () ->
            link.run(
                QueueScripts.ACK, List.of(d.stream), List.of(settings.consumerGroup(), d.entryId)));
  }

  private Future<Void> deadLetter(Delivery d, String error, int attempts) {
    List<String> args = new ArrayList<>();
    args.add(settings.consumerGroup());
    args.add(d.entryId);
    addField(args, StreamEntries.ID, d.jobId());
    addField(args, "priority", d.priority.key());
    // Keep the original text, even when it is not JSON: a dead letter must lose nothing.
    addField(
        args,
        StreamEntries.PAYLOAD,
        d.fields.containsKey(StreamEntries.PAYLOAD)
            ? d.fields.get(StreamEntries.PAYLOAD)
            : new JsonObject(new LinkedHashMap<>(d.fields)).encode());
    addField(args, StreamEntries.ATTEMPTS, Integer.toString(attempts));
    addField(args, StreamEntries.ERROR, error);
    addField(args, "failed", Long.toString(System.currentTimeMillis()));
    addField(args, "consumer", consumer);
    addField(args, StreamEntries.ENQUEUED, d.fields.getOrDefault(StreamEntries.ENQUEUED, "0"));
    addField(args, "entry", d.entryId);
    return attempt(
        d,
        "dead-letter",
        () -> link.run(QueueScripts.DEAD_LETTER, List.of(d.stream, keys.dead()), args));
  }

  private static void addField(List<String> args, String field, String value) {
    args.add(field);
    args.add(value == null ? "" : value);
  }

  /**
   * Runs a settling script until it has an answer: a script that returns 0 found the entry no
   * longer pending, i.e. already settled elsewhere. Never fails: what cannot be settled stays
   * pending and is redelivered.
   */
  private Future<Void> attempt(Delivery d, String what, Supplier<Future<Response>> op) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(visibilityMillis);
    tryOnce(d, what, op, deadline, done);
    return done.future();
  }

  private void tryOnce(
      Delivery d, String what, Supplier<Future<Response>> op, long deadline, Promise<Void> done) {
    ctx.deliver(op.get())
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                if (ar.result() != null && ar.result().toInteger() == 0) {
                  LOG.warn(
                      "Consumer {} of {}: could not {} {}: it is no longer pending (its lease was lost and another"
                          + " consumer took it, or Redis lost it)",
                      consumer,
                      keys.queue(),
                      what,
                      d);
                }
                done.complete();
                return;
              }
              Throwable err = ar.cause();
              boolean retryable =
                  RedisLink.isConnectionFailure(err)
                      && System.nanoTime() < deadline
                      && (consuming.getAsBoolean() || link.isUp());
              if (!retryable) {
                LOG.error(
                    "Consumer {} of {}: could not {} {} ({}); it stays pending and will be redelivered after the"
                        + " visibility timeout",
                    consumer,
                    keys.queue(),
                    what,
                    d,
                    RedisLink.describe(err));
                done.complete();
                return;
              }
              ctx.later(RETRY_MILLIS, () -> tryOnce(d, what, op, deadline, done));
            });
  }

  static String errorText(Throwable t) {
    String m = t.getMessage();
    String text;
    if (m == null || m.isBlank()) {
      text = t.getClass().getName();
    } else if (t.getClass().getName().contains("NoStackTrace")) {
      text = m; // Future.failedFuture("...") carries just a message
    } else {
      text = t.getClass().getSimpleName() + ": " + m;
    }
    return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "...";
  }
}
