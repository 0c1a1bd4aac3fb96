package dev.killboard.api.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.queue.QueueUnavailableException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Dependency failures reach the client as SERVICE_UNAVAILABLE, not as unexpected errors with a
 * logged stack trace.
 */
class ErrorClassifierTest {

  @Test
  void redisDownIsServiceUnavailable() {
    ApiException e =
        ErrorClassifier.toClientError(
            new CompletionException(
                new QueueUnavailableException("queue status not read: connection refused")));
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
    // The API's own message, not the exception's.
    assertThat(e.getMessage()).doesNotContain("connection refused");
  }

  @Test
  void anUnknownFailureStaysUnexpected() {
    assertThat(ErrorClassifier.toClientError(new IllegalStateException("bug"))).isNull();
  }
}
