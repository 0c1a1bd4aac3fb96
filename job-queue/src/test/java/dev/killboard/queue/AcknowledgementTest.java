package dev.killboard.queue;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class AcknowledgementTest extends QueueTestSupport {

  @Test
  void aJobStaysInFlightUntilItsHandlerSucceeds() {
    JobQueue q = openShared();
    String id = await(q.enqueue(queue, new JsonObject().put("characterId", 90000001)));
    Promise<Void> commit = Promise.promise();
    CompletableFuture<Job> started = new CompletableFuture<>();
    JobConsumer c =
        q.consumer(
            queue,
            job -> {
              started.complete(job);
              return commit.future(); // completes when the "transaction commits"
            });
    await(c.start());
    Job job = await(started);
    assertThat(job.id()).isEqualTo(id);
    assertThat(job.attempt()).isEqualTo(1);
    assertThat(job.lastError()).isNull();
    assertThat(job.payload().getLong("characterId")).isEqualTo(90000001L);

    // Delivered but not acknowledged: Redis still holds it.
    assertThat(await(q.depth(queue))).isEqualTo(new QueueDepth(0, 1, 0));

    commit.complete();
    eventually("the job is acknowledged and deleted", () -> await(q.depth(queue)).total() == 0);
  }

  @Test
  void aFailedJobIsRedeliveredWithBackoffAndTakesEffectOnce() {
    JobQueue q = open(fast(sharedRedisUrl(), "KILLBOARD_QUEUE_MAX_ATTEMPTS", "5"));
    String id = await(q.enqueue(queue, new JsonObject().put("allianceId", 99000001)));
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    List<Long> startedAt = Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> effects = new ConcurrentHashMap<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    JobConsumer c =
        q.consumer(
            queue,
            job -> {
              startedAt.add(System.nanoTime());
              seen.add(job.attempt() + " | " + job.lastError());
              if (job.attempt() < 3) {
                return Future.failedFuture(
                    new IllegalStateException("ESI answered 502 on try " + job.attempt()));
              }
              effects.merge(
                  job.id(), 1, Integer::sum); // the "database write", done once the job succeeds
              done.complete(null);
              return Future.succeededFuture();
            });
    await(c.start());
    await(done);

    assertThat(seen)
        .containsExactly(
            "1 | null",
            "2 | IllegalStateException: ESI answered 502 on try 1",
            "3 | IllegalStateException: ESI answered 502 on try 2");
    // Backoff with base 20 ms waits at least half the ceiling: 10 ms, then 20 ms.
    assertThat((startedAt.get(1) - startedAt.get(0)) / 1_000_000).isGreaterThanOrEqualTo(10);
    assertThat((startedAt.get(2) - startedAt.get(1)) / 1_000_000).isGreaterThanOrEqualTo(20);
    eventually("nothing left to redeliver", () -> await(q.depth(queue)).total() == 0);
    assertThat(effects).containsExactly(Map.entry(id, 1));
    assertThat(await(q.deadLetters(queue))).isEmpty();
  }
}
