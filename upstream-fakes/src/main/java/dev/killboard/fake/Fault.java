package dev.killboard.fake;

import java.time.Duration;

/**
 * A misbehaviour a fake can be told to show on its next calls of a route (see {@link
 * FaultInjector}).
 */
public sealed interface Fault {

  /**
   * Answers with this status and body instead of the real answer (404, 500, 503, 422, a wrong JSON
   * shape...).
   */
  record Status(int status, String body) implements Fault {}

  /** Answers 429 with {@code Retry-After} in whole seconds (rounded up). */
  record TooManyRequests(Duration retryAfter) implements Fault {}

  /**
   * Waits this long, then answers normally (a slow upstream; use with a client timeout for
   * timeouts).
   */
  record Delay(Duration delay) implements Fault {}

  /** Closes the connection without answering (a network failure). */
  record Disconnect() implements Fault {}

  /** A status with ESI's error body {@code {"error": "..."}}. */
  static Fault status(int status) {
    return new Status(status, "{\"error\":\"Injected failure " + status + "\"}");
  }

  /** A 200 whose body is cut off mid-JSON. */
  static Fault malformedJson() {
    return new Status(200, "{\"killmail_id\": 1, \"name\": \"broken");
  }

  /** A status with a raw body of your choice (for example valid JSON of the wrong shape). */
  static Fault body(int status, String body) {
    return new Status(status, body);
  }

  /** 429 with {@code Retry-After}. */
  static Fault tooManyRequests(Duration retryAfter) {
    return new TooManyRequests(retryAfter);
  }

  /** A slow answer. */
  static Fault delay(Duration delay) {
    return new Delay(delay);
  }

  /** A dropped connection. */
  static Fault disconnect() {
    return new Disconnect();
  }
}
