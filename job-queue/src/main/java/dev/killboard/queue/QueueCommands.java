package dev.killboard.queue;

import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * What the consumer's parts ({@link Settlement}, {@link LeaseKeeper}, {@link DelayedPromotion})
 * send over the queue's shared command connection: scripts, and one plain command. Narrow so that
 * their tests can use a small fake.
 */
interface QueueCommands {

  /** Runs a queue script (EVALSHA, EVAL when Redis does not know it). */
  Future<Response> run(RedisScript script, List<String> keys, List<String> args);

  /** Sends one command. */
  Future<Response> send(Request request);

  /** Whether the connection is up right now. */
  boolean isUp();
}
