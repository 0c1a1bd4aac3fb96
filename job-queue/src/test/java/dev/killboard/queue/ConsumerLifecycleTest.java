package dev.killboard.queue;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static dev.killboard.testing.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConsumerLifecycleTest extends QueueTestSupport {

  private static List<JsonObject> payloads(int n) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new JsonObject().put("n", i));
    }
    return out;
  }

  @Test
  void concurrencyIsBoundedPerConsumer() {
    JobQueue q = openShared();
    await(q.enqueueAll(queue, payloads(12), Priority.NORMAL));
    AtomicInteger running = new AtomicInteger();
    AtomicInteger highest = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    CompletableFuture<Void> all = new CompletableFuture<>();
    JobConsumer c =
        q.consumer(
            queue,
            job -> {
              highest.accumulateAndGet(running.incrementAndGet(), Math::max);
              Promise<Void> p = Promise.promise();
              vertx.setTimer(
                  5,
                  t -> {
                    running.decrementAndGet();
                    p.complete();
                    if (finished.incrementAndGet() == 12) {
                      all.complete(null);
                    }
                  });
              return p.future();
            },
            new ConsumerOptions().concurrency(3));
    await(c.start());
    await(all);
    assertThat(highest.get()).isEqualTo(3);
  }

  @Test
  void stopLetsJobsInFlightFinishAndTakesNoMore() {
    JobQueue q = openShared();
    await(q.enqueueAll(queue, payloads(5), Priority.NORMAL));
    List<Promise<Void>> held = new CopyOnWriteArrayList<>();
    JobConsumer c =
        q.consumer(
            queue,
            job -> {
              Promise<Void> p = Promise.promise();
              held.add(p);
              return p.future();
            },
            new ConsumerOptions().concurrency(3).name("lifecycle-" + queue));
    await(c.start());
    eventually("three jobs in flight", () -> held.size() == 3);

    Future<Void> stopping = c.stop();
    assertThat(await(q.depth(queue))).isEqualTo(new QueueDepth(2, 3, 0));
    assertThat(stopping.isComplete()).isFalse();
    held.forEach(Promise::complete);
    await(stopping);

    assertThat(held).hasSize(3);
    assertThat(await(q.status(queue)))
        .satisfies(
            s -> {
              assertThat(s.depth()).isEqualTo(new QueueDepth(2, 0, 0));
              assertThat(s.consumers()).isZero();
            });
    assertThat(c.stop()).isSameAs(stopping);
    assertThatThrownBy(() -> await(c.start())).hasMessageContaining("was already stopped");
  }

  @Test
  void stopGivesUpOnAStuckJobAfterTheVisibilityTimeoutAndTheJobIsRedelivered() {
    JobQueue q = openShared(); // visibility timeout 1 s
    String id = await(q.enqueue(queue, new JsonObject().put("n", 1)));
    CompletableFuture<Void> stuck = new CompletableFuture<>();
    JobConsumer a =
        q.consumer(
            queue,
            job -> {
              stuck.complete(null);
              return Promise.<Void>promise().future(); // never completes
            });
    await(a.start());
    await(stuck);
    await(a.stop()); // must not hang
    assertThat(await(q.depth(queue)).inFlight()).isEqualTo(1); // not acknowledged, not lost

    CompletableFuture<Job> redelivered = new CompletableFuture<>();
    JobConsumer b =
        q.consumer(
            queue,
            job -> {
              redelivered.complete(job);
              return Future.succeededFuture();
            });
    await(b.start());
    Job job = await(redelivered);
    assertThat(job.id()).isEqualTo(id);
    assertThat(job.attempt()).isEqualTo(2);
  }

  @Test
  void stopOfAnIdleConsumerIsImmediateEvenWhileItBlocksOnRead() {
    JobQueue q = open(fast(sharedRedisUrl(), "KILLBOARD_QUEUE_BLOCK_TIMEOUT", "30s"));
    JobConsumer c = q.consumer(queue, job -> Future.succeededFuture());
    await(c.start());
    eventually("registered as a consumer", () -> await(q.consumers(queue)) == 1);
    long t0 = System.nanoTime();
    await(c.stop()); // CLIENT UNBLOCK ends the 30 s blocking read
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
    assertThat(await(q.consumers(queue))).isZero();
  }

  @Test
  void enqueueRejectsBadInputWithClearMessages() {
    JobQueue q = open(fast(sharedRedisUrl(), "KILLBOARD_QUEUE_MAX_PAYLOAD_BYTES", "64"));
    assertThat(failure(q.enqueue("bad name!", new JsonObject())))
        .hasMessageContaining("queue name 'bad name!' is invalid");
    assertThat(failure(q.enqueue(queue, null))).hasMessageContaining("is null: send a JSON object");
    assertThat(failure(q.enqueue(queue, new JsonObject().put("blob", "x".repeat(100)))))
        .hasMessageContaining("above KILLBOARD_QUEUE_MAX_PAYLOAD_BYTES = 64");
    assertThat(
            failure(
                q.enqueueAll(
                    queue,
                    List.of(new JsonObject(), new JsonObject().put("blob", "y".repeat(100))),
                    Priority.NORMAL)))
        .hasMessageContaining("payload 1 for " + queue);
    assertThat(await(q.depth(queue)).total()).isZero(); // nothing half-stored
  }

  @Test
  void enqueueAllStoresEveryJobInOrder() {
    JobQueue q = openShared();
    int n = 1200; // more than two MULTI/EXEC blocks
    List<String> ids = await(q.enqueueAll(queue, payloads(n), Priority.NORMAL));
    assertThat(ids).hasSize(n).doesNotHaveDuplicates();
    assertThat(await(q.depth(queue)).ready()).isEqualTo(n);
    List<Integer> seen = new CopyOnWriteArrayList<>();
    List<String> seenIds = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> all = new CompletableFuture<>();
    JobConsumer c =
        q.consumer(
            queue,
            job -> {
              seen.add(job.payload().getInteger("n"));
              seenIds.add(job.id());
              if (seen.size() == n) {
                all.complete(null);
              }
              return Future.succeededFuture();
            });
    await(c.start());
    await(all);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add(i);
    }
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(seenIds).containsExactlyElementsOf(ids);
  }
}
