package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.testing.ClusterTest;
import dev.killboard.worker.framework.WorkerHeartbeat;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A standalone worker publishes its heartbeat (the wire form the API's {@code WorkerHeartbeat}
 * reads: name in the original's style, this process's pid) at once and then on its timer, and stops
 * when undeployed; queue workers publish none.
 */
@ClusterTest
class WorkerHeartbeatTest {
  private WorkerHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = WorkerHarness.get();
    h.reset();
  }

  @Test
  void theStreamWorkerBeatsWithItsPidWhileDeployedAndQueueWorkersDoNot() throws Exception {
    LinkedBlockingQueue<JsonObject> beats = new LinkedBlockingQueue<>();
    List<JsonObject> all = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer =
        h.vertx
            .eventBus()
            .consumer(
                WorkerHeartbeat.ADDRESS,
                m -> {
                  beats.add(m.body());
                  all.add(m.body());
                });
    await(consumer.completion());
    String queueWorker = h.deploy("info-characters");
    String stream = null;
    try {
      stream = h.deploy("redisq-stream");
      JsonObject first = beats.poll(10, TimeUnit.SECONDS);
      assertThat(first).as("a heartbeat right after the start").isNotNull();
      assertThat(first.getString("name")).isEqualTo("redisq_stream");
      assertThat(first.getLong("pid")).isEqualTo(ProcessHandle.current().pid());
      assertThat(first.getString("description")).isEmpty();
      JsonObject second = beats.poll(WorkerHeartbeat.INTERVAL_MS + 5_000, TimeUnit.MILLISECONDS);
      assertThat(second).as("the next beat on the timer").isEqualTo(first);

      h.undeploy(stream);
      stream = null;
      beats.clear();
      // Two intervals after the undeploy: no beat may have come.
      Promise<Void> waited = Promise.promise();
      h.vertx.setTimer(2 * WorkerHeartbeat.INTERVAL_MS, id -> waited.complete());
      await(waited.future());
      assertThat(beats).as("beats after undeploy").isEmpty();
      assertThat(all)
          .as("only the standalone worker beats")
          .allMatch(b -> "redisq_stream".equals(b.getString("name")));
    } finally {
      if (stream != null) {
        h.undeploy(stream);
      }
      h.undeploy(queueWorker);
      await(consumer.unregister());
    }
  }
}
