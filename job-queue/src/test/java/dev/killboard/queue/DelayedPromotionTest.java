package dev.killboard.queue;

import static dev.killboard.queue.FakeCommands.multi;
import static dev.killboard.queue.FakeCommands.num;
import static dev.killboard.queue.FakeCommands.onContext;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Delayed promotion against a fake command connection: what it asks, and when it asks again. */
class DelayedPromotionTest {

  private static Vertx vertx;
  private final QueueKeys keys = new QueueKeys("promote_test");
  private final FakeCommands link = new FakeCommands();
  private final ConsumerContext ctx = FakeCommands.context(vertx);
  private final DelayedPromotion promotion = new DelayedPromotion(ctx, link, keys);

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void asksAgainWhenTheNextRetryIsDueAtOnceAfterAFullBatchAndEachSecondOtherwise() {
    link.answer("promote", multi(num(3), num(250)))
        .answer("promote", multi(num(DelayedPromotion.BATCH), num(0)))
        .answer("promote", multi(num(0), num(-1)))
        .answer("promote", multi(num(0), num(5_000)))
        .fail("promote", new QueueUnavailableException("down"));

    assertThat(onContext(ctx.context(), promotion::promote)).isEqualTo(250);
    assertThat(onContext(ctx.context(), promotion::promote)).isEqualTo(1);
    assertThat(onContext(ctx.context(), promotion::promote))
        .isEqualTo(DelayedPromotion.POLL_MILLIS);
    assertThat(onContext(ctx.context(), promotion::promote))
        .isEqualTo(DelayedPromotion.POLL_MILLIS);
    assertThat(onContext(ctx.context(), promotion::promote))
        .isEqualTo(DelayedPromotion.POLL_MILLIS);

    FakeCommands.Call call = link.calls("promote").get(0);
    assertThat(call.keys())
        .startsWith(keys.delayed(), keys.dead())
        .endsWith(keys.stream(Priority.LOW));
    assertThat(call.args()).containsExactly("100", "high", "normal", "low");
    assertThat(promotion.scheduled()).as("not started: nothing scheduled").isFalse();
  }

  @Test
  void startPromotesAtOnceAndStopEndsTheSchedule() {
    link.answer("promote", multi(num(0), num(60_000)));
    onContext(
        ctx.context(),
        () -> {
          promotion.start();
          return Future.succeededFuture();
        });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (link.calls("promote").isEmpty() && System.nanoTime() < deadline) {
      sleep();
    }
    assertThat(link.calls("promote")).as("the first promotion runs at once").hasSize(1);
    boolean scheduled =
        onContext(ctx.context(), () -> Future.succeededFuture(promotion.scheduled()));
    assertThat(scheduled).as("the next one is scheduled").isTrue();

    boolean afterStop =
        onContext(
            ctx.context(),
            () -> {
              promotion.stop();
              promotion.schedule(1);
              return Future.succeededFuture(promotion.scheduled());
            });
    assertThat(afterStop).as("no promotion after stop").isFalse();
  }

  @Test
  void anEarlierRequestReplacesALaterTimerButNotTheOtherWayRound() {
    long[] due =
        onContext(
            ctx.context(),
            () -> {
              promotion.start(); // due in 1 ms
              promotion.schedule(60_000); // later: kept at 1 ms
              return Future.succeededFuture(new long[] {link.calls("promote").size()});
            });
    assertThat(due[0]).isZero();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (link.calls("promote").isEmpty() && System.nanoTime() < deadline) {
      sleep();
    }
    assertThat(link.calls("promote")).as("the earlier time won").isNotEmpty();
    onContext(
        ctx.context(),
        () -> {
          promotion.stop();
          return Future.succeededFuture();
        });
  }

  private static void sleep() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }
}
