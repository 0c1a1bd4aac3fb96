package dev.killboard.queue;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReclaimTest extends QueueTestSupport {

  @Test
  void theJobOfACrashedConsumerIsReclaimedAfterTheVisibilityTimeout() throws Exception {
    QueueSettings settings = fast(sharedRedisUrl()); // visibility timeout 1 s
    JobQueue q = open(settings);
    String id = await(q.enqueue(queue, new JsonObject().put("corporationId", 98000001)));

    // Consumer A lives in its own Vert.x, as if in another process, and dies in the middle of the
    // job.
    Vertx doomed = Vertx.vertx();
    JobQueue qa = await(JobQueue.connect(doomed, settings));
    CompletableFuture<Long> aStarted = new CompletableFuture<>();
    JobConsumer a =
        qa.consumer(
            queue,
            job -> {
              aStarted.complete(System.nanoTime());
              return Promise.promise().future(); // never finishes: the process dies first
            });
    await(a.start());
    long startedA = await(aStarted);
    doomed.close().await(20, TimeUnit.SECONDS); // connections and timers gone, nothing acknowledged

    Map<String, Integer> effects = new ConcurrentHashMap<>();
    CompletableFuture<Job> bDone = new CompletableFuture<>();
    CompletableFuture<Long> bStarted = new CompletableFuture<>();
    JobConsumer b =
        q.consumer(
            queue,
            job -> {
              bStarted.complete(System.nanoTime());
              effects.merge(job.id(), 1, Integer::sum);
              bDone.complete(job);
              return Future.succeededFuture();
            });
    await(b.start());
    Job reclaimed = await(bDone);

    assertThat(reclaimed.id()).isEqualTo(id);
    assertThat(reclaimed.attempt()).isEqualTo(2); // the crashed delivery counts as an attempt
    assertThat(TimeUnit.NANOSECONDS.toMillis(await(bStarted) - startedA))
        .as("not taken over before the visibility timeout")
        .isGreaterThanOrEqualTo(settings.visibilityTimeout().toMillis());
    eventually("acknowledged by B", () -> await(q.depth(queue)).total() == 0);
    assertThat(effects).containsExactly(Map.entry(id, 1));
  }

  @Test
  void aLongJobOfALiveConsumerIsNotTakenOver() {
    QueueSettings settings = fast(sharedRedisUrl()); // visibility timeout 1 s
    JobQueue q = open(settings);
    List<String> takenByB = new CopyOnWriteArrayList<>();
    JobConsumer b =
        q.consumer(
            queue,
            job -> {
              takenByB.add(job.id());
              return Future.succeededFuture();
            });
    CompletableFuture<Job> aDone = new CompletableFuture<>();
    CompletableFuture<Void> aStarted = new CompletableFuture<>();
    JobConsumer a =
        q.consumer(
            queue,
            job -> {
              aStarted.complete(null);
              // A slow job: 2.5 visibility timeouts of work. A renews its lease meanwhile.
              Promise<Void> work = Promise.promise();
              vertx.setTimer(
                  2500,
                  t -> {
                    work.complete();
                    aDone.complete(job);
                  });
              return work.future();
            });
    await(a.start());
    String id = await(q.enqueue(queue, new JsonObject().put("allianceId", 1354830081)));
    await(aStarted);
    await(b.start()); // B reclaims every entry idle for longer than the visibility timeout
    Job job = await(aDone);
    assertThat(job.id()).isEqualTo(id);
    eventually("acknowledged by A", () -> await(q.depth(queue)).total() == 0);
    assertThat(takenByB).isEmpty();
  }
}
