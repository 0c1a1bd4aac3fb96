package dev.killboard.queue;

import static dev.killboard.queue.FakeCommands.onContext;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The entries a consumer holds, against a fake command connection: which one starts next, how many
 * run, what a handler's outcome settles, what is given back on stop.
 */
class JobSlotsTest {

  private static Vertx vertx;
  private final QueueKeys keys = new QueueKeys("slots_test");
  private final QueueSettings settings = FakeCommands.settings(Duration.ofSeconds(5));
  private final FakeCommands link = new FakeCommands();
  private final ConsumerContext ctx = FakeCommands.context(vertx);
  private final Settlement settlement =
      new Settlement(ctx, link, keys, settings, "c1", () -> true, delay -> {});
  private final List<String> started = new CopyOnWriteArrayList<>();
  private final Map<String, Promise<Void>> outcomes = new ConcurrentHashMap<>();
  private final AtomicInteger settled = new AtomicInteger();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private JobSlots slots(int concurrency) {
    return new JobSlots(
        ctx,
        settlement,
        job -> {
          started.add(job.id());
          Promise<Void> p = Promise.promise();
          outcomes.put(job.id(), p);
          return p.future();
        },
        concurrency,
        settled::incrementAndGet);
  }

  private Delivery entry(Priority p, String entryId, String payload) {
    return Delivery.decode(
        keys,
        keys.stream(p),
        entryId,
        Map.of(
            StreamEntries.ID,
            "job-" + entryId,
            StreamEntries.PAYLOAD,
            payload,
            StreamEntries.ATTEMPTS,
            "0"),
        1);
  }

  private Delivery entry(Priority p, String entryId) {
    return entry(p, entryId, "{}");
  }

  /** Runs {@code action} on the consumer's context and waits until it has run. */
  private <T> T on(Supplier<T> action) {
    return onContext(ctx.context(), () -> Future.succeededFuture(action.get()));
  }

  @Test
  void startsHighestPriorityFirstThenInTakenOrderUpToTheConcurrency() {
    JobSlots slots = slots(2);
    on(
        () -> {
          slots.took(List.of(entry(Priority.LOW, "1-0"), entry(Priority.NORMAL, "2-0")));
          slots.took(List.of(entry(Priority.HIGH, "3-0"), entry(Priority.NORMAL, "4-0")));
          return null;
        });
    assertThat(on(slots::firstWaiting)).isEqualTo(Priority.HIGH);
    assertThat(on(slots::room)).as("two slots, four waiting").isEqualTo(-2);

    on(
        () -> {
          slots.startWaiting(() -> true);
          return null;
        });

    assertThat(started).containsExactly("job-3-0", "job-2-0");
    assertThat(slots.running()).isEqualTo(2);
    assertThat(on(slots::free)).isZero();
    assertThat(on(slots::held))
        .extracting(d -> d.entryId)
        .containsExactlyInAnyOrder("1-0", "2-0", "3-0", "4-0");
    assertThat(on(slots::firstWaiting)).isEqualTo(Priority.NORMAL);
  }

  @Test
  void startsNothingWhileTheConsumerMayNot() {
    JobSlots slots = slots(3);
    on(
        () -> {
          slots.took(List.of(entry(Priority.NORMAL, "1-0")));
          slots.startWaiting(() -> false);
          return null;
        });
    assertThat(started).isEmpty();
    assertThat(on(slots::room)).isEqualTo(2);
  }

  @Test
  void aSettledJobFreesItsSlotAndTellsTheConsumer() throws Exception {
    CompletableFuture<Integer> freed = new CompletableFuture<>();
    JobSlots slots =
        new JobSlots(
            ctx,
            settlement,
            job -> Future.failedFuture(new JobRejected("gone")),
            1,
            () -> freed.complete(settled.incrementAndGet()));
    on(
        () -> {
          slots.took(List.of(entry(Priority.NORMAL, "1-0")));
          slots.startWaiting(() -> true);
          return null;
        });

    assertThat(freed.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(slots.running()).isZero();
    FakeCommands.Call ack = link.calls("ack").get(0);
    assertThat(ack.args()).containsExactly(settings.consumerGroup(), "1-0");
  }

  @Test
  void aHandlerThatThrowsOrReturnsNullHasFailedAndItsJobIsRetried() throws Exception {
    CompletableFuture<Void> both = new CompletableFuture<>();
    AtomicInteger calls = new AtomicInteger();
    JobSlots slots =
        new JobSlots(
            ctx,
            settlement,
            job -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalArgumentException("bad job");
              }
              return null;
            },
            2,
            () -> {
              if (settled.incrementAndGet() == 2) {
                both.complete(null);
              }
            });
    on(
        () -> {
          slots.took(List.of(entry(Priority.NORMAL, "1-0"), entry(Priority.NORMAL, "2-0")));
          slots.startWaiting(() -> true);
          return null;
        });

    both.get(10, TimeUnit.SECONDS);
    assertThat(link.calls("retry"))
        .extracting(c -> c.args().get(3))
        .anySatisfy(member -> assertThat(member).contains("IllegalArgumentException: bad job"))
        .anySatisfy(member -> assertThat(member).contains("returned null instead of a Future"));
  }

  @Test
  void anUnreadableEntryIsDeadLetteredWithoutRunning() throws Exception {
    CompletableFuture<Void> freed = new CompletableFuture<>();
    JobSlots slots =
        new JobSlots(
            ctx,
            settlement,
            job -> {
              started.add(job.id());
              return Future.succeededFuture();
            },
            1,
            () -> freed.complete(null));
    on(
        () -> {
          slots.took(List.of(entry(Priority.NORMAL, "1-0", "not json")));
          slots.startWaiting(() -> true);
          return null;
        });

    freed.get(10, TimeUnit.SECONDS);
    assertThat(started).isEmpty();
    assertThat(link.calls("dead-letter")).hasSize(1);
  }

  @Test
  void onStopTheWaitingEntriesAreTakenAndTheRunningOnesStay() {
    JobSlots slots = slots(1);
    on(
        () -> {
          slots.took(List.of(entry(Priority.NORMAL, "1-0"), entry(Priority.LOW, "2-0")));
          slots.startWaiting(() -> true);
          return null;
        });

    List<Delivery> unstarted = on(slots::takeWaiting);

    assertThat(unstarted).extracting(d -> d.entryId).containsExactly("2-0");
    assertThat(on(slots::noneWaiting)).isTrue();
    assertThat(on(slots::held)).extracting(d -> d.entryId).containsExactly("1-0");
    assertThat(slots.running()).isEqualTo(1);
    on(
        () -> {
          outcomes.get("job-1-0").complete();
          return null;
        });
    assertThat(settled.get()).as("settled on the context once the ack answered").isEqualTo(1);
  }
}
