package dev.killboard.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream entry this consumer has taken (it sits in the consumer's pending list) with the job
 * decoded from it, or the reason it could not be decoded.
 */
final class Delivery {

  private static final AtomicLong SEQUENCE = new AtomicLong();

  final String stream;
  final String entryId;
  final Priority priority;
  final Map<String, String> fields;
  final Job job;
  final String unreadable;
  final long order;
  long leaseAtNanos;

  private Delivery(
      String stream,
      String entryId,
      Priority priority,
      Map<String, String> fields,
      Job job,
      String unreadable) {
    this.stream = stream;
    this.entryId = entryId;
    this.priority = priority;
    this.fields = fields;
    this.job = job;
    this.unreadable = unreadable;
    this.leaseAtNanos = System.nanoTime();
    this.order = SEQUENCE.incrementAndGet();
  }

  /**
   * Decodes an entry. {@code deliveries} is how often Redis has handed out this entry, this time
   * included (1 for a fresh read); the job's attempt number is the failed attempts recorded in the
   * entry plus that.
   */
  static Delivery decode(
      QueueKeys keys, String stream, String entryId, Map<String, String> fields, int deliveries) {
    Priority priority = keys.priorityOf(stream);
    String payloadText = fields.get(StreamEntries.PAYLOAD);
    int failed = StreamEntries.intField(fields, StreamEntries.ATTEMPTS, -1);
    String why = null;
    JsonObject payload = null;
    if (payloadText == null) {
      why = "entry has no payload field";
    } else if (failed < 0) {
      why = "entry has no valid attempts field ('" + fields.get(StreamEntries.ATTEMPTS) + "')";
    } else {
      try {
        payload = new JsonObject(payloadText);
      } catch (RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        int eol = m.indexOf('\n');
        why = "payload is not a JSON object: " + (eol < 0 ? m : m.substring(0, eol));
      }
    }
    if (why != null) {
      return new Delivery(stream, entryId, priority, fields, null, why);
    }
    String id = fields.getOrDefault(StreamEntries.ID, entryId);
    Instant enqueued =
        Instant.ofEpochMilli(StreamEntries.longField(fields, StreamEntries.ENQUEUED, 0));
    Job job =
        new Job(
            id,
            keys.queue(),
            priority,
            payload,
            failed + Math.max(1, deliveries),
            fields.get(StreamEntries.ERROR),
            enqueued);
    return new Delivery(stream, entryId, priority, fields, job, null);
  }

  /** Unique among the deliveries of one queue (entry ids are unique only within one stream). */
  String key() {
    return stream + "/" + entryId;
  }

  String jobId() {
    return job != null ? job.id() : fields.getOrDefault(StreamEntries.ID, entryId);
  }

  int failedAttempts() {
    return Math.max(0, StreamEntries.intField(fields, StreamEntries.ATTEMPTS, 0));
  }

  @Override
  public String toString() {
    return job != null ? job.toString() : "unreadable entry " + key();
  }
}
