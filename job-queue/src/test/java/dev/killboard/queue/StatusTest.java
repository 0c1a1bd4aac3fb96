package dev.killboard.queue;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StatusTest extends QueueTestSupport {

  private static List<JsonObject> payloads(int n) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new JsonObject().put("n", i));
    }
    return out;
  }

  @Test
  void depthAndConsumersFollowTheQueue() {
    JobQueue q = openShared();
    await(q.enqueueAll(queue, payloads(3), Priority.HIGH));
    await(q.enqueueAll(queue, payloads(4), Priority.NORMAL));
    QueueStatus s = await(q.status(queue));
    assertThat(s.depth()).isEqualTo(new QueueDepth(7, 0, 0));
    assertThat(s.consumers()).isZero();
    assertThat(s.active()).isFalse();
    assertThat(s.messageCount()).isEqualTo(7);

    AtomicBoolean release = new AtomicBoolean();
    List<Promise<Void>> heldByOne = new CopyOnWriteArrayList<>();
    JobConsumer one =
        q.consumer(queue, job -> hold(release, heldByOne), new ConsumerOptions().concurrency(2));
    await(one.start());
    eventually("two jobs in flight at consumer one", () -> heldByOne.size() == 2);
    s = await(q.status(queue));
    assertThat(s.depth()).isEqualTo(new QueueDepth(5, 2, 0));
    assertThat(s.consumers()).isEqualTo(1);
    assertThat(s.active()).isTrue();
    assertThat(one.inFlight()).isEqualTo(2);

    List<Promise<Void>> heldByTwo = new CopyOnWriteArrayList<>();
    JobConsumer two = q.consumer(queue, job -> hold(release, heldByTwo));
    await(two.start());
    eventually("one job in flight at consumer two", () -> heldByTwo.size() == 1);
    s = await(q.status(queue));
    assertThat(s.depth()).isEqualTo(new QueueDepth(4, 3, 0));
    assertThat(s.consumers()).isEqualTo(2);

    Future<Void> stopping = two.stop();
    assertThat(await(q.depth(queue)).inFlight()).isEqualTo(3); // its job is still running
    assertThat(stopping.isComplete()).isFalse();
    heldByTwo.get(0).complete();
    await(stopping);
    s = await(q.status(queue));
    assertThat(s.consumers()).isEqualTo(1);
    assertThat(s.depth())
        .isEqualTo(new QueueDepth(4, 2, 0)); // it finished its job and took no other

    release.set(true);
    heldByOne.forEach(Promise::complete);
    eventually("queue drained", () -> await(q.depth(queue)).total() == 0);

    List<String> several = List.of(queue, "status_other_queue", "status_third_queue");
    List<QueueStatus> all = await(q.status(several));
    assertThat(all).extracting(QueueStatus::queue).containsExactlyElementsOf(several);
  }

  private static Future<Void> hold(AtomicBoolean release, List<Promise<Void>> held) {
    if (release.get()) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    held.add(p);
    return p.future();
  }
}
