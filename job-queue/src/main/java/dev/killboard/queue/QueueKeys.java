package dev.killboard.queue;

import java.util.ArrayList;
import java.util.List;

/**
 * The Redis keys of one queue. The queue name is a hash tag ({@code {name}}) so every key of a
 * queue lives in one Redis Cluster slot, which the multi-key scripts and the multi-stream
 * XREADGROUP need.
 */
final class QueueKeys {

  static final String PREFIX = "kb:q:";

  private final String queue;
  private final String base;

  QueueKeys(String queue) {
    this.queue = QueueName.requireValid(queue);
    this.base = PREFIX + "{" + queue + "}:";
  }

  String queue() {
    return queue;
  }

  /** The stream of one priority, e.g. {@code kb:q:{esi_character_info_queue}:high}. */
  String stream(Priority priority) {
    return base + priority.key();
  }

  /** The streams of every priority, highest first. */
  List<String> streams() {
    return streamsAbove(null);
  }

  /**
   * The streams of priorities strictly above {@code bound}, highest first (every stream when null).
   */
  List<String> streamsAbove(Priority bound) {
    List<String> out = new ArrayList<>(Priority.values().length);
    for (Priority p : Priority.values()) {
      if (bound != null && p.ordinal() >= bound.ordinal()) {
        break;
      }
      out.add(stream(p));
    }
    return out;
  }

  /**
   * Sorted set of jobs waiting for their retry time (score: due time in Redis server milliseconds).
   */
  String delayed() {
    return base + "delayed";
  }

  /** Stream of dead letters. */
  String dead() {
    return base + "dead";
  }

  /** Sorted set of live consumers (score: heartbeat expiry in Redis server milliseconds). */
  String consumers() {
    return base + "consumers";
  }

  Priority priorityOf(String stream) {
    if (stream.startsWith(base)) {
      return Priority.fromKey(stream.substring(base.length()));
    }
    throw new IllegalArgumentException("stream " + stream + " is not one of queue " + queue);
  }
}
