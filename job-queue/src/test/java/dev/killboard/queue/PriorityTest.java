package dev.killboard.queue;

import static dev.killboard.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PriorityTest extends QueueTestSupport {

  private static List<JsonObject> tagged(String prefix, int n) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new JsonObject().put("tag", prefix + i));
    }
    return out;
  }

  @Test
  void everyHighJobIsTakenBeforeAnyNormalAndEveryNormalBeforeAnyLow() {
    JobQueue q = openShared();
    // Enqueued lowest first, so arrival order alone would give the opposite result.
    await(q.enqueueAll(queue, tagged("low", 4), Priority.LOW));
    await(q.enqueueAll(queue, tagged("normal", 4), Priority.NORMAL));
    await(q.enqueueAll(queue, tagged("high", 4), Priority.HIGH));
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> all = new CompletableFuture<>();
    JobConsumer c =
        q.consumer(
            queue,
            job -> {
              order.add(job.payload().getString("tag"));
              if (order.size() == 12) {
                all.complete(null);
              }
              return Future.succeededFuture();
            });
    await(c.start());
    await(all);
    assertThat(order)
        .containsExactly(
            "high0", "high1", "high2", "high3", "normal0", "normal1", "normal2", "normal3", "low0",
            "low1", "low2", "low3");
  }

  @Test
  void aHighJobEnqueuedLaterOvertakesNormalJobsAlreadyWaiting() {
    JobQueue q = openShared();
    await(q.enqueueAll(queue, tagged("normal", 3), Priority.NORMAL));
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    Promise<Void> firstJob = Promise.promise();
    CompletableFuture<Void> firstStarted = new CompletableFuture<>();
    CompletableFuture<Void> all = new CompletableFuture<>();
    JobConsumer c =
        q.consumer(
            queue,
            job -> {
              order.add(job.payload().getString("tag"));
              if (order.size() == 4) {
                all.complete(null);
              }
              if (order.size() == 1) {
                firstStarted.complete(null);
                return firstJob.future();
              }
              return Future.succeededFuture();
            });
    await(c.start());
    await(firstStarted);
    // normal1 and normal2 are waiting; the high job arrives after them.
    await(q.enqueue(queue, new JsonObject().put("tag", "high0"), Priority.HIGH));
    firstJob.complete();
    await(all);
    assertThat(order).containsExactly("normal0", "high0", "normal1", "normal2");
  }
}
