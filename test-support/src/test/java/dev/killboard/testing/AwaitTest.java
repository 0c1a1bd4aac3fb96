package dev.killboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The waits fail with what they waited for, and return as soon as their condition holds. */
class AwaitTest {

  @Test
  void aFutureResultOrItsFailure() {
    assertThat(Await.await(Future.succeededFuture("done"))).isEqualTo("done");
    assertThatThrownBy(() -> Await.await(Future.failedFuture(new IllegalStateException("refused"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("refused");
    assertThatThrownBy(() -> Await.await(Promise.promise().future(), Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no result within PT0.05S");
    assertThat(Await.failure(Future.failedFuture("refused"))).hasMessageContaining("refused");
    assertThatThrownBy(() -> Await.failure(Future.succeededFuture()))
        .hasMessageContaining("expected a failure");
  }

  @Test
  void eventuallyPollsUntilTheConditionHoldsAndNamesItOnTimeout() {
    AtomicInteger polls = new AtomicInteger();
    Await.eventually(Duration.ofSeconds(10), "three polls", () -> polls.incrementAndGet() >= 3);
    assertThat(polls).hasValue(3);
    assertThat(Await.eventually("a value of 5", polls::incrementAndGet, v -> v >= 5)).isEqualTo(5);
    assertThatThrownBy(() -> Await.eventually(Duration.ofMillis(50), "the impossible", () -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("waiting for: the impossible");
    assertThat(Await.holdsWithin(Duration.ofMillis(50), () -> false)).isFalse();
  }

  @Test
  void aChildJvmsOutputAndExitCode() throws Exception {
    try (ChildJvm child =
        ChildJvm.of(Echo.class).withTestClasses().args("hello", "world").start()) {
      assertThat(child.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
      assertThat(child.linesContaining("hello world")).isEqualTo(1);
    }
  }

  /** The child of {@link #aChildJvmsOutputAndExitCode}. */
  static final class Echo {
    public static void main(String[] args) {
      System.out.println(String.join(" ", args));
      System.exit(3);
    }
  }
}
