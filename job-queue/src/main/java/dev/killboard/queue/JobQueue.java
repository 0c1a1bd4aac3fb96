package dev.killboard.queue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * Durable, prioritised job queues on Redis Streams (one stream per queue and priority, one consumer
 * group). Delivery is at least once: handlers must write idempotently. Every method returns a
 * Future and never blocks. While Redis is unreachable, operations fail at once with {@link
 * QueueUnavailableException}; the queue reconnects in the background.
 */
public interface JobQueue {

  /**
   * Whether {@code failure} means Redis cannot be reached (as opposed to a refused command or a bad
   * setting).
   */
  static boolean unreachable(Throwable failure) {
    return failure instanceof QueueUnavailableException || RedisLink.isConnectionFailure(failure);
  }

  /** A short description of a Redis failure for a log line. */
  static String describe(Throwable failure) {
    return RedisLink.describe(failure);
  }

  /**
   * Connects the command connection and returns the queue.
   *
   * @return a failed future with {@link QueueUnavailableException} when Redis cannot be reached at
   *     start
   */
  static Future<JobQueue> connect(Vertx vertx, QueueSettings settings) {
    return RedisJobQueue.connect(vertx, settings);
  }

  /** Enqueues one job with {@link Priority#NORMAL}; the future holds its id. */
  default Future<String> enqueue(String queue, JsonObject payload) {
    return enqueue(queue, payload, Priority.NORMAL);
  }

  /** Enqueues one job; the future holds its id once Redis has stored it. */
  Future<String> enqueue(String queue, JsonObject payload, Priority priority);

  /**
   * Enqueues many jobs in pipelined MULTI/EXEC blocks (each block of up to 500 jobs is stored
   * atomically); the future holds their ids in the order of {@code payloads}. On failure, earlier
   * blocks may already be stored.
   */
  Future<List<String>> enqueueAll(String queue, List<JsonObject> payloads, Priority priority);

  /** How many jobs the queue holds: ready, in flight and delayed for retry. */
  Future<QueueDepth> depth(String queue);

  /**
   * How many consumers of this queue are alive (they heartbeat; a crashed one drops out after 3
   * intervals).
   */
  Future<Integer> consumers(String queue);

  /** The newest dead letters of the queue, newest first, at most 100. */
  default Future<List<DeadLetter>> deadLetters(String queue) {
    return deadLetters(queue, 100);
  }

  /** The newest dead letters of the queue, newest first, at most {@code limit}. */
  Future<List<DeadLetter>> deadLetters(String queue, int limit);

  /**
   * Moves up to {@code limit} dead letters (oldest first) back to their priority stream with a
   * fresh attempt count, for an operator who fixed the cause; the future holds how many were moved.
   */
  Future<Integer> requeueDeadLetters(String queue, int limit);

  /** Depth, live consumers and dead letters of one queue, read in one round trip. */
  Future<QueueStatus> status(String queue);

  /** {@link #status(String)} of every listed queue (pipelined), in the same order. */
  Future<List<QueueStatus>> status(List<String> queues);

  /**
   * Creates (does not start) a consumer of {@code queue} with one job in flight. The handler runs
   * on the consumer's event loop and must not block; the job is acknowledged only after its future
   * succeeds, so it should complete after the database transaction has committed. Failing with
   * {@link JobRejected} drops the job; any other failure retries it with exponential backoff and
   * finally dead-letters it.
   */
  default JobConsumer consumer(String queue, Function<Job, Future<?>> handler) {
    return consumer(queue, handler, new ConsumerOptions());
  }

  /** {@link #consumer(String, Function)} with options (concurrency, name). */
  JobConsumer consumer(String queue, Function<Job, Future<?>> handler, ConsumerOptions options);

  /** Whether the command connection is up right now. */
  boolean isConnected();

  /** The validated settings this queue runs with. */
  QueueSettings settings();

  /**
   * Stops every consumer created here (letting in-flight jobs finish), then closes the command
   * connection.
   */
  Future<Void> close();
}
