package dev.killboard.queue;

import static dev.killboard.queue.FakeCommands.num;
import static dev.killboard.queue.FakeCommands.onContext;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Settlement against a fake command connection: which script each outcome runs, with which
 * arguments.
 */
class SettlementTest {

  private static Vertx vertx;
  private final QueueKeys keys = new QueueKeys("settle_test");
  private final QueueSettings settings = FakeCommands.settings(Duration.ofSeconds(5));
  private final FakeCommands link = new FakeCommands();
  private final List<Long> parked = new CopyOnWriteArrayList<>();
  private volatile boolean consuming = true;
  private ConsumerContext ctx;
  private Settlement settlement;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Settlement settlement() {
    ctx = FakeCommands.context(vertx);
    settlement = new Settlement(ctx, link, keys, settings, "c1", () -> consuming, parked::add);
    return settlement;
  }

  private Delivery delivery(String entryId, int failedBefore, int deliveries) {
    return Delivery.decode(
        keys,
        keys.stream(Priority.NORMAL),
        entryId,
        Map.of(
            StreamEntries.ID,
            "job-" + entryId,
            StreamEntries.PAYLOAD,
            "{\"characterId\":7}",
            StreamEntries.ATTEMPTS,
            Integer.toString(failedBefore),
            StreamEntries.ENQUEUED,
            "1000"),
        deliveries);
  }

  @Test
  void successAndRejectionAcknowledgeHandBackReleases() {
    Settlement s = settlement();
    Delivery d = delivery("1-0", 0, 1);
    onContext(ctx.context(), () -> s.settle(d, Future.succeededFuture()));
    onContext(
        ctx.context(),
        () -> s.settle(d, Future.failedFuture(new JobRejected("no such character"))));
    onContext(
        ctx.context(),
        () -> s.settle(d, Future.failedFuture(new JobHandedBack("no connection", null))));

    assertThat(link.calls)
        .extracting(FakeCommands.Call::script)
        .containsExactly("ack", "ack", "release");
    for (FakeCommands.Call c : link.calls) {
      assertThat(c.keys()).containsExactly(keys.stream(Priority.NORMAL));
      assertThat(c.args()).containsExactly(settings.consumerGroup(), "1-0");
    }
    assertThat(parked).isEmpty();
  }

  @Test
  void aFailureBeforeTheLastAttemptParksARetryWithBackoff() {
    Settlement s = settlement();
    Delivery d = delivery("2-0", 1, 1); // attempt 2 of 3
    onContext(
        ctx.context(),
        () -> s.settle(d, Future.failedFuture(new IllegalStateException("ESI said 502"))));

    FakeCommands.Call retry = link.calls("retry").get(0);
    assertThat(retry.keys()).containsExactly(keys.stream(Priority.NORMAL), keys.delayed());
    long delay = Long.parseLong(retry.args().get(2));
    assertThat(delay).as("attempt 2: ceiling 200 ms, equal jitter").isBetween(100L, 200L);
    JsonObject member = new JsonObject(retry.args().get(3));
    assertThat(member.getString("attempts")).isEqualTo("2");
    assertThat(member.getString("error")).isEqualTo("IllegalStateException: ESI said 502");
    assertThat(member.getString("payload")).isEqualTo("{\"characterId\":7}");
    assertThat(parked).as("promotion told of the parked retry").containsExactly(delay);
  }

  @Test
  void theLastAttemptAndUnrunnableEntriesGoToTheDeadLetters() {
    Settlement s = settlement();
    onContext(
        ctx.context(), () -> s.settle(delivery("3-0", 2, 1), Future.failedFuture("still broken")));
    Delivery unreadable =
        Delivery.decode(
            keys,
            keys.stream(Priority.HIGH),
            "4-0",
            Map.of(StreamEntries.PAYLOAD, "not json", StreamEntries.ATTEMPTS, "0"),
            1);
    Delivery abandoned = delivery("5-0", 0, 4); // handed out 4 times, never settled
    assertThat(s.refuseUnrunnable(delivery("6-0", 0, 1))).as("a runnable delivery").isNull();
    onContext(ctx.context(), () -> s.refuseUnrunnable(unreadable));
    onContext(ctx.context(), () -> s.refuseUnrunnable(abandoned));

    List<FakeCommands.Call> dead = link.calls("dead-letter");
    assertThat(dead).hasSize(3);
    assertThat(field(dead.get(0), "error")).isEqualTo("still broken");
    assertThat(field(dead.get(0), "attempts")).isEqualTo("3");
    assertThat(dead.get(1).keys()).containsExactly(keys.stream(Priority.HIGH), keys.dead());
    assertThat(field(dead.get(1), "error"))
        .startsWith("unreadable entry: payload is not a JSON object");
    assertThat(field(dead.get(1), "payload")).as("kept as it was").isEqualTo("not json");
    assertThat(field(dead.get(2), "error")).startsWith("abandoned 3 time(s) without an outcome");
    assertThat(link.calls("retry")).isEmpty();
  }

  @Test
  void aDownConnectionIsRetriedAndARefusalIsNot() {
    Settlement s = settlement();
    link.fail("ack", new QueueUnavailableException("Redis is unreachable"));
    onContext(ctx.context(), () -> s.settle(delivery("7-0", 0, 1), Future.succeededFuture()));
    assertThat(link.calls("ack")).as("tried again once the connection answered").hasSize(2);

    link.fail("ack", new RuntimeException("ERR wrong number of arguments"));
    onContext(ctx.context(), () -> s.settle(delivery("8-0", 0, 1), Future.succeededFuture()));
    assertThat(link.calls("ack")).as("a refusal is final: the entry stays pending").hasSize(3);

    link.up = false;
    consuming = false;
    link.fail("ack", new QueueUnavailableException("Redis is unreachable"));
    onContext(ctx.context(), () -> s.settle(delivery("9-0", 0, 1), Future.succeededFuture()));
    assertThat(link.calls("ack"))
        .as("a stopping consumer does not wait for a down connection")
        .hasSize(4);
  }

  @Test
  void aSettlementOfAnEntryNoLongerPendingStillCompletes() {
    Settlement s = settlement();
    link.answer("ack", num(0));
    onContext(ctx.context(), () -> s.settle(delivery("10-0", 0, 1), Future.succeededFuture()));
    assertThat(link.calls("ack")).hasSize(1);
  }

  @Test
  void releaseGivesBackUnstartedEntriesOneScriptPerStream() {
    Settlement s = settlement();
    Delivery high =
        Delivery.decode(
            keys,
            keys.stream(Priority.HIGH),
            "1-1",
            Map.of(StreamEntries.PAYLOAD, "{}", StreamEntries.ATTEMPTS, "0"),
            1);
    onContext(
        ctx.context(),
        () -> s.release(List.of(delivery("1-0", 0, 1), high, delivery("2-0", 0, 1))));
    List<FakeCommands.Call> released = link.calls("release");
    assertThat(released).hasSize(2);
    assertThat(released.get(0).args()).containsExactly(settings.consumerGroup(), "1-0", "2-0");
    assertThat(released.get(1).keys()).containsExactly(keys.stream(Priority.HIGH));

    link.fail("release", new QueueUnavailableException("down"));
    onContext(ctx.context(), () -> s.release(List.of(high))); // never fails: reclaimed later
    assertThat(onContext(ctx.context(), () -> s.release(List.of()))).isNull();
  }

  private static String field(FakeCommands.Call deadLetter, String name) {
    List<String> a = deadLetter.args();
    for (int i = 2; i + 1 < a.size(); i += 2) {
      if (a.get(i).equals(name)) {
        return a.get(i + 1);
      }
    }
    throw new AssertionError("no field " + name + " in " + a);
  }
}
