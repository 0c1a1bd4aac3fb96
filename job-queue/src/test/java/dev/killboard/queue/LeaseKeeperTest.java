package dev.killboard.queue;

import static dev.killboard.queue.FakeCommands.bulk;
import static dev.killboard.queue.FakeCommands.fields;
import static dev.killboard.queue.FakeCommands.multi;
import static dev.killboard.queue.FakeCommands.num;
import static dev.killboard.queue.FakeCommands.onContext;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lease keeping against a fake command connection: heartbeat, renewal of due leases, reclaim,
 * leave, and the tick that does the first three until the consumer stops.
 */
class LeaseKeeperTest {

  private static Vertx vertx;
  private final QueueKeys keys = new QueueKeys("lease_test");
  private final QueueSettings settings = FakeCommands.settings(Duration.ofSeconds(3));
  private final FakeCommands link = new FakeCommands();
  private final ConsumerContext ctx = FakeCommands.context(vertx);
  private final LeaseKeeper leases = new LeaseKeeper(ctx, link, keys, settings, "c1");

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Delivery held(Priority p, String entryId, long leaseAgeMillis) {
    Delivery d =
        Delivery.decode(
            keys,
            keys.stream(p),
            entryId,
            Map.of(StreamEntries.PAYLOAD, "{}", StreamEntries.ATTEMPTS, "0"),
            1);
    d.leaseAtNanos = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(leaseAgeMillis);
    return d;
  }

  @Test
  void ticksAtTheHeartbeatOrAThirdOfTheVisibilityAndBeatsForThreeIntervals() {
    assertThat(leases.tickMillis()).isEqualTo(200);
    onContext(ctx.context(), leases::heartbeat);
    FakeCommands.Call beat = link.calls("heartbeat").get(0);
    assertThat(beat.keys()).containsExactly(keys.consumers());
    assertThat(beat.args()).containsExactly("c1", "600");
  }

  @Test
  void renewsOnlyDueLeasesOneScriptPerStreamAndKeepsLostOnesUnrenewed() {
    Delivery fresh = held(Priority.NORMAL, "1-0", 0);
    Delivery due = held(Priority.NORMAL, "2-0", 1500);
    Delivery lost = held(Priority.NORMAL, "3-0", 1500);
    Delivery dueHigh = held(Priority.HIGH, "4-0", 1200);
    long lostLease = lost.leaseAtNanos;
    long before = System.nanoTime();
    link.answer("renew", multi(bulk("3-0"))).answer("renew", multi());

    onContext(ctx.context(), () -> leases.renew(List.of(fresh, due, lost, dueHigh)));

    List<FakeCommands.Call> renewals = link.calls("renew");
    assertThat(renewals).hasSize(2);
    assertThat(renewals.get(0).keys()).containsExactly(keys.stream(Priority.NORMAL));
    assertThat(renewals.get(0).args())
        .containsExactly(settings.consumerGroup(), "c1", "2-0", "3-0");
    assertThat(renewals.get(1).args()).containsExactly(settings.consumerGroup(), "c1", "4-0");
    assertThat(due.leaseAtNanos).isGreaterThanOrEqualTo(before);
    assertThat(dueHigh.leaseAtNanos).isGreaterThanOrEqualTo(before);
    assertThat(lost.leaseAtNanos).as("a lost lease is not counted as renewed").isEqualTo(lostLease);
  }

  @Test
  void reclaimWalksTheStreamsHighestFirstUntilTheRoomIsFilled() {
    // high: one entry, delivered for the 3rd time; normal: one; low is not asked, the room is full.
    link.answer(
            "reclaim",
            multi(multi(bulk("1-0"), fields("payload", "{\"a\":1}", "attempts", "0"), num(3))))
        .answer(
            "reclaim", multi(multi(bulk("2-0"), fields("payload", "{}", "attempts", "1"), num(2))));

    List<Delivery> taken = onContext(ctx.context(), () -> leases.reclaim(2, () -> true));

    assertThat(leases.reclaiming()).isFalse();
    List<FakeCommands.Call> calls = link.calls("reclaim");
    assertThat(calls)
        .extracting(c -> c.keys().get(0))
        .containsExactly(keys.stream(Priority.HIGH), keys.stream(Priority.NORMAL));
    assertThat(calls.get(0).args())
        .containsExactly(settings.consumerGroup(), "c1", "3000", "2", "3600000");
    assertThat(calls.get(1).args().get(3)).as("room left").isEqualTo("1");
    assertThat(taken).extracting(d -> d.job.attempt()).containsExactly(3, 3);
    assertThat(taken).extracting(d -> d.priority).containsExactly(Priority.HIGH, Priority.NORMAL);
  }

  @Test
  void reclaimStopsWhenTheConsumerStopsAndSkipsAFailingStream() {
    AtomicInteger asked = new AtomicInteger();
    link.fail("reclaim", new RuntimeException("NOGROUP no such group")).answer("reclaim", num(1));
    List<Delivery> taken =
        onContext(ctx.context(), () -> leases.reclaim(5, () -> asked.incrementAndGet() <= 2));
    assertThat(taken).isEmpty();
    assertThat(link.calls("reclaim"))
        .as("high failed, normal answered nonsense, then the consumer stopped")
        .hasSize(2);
  }

  @Test
  void leaveNeverFails() {
    link.fail("leave", new QueueUnavailableException("down"));
    onContext(ctx.context(), leases::leave);
    FakeCommands.Call leave = link.calls("leave").get(0);
    assertThat(leave.keys()).startsWith(keys.consumers()).hasSize(1 + keys.streams().size());
    assertThat(leave.args()).containsExactly(settings.consumerGroup(), "c1");
  }

  private void keep(
      List<Delivery> held,
      int room,
      BooleanSupplier consuming,
      CompletableFuture<List<Delivery>> reclaimed) {
    onContext(
        ctx.context(),
        () -> {
          leases.keep(
              () -> held,
              () -> room,
              consuming,
              (AsyncResult<List<Delivery>> ar) -> reclaimed.complete(ar.result()));
          return Future.succeededFuture();
        });
  }

  private void stopKeeping() {
    onContext(
        ctx.context(),
        () -> {
          leases.stopKeeping();
          return Future.succeededFuture();
        });
  }

  @Test
  void eachTickBeatsRenewsTheHeldEntriesAndReclaimsIntoTheRoomWhileConsuming() throws Exception {
    Delivery due = held(Priority.NORMAL, "7-0", 1500);
    link.answer(
        "reclaim", multi(multi(bulk("1-0"), fields("payload", "{}", "attempts", "0"), num(2))));
    CompletableFuture<List<Delivery>> reclaimed = new CompletableFuture<>();

    keep(List.of(due), 1, () -> true, reclaimed);

    assertThat(reclaimed.get(10, TimeUnit.SECONDS))
        .extracting(d -> d.entryId)
        .containsExactly("1-0");
    stopKeeping();
    assertThat(link.calls("heartbeat")).isNotEmpty();
    assertThat(link.calls("renew").get(0).args())
        .containsExactly(settings.consumerGroup(), "c1", "7-0");
    assertThat(link.calls("reclaim").get(0).args().get(3)).as("the room").isEqualTo("1");
    assertThat(link.calls("reclaim").get(0).keys()).containsExactly(keys.stream(Priority.HIGH));
    boolean keeping = onContext(ctx.context(), () -> Future.succeededFuture(leases.keeping()));
    assertThat(keeping).isFalse();
  }

  @Test
  void noReclaimWithoutRoomOrWhileTheConsumerStopsButBeatsGoOn() {
    keep(List.of(), 0, () -> true, new CompletableFuture<>());
    awaitBeats(2);
    stopKeeping();
    int beats = link.calls("heartbeat").size();

    keep(List.of(), 3, () -> false, new CompletableFuture<>());
    awaitBeats(beats + 2);
    stopKeeping();

    assertThat(link.calls("reclaim")).isEmpty();
  }

  /** No event announces a tick: polls the fake until it has seen {@code n} beats. */
  private void awaitBeats(int n) {
    eventually(n + " heartbeats", () -> link.calls("heartbeat").size() >= n);
  }
}
