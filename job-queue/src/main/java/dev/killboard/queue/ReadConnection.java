package dev.killboard.queue;

import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * A consumer's own read connection as {@link EntryReader} uses it ({@link RedisLink} in
 * production): the command interface, plus its life, blocking reads with their own timeout, and
 * waiting for a reconnect. Narrow so that the reader's test can use a small fake.
 */
interface ReadConnection extends QueueCommands {

  /** Connects for the first time. */
  Future<Void> start();

  /** Closes for good. */
  Future<Void> close();

  /** Completes when the connection is (back) up; fails only once it is closed. */
  Future<Void> whenUp();

  /**
   * Sends one command, failing after {@code timeoutMillis} (a blocking read's block time and
   * margin).
   */
  Future<Response> send(Request request, long timeoutMillis);
}
