package dev.killboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Services held per Vert.x instance: one per instance, gone (and closed) when it closes. */
class PerVertxTest {

  private static final PerVertx<AtomicInteger> COUNTERS = PerVertx.of("test counter");
  private static final AtomicInteger CLOSED = new AtomicInteger();
  private static final PerVertx<String> CLOSING =
      PerVertx.closing(
          "test service",
          s -> {
            CLOSED.incrementAndGet();
            return Future.succeededFuture();
          });

  @Test
  void oneServicePerInstanceAndNothingLeftAfterClose() throws Exception {
    Vertx a = Vertx.vertx();
    Vertx b = Vertx.vertx();
    try {
      AtomicInteger first = COUNTERS.get(a, v -> new AtomicInteger());
      assertThat(COUNTERS.get(a, v -> new AtomicInteger(99))).isSameAs(first);
      assertThat(COUNTERS.get(b, v -> new AtomicInteger(7)).get()).isEqualTo(7);
      CLOSING.get(a, v -> "a");
      assertThat(PerVertx.heldBy(a)).isEqualTo(2);
      assertThat(PerVertx.heldNames(a)).containsExactly("test counter", "test service");
      int closedBefore = CLOSED.get();

      a.close().await(10, TimeUnit.SECONDS);

      assertThat(PerVertx.heldBy(a)).as("services of the closed instance").isZero();
      assertThat(PerVertx.heldNames(a)).isEmpty();
      assertThat(COUNTERS.peek(a)).isEmpty();
      assertThat(CLOSED.get())
          .as("onClose ran for the closed instance")
          .isEqualTo(closedBefore + 1);
      assertThat(COUNTERS.peek(b)).as("the other instance keeps its own").isPresent();
    } finally {
      b.close().await(10, TimeUnit.SECONDS);
    }
    assertThat(PerVertx.heldBy(b)).isZero();
  }

  @Test
  void removeIfForgetsOnlyTheMatchingServiceAndItsHook() throws Exception {
    Vertx v = Vertx.vertx();
    try {
      AtomicInteger held = COUNTERS.get(v, x -> new AtomicInteger(1));
      assertThat(COUNTERS.removeIf(v, c -> c != held)).isFalse();
      assertThat(COUNTERS.removeIf(v, c -> c == held)).isTrue();
      assertThat(COUNTERS.peek(v)).isEmpty();
      assertThat(COUNTERS.get(v, x -> new AtomicInteger(2)).get()).as("created anew").isEqualTo(2);
    } finally {
      v.close().await(10, TimeUnit.SECONDS);
    }
    assertThat(COUNTERS.peek(v)).isEmpty();
  }
}
