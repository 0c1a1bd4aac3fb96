package dev.killboard.queue;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static dev.killboard.testing.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.killboard.embedded.EmbeddedRedis;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ReconnectTest extends QueueTestSupport {

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger linkLog = (Logger) LoggerFactory.getLogger(RedisLink.class);

  @BeforeEach
  void captureLinkLogs() {
    logs.start();
    linkLog.addAppender(logs);
  }

  @AfterEach
  void releaseLinkLogs() {
    linkLog.detachAppender(logs);
  }

  @Test
  void consumersResumeAndEnqueueWorksAgainAfterRedisRestarts() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.startPersistent()) {
      JobQueue q = open(fast(redis.uri()));
      String idle = queue + "_idle"; // no consumer: its job must survive the restart
      LinkedBlockingQueue<Job> handled = new LinkedBlockingQueue<>();
      JobConsumer c =
          q.consumer(
              queue,
              job -> {
                handled.add(job);
                return Future.succeededFuture();
              });
      await(c.start());
      String before = await(q.enqueue(queue, new JsonObject().put("n", 1)));
      assertThat(handled.poll(20, TimeUnit.SECONDS)).extracting(Job::id).isEqualTo(before);
      String kept = await(q.enqueue(idle, new JsonObject().put("n", 2)));

      redis.stop();
      eventually("the queue notices the outage", () -> !q.isConnected());
      long t0 = System.nanoTime();
      Throwable refused = failure(q.enqueue(queue, new JsonObject().put("n", 3)));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(refused)
          .isInstanceOf(QueueUnavailableException.class)
          .hasMessageContaining("job not enqueued on " + queue)
          .hasMessageContaining("is unreachable");
      assertThat(tookMillis).as("fails fast, well before the 5 s command timeout").isLessThan(2000);

      // Stay down through several failed reconnect attempts: the outage must still be logged once.
      RedisLink commands = ((RedisJobQueue) q).link();
      eventually("three failed reconnect attempts", () -> commands.reconnectAttempts() >= 4);
      redis.restart();
      eventually("the queue reconnects", q::isConnected);
      String after = await(q.enqueue(queue, new JsonObject().put("n", 4)));
      assertThat(handled.poll(20, TimeUnit.SECONDS)).extracting(Job::id).isEqualTo(after);
      assertThat(await(q.depth(idle)).ready()).isEqualTo(1);
      assertThat(handled).isEmpty();

      // Once per outage and connection (the command one and the consumer's), however many attempts
      // it took.
      assertThat(
              logs.list.stream()
                  .filter(e -> e.getLevel() == Level.WARN)
                  .map(ILoggingEvent::getFormattedMessage)
                  .filter(m -> m.contains(" lost ")))
          .hasSize(2)
          .anySatisfy(m -> assertThat(m).contains("'commands'"))
          .anySatisfy(m -> assertThat(m).contains("'reads of " + c.name()));
      assertThat(
              logs.list.stream()
                  .filter(e -> e.getLevel() == Level.INFO)
                  .map(ILoggingEvent::getFormattedMessage)
                  .filter(m -> m.contains(" restored after ")))
          .hasSize(2);
      assertThat(kept).isNotBlank();
      await(q.close());
    }
  }

  @Test
  void consumersResumeWhenRedisComesBackEmpty() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start()) { // no persistence: a restart loses every key
      JobQueue q = open(fast(redis.uri()));
      LinkedBlockingQueue<Job> handled = new LinkedBlockingQueue<>();
      JobConsumer c =
          q.consumer(
              queue,
              job -> {
                handled.add(job);
                return Future.succeededFuture();
              });
      await(c.start());
      redis.restart();
      eventually(
          "the queue reconnects",
          () ->
              await(
                  q.enqueue(queue, new JsonObject().put("n", 0))
                      .transform(ar -> Future.succeededFuture(ar.succeeded()))));
      // The group was lost with the data; the consumer recreated it on reconnect and takes the new
      // job.
      Job first = handled.poll(20, TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThat(first.payload().getInteger("n")).isZero();
      await(q.close());
    }
  }

  @Test
  void aConsumerRecreatesItsGroupWhenTheKeysVanishWhileItRuns() throws Exception {
    JobQueue q = openShared();
    LinkedBlockingQueue<Job> handled = new LinkedBlockingQueue<>();
    JobConsumer c =
        q.consumer(
            queue,
            job -> {
              handled.add(job);
              return Future.succeededFuture();
            });
    await(c.start());
    String first = await(q.enqueue(queue, new JsonObject().put("n", 1)));
    assertThat(handled.poll(20, TimeUnit.SECONDS)).extracting(Job::id).isEqualTo(first);
    Redis raw = Redis.createClient(vertx, sharedRedisUrl());
    try {
      for (Priority p : Priority.values()) {
        await(raw.send(Request.cmd(Command.DEL).arg("kb:q:{" + queue + "}:" + p.key())));
      }
    } finally {
      raw.close();
    }
    String second = await(q.enqueue(queue, new JsonObject().put("n", 2)));
    assertThat(handled.poll(20, TimeUnit.SECONDS)).extracting(Job::id).isEqualTo(second);
  }

  @Test
  void startFailsClearlyWhenRedisIsUnreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    QueueSettings settings = fast("redis://127.0.0.1:" + port);
    Throwable t = failure(JobQueue.connect(vertx, settings));
    assertThat(t)
        .isInstanceOf(QueueUnavailableException.class)
        .hasMessageContaining("cannot connect to Redis at redis://127.0.0.1:" + port)
        .hasMessageContaining("KILLBOARD_REDIS_URL");
  }
}
