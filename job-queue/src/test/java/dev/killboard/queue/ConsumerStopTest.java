package dev.killboard.queue;

import static dev.killboard.queue.FakeCommands.onContext;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The end of a stop against a fake command connection: the grace, then give back, leave, close, in
 * that order, whatever fails.
 */
class ConsumerStopTest {

  private static Vertx vertx;
  private final QueueKeys keys = new QueueKeys("stop_test");
  private final QueueSettings settings = FakeCommands.settings(Duration.ofMillis(300));
  private final FakeCommands link = new FakeCommands();
  private final ConsumerContext ctx = FakeCommands.context(vertx);
  private final Settlement settlement =
      new Settlement(ctx, link, keys, settings, "c1", () -> false, delay -> {});
  private final LeaseKeeper leases = new LeaseKeeper(ctx, link, keys, settings, "c1");
  // How many commands had been sent when the read connection was closed (-1: not closed).
  private final AtomicInteger sentBeforeClose = new AtomicInteger(-1);
  private final ConsumerStop stop =
      new ConsumerStop(
          ctx,
          keys,
          settings,
          "c1",
          settlement,
          leases,
          () -> {
            sentBeforeClose.set(link.calls.size());
            return Future.succeededFuture();
          });

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Delivery entry(Priority p, String entryId) {
    return Delivery.decode(
        keys,
        keys.stream(p),
        entryId,
        Map.of(StreamEntries.PAYLOAD, "{}", StreamEntries.ATTEMPTS, "0"),
        1);
  }

  @Test
  void givesBackUnstartedEntriesPerStreamThenLeavesThenClosesTheReads() {
    onContext(
        ctx.context(),
        () -> {
          leases.keep(List::of, () -> 0, () -> false, ar -> {});
          return stop.finish(
              List.of(
                  entry(Priority.HIGH, "1-0"),
                  entry(Priority.LOW, "2-0"),
                  entry(Priority.HIGH, "3-0")));
        });

    assertThat(link.calls)
        .extracting(FakeCommands.Call::script)
        .containsExactly("release", "release", "leave");
    assertThat(link.calls.get(0).keys()).containsExactly(keys.stream(Priority.HIGH));
    assertThat(link.calls.get(0).args()).containsExactly(settings.consumerGroup(), "1-0", "3-0");
    assertThat(link.calls.get(1).args()).containsExactly(settings.consumerGroup(), "2-0");
    assertThat(sentBeforeClose.get()).as("closed after the last command").isEqualTo(3);
    assertThat(onContext(ctx.context(), () -> Future.succeededFuture(leases.keeping())))
        .as("no lease tick after the stop")
        .isFalse();
  }

  @Test
  void aFailedGiveBackStillLeavesAndCloses() {
    link.fail("release", new QueueUnavailableException("down"))
        .fail("leave", new QueueUnavailableException("down"));
    onContext(ctx.context(), () -> stop.finish(List.of(entry(Priority.NORMAL, "1-0"))));

    assertThat(link.calls)
        .extracting(FakeCommands.Call::script)
        .containsExactly("release", "leave");
    assertThat(sentBeforeClose.get()).isEqualTo(2);
  }

  @Test
  void nothingToGiveBackOnlyLeavesAndCloses() {
    onContext(ctx.context(), () -> stop.finish(List.of()));
    assertThat(link.calls).extracting(FakeCommands.Call::script).containsExactly("leave");
    assertThat(sentBeforeClose.get()).isEqualTo(1);
  }

  @Test
  void theGraceRunsOutAfterTheVisibilityTimeout() throws Exception {
    CompletableFuture<Long> expired = new CompletableFuture<>();
    long began = System.nanoTime();
    onContext(
        ctx.context(),
        () -> {
          stop.grace(() -> 1, () -> expired.complete(System.nanoTime()));
          return Future.succeededFuture();
        });

    long after = TimeUnit.NANOSECONDS.toMillis(expired.get(10, TimeUnit.SECONDS) - began);
    assertThat(after).as("not before the visibility timeout").isGreaterThanOrEqualTo(300);
    assertThat(onContext(ctx.context(), () -> Future.succeededFuture(stop.inGrace()))).isFalse();
  }

  @Test
  void finishingEndsTheGrace() {
    boolean inGrace =
        onContext(
            ctx.context(),
            () -> {
              stop.grace(() -> 0, () -> {});
              boolean before = stop.inGrace();
              return stop.finish(List.of()).map(x -> before && !stop.inGrace());
            });
    assertThat(inGrace).as("in grace before finish, not after").isTrue();
  }
}
