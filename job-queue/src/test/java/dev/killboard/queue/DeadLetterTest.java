package dev.killboard.queue;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadLetterTest extends QueueTestSupport {

  @Test
  void aPoisonJobIsDeadLetteredWithItsReasonAfterMaxAttempts() {
    JobQueue q = openShared(); // maxAttempts 3
    JsonObject payload = new JsonObject().put("characterId", 2112625428L).put("source", "scan");
    String id = await(q.enqueue(queue, payload, Priority.HIGH));
    AtomicInteger calls = new AtomicInteger();
    JobConsumer c =
        q.consumer(
            queue,
            job ->
                Future.failedFuture(
                    new IllegalArgumentException(
                        "unexpected ESI body, call " + calls.incrementAndGet())));
    await(c.start());

    List<DeadLetter> dead =
        eventually("a dead letter", () -> await(q.deadLetters(queue)), l -> !l.isEmpty());
    assertThat(dead).hasSize(1);
    DeadLetter d = dead.get(0);
    assertThat(d.jobId()).isEqualTo(id);
    assertThat(d.queue()).isEqualTo(queue);
    assertThat(d.priority()).isEqualTo(Priority.HIGH);
    assertThat(d.attempts()).isEqualTo(3);
    assertThat(d.lastError()).isEqualTo("IllegalArgumentException: unexpected ESI body, call 3");
    assertThat(d.payloadJson()).isEqualTo(payload);
    assertThat(d.consumer()).isEqualTo(c.name());
    assertThat(calls.get()).isEqualTo(3);
    QueueStatus status = await(q.status(queue));
    assertThat(status.depth().total()).isZero();
    assertThat(status.deadLetters()).isEqualTo(1);
  }

  @Test
  void aRejectedJobIsDroppedAtOnce() {
    JobQueue q = openShared();
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<Void> second = new CompletableFuture<>();
    JobConsumer c =
        q.consumer(
            queue,
            job -> {
              calls.incrementAndGet();
              if (job.payload().getInteger("n") == 1) {
                return Future.failedFuture(new JobRejected("ESI 404: character 1 does not exist"));
              }
              second.complete(null);
              return Future.succeededFuture();
            });
    await(c.start());
    await(q.enqueue(queue, new JsonObject().put("n", 1)));
    await(q.enqueue(queue, new JsonObject().put("n", 2)));
    await(second);
    eventually("both acknowledged", () -> await(q.depth(queue)).total() == 0);
    assertThat(calls.get()).isEqualTo(2);
    assertThat(await(q.status(queue)).deadLetters()).isZero();
  }

  @Test
  void anUnreadableEntryIsDeadLetteredKeepingItsText() {
    JobQueue q = openShared();
    Redis raw = Redis.createClient(vertx, sharedRedisUrl());
    try {
      await(
          raw.send(
              Request.cmd(Command.XADD)
                  .arg("kb:q:{" + queue + "}:normal")
                  .arg("*")
                  .arg("id")
                  .arg("hand-written")
                  .arg("payload")
                  .arg("{\"characterId\": 12,")
                  .arg("attempts")
                  .arg("0")));
    } finally {
      raw.close();
    }
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<Void> good = new CompletableFuture<>();
    JobConsumer c =
        q.consumer(
            queue,
            job -> {
              calls.incrementAndGet();
              good.complete(null);
              return Future.succeededFuture();
            });
    await(c.start());
    await(q.enqueue(queue, new JsonObject().put("characterId", 13)));
    await(good);
    List<DeadLetter> dead =
        eventually("a dead letter", () -> await(q.deadLetters(queue)), l -> !l.isEmpty());
    assertThat(dead)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.jobId()).isEqualTo("hand-written");
              assertThat(d.payload()).isEqualTo("{\"characterId\": 12,");
              assertThat(d.payloadJson()).isNull();
              assertThat(d.lastError())
                  .startsWith("unreadable entry: payload is not a JSON object");
            });
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void deadLettersCanBeRequeuedOnceTheCauseIsFixed() {
    JobQueue q = openShared();
    AtomicBoolean fixed = new AtomicBoolean();
    CompletableFuture<Job> succeeded = new CompletableFuture<>();
    JobConsumer c =
        q.consumer(
            queue,
            job -> {
              if (!fixed.get()) {
                return Future.failedFuture("schema not migrated");
              }
              succeeded.complete(job);
              return Future.succeededFuture();
            });
    await(c.start());
    String id = await(q.enqueue(queue, new JsonObject().put("typeId", 587), Priority.LOW));
    DeadLetter d =
        eventually("a dead letter", () -> await(q.deadLetters(queue)), l -> !l.isEmpty()).get(0);
    assertThat(d.lastError()).isEqualTo("schema not migrated");
    assertThat(d.priority()).isEqualTo(Priority.LOW);

    fixed.set(true);
    assertThat(await(q.requeueDeadLetters(queue, 10))).isEqualTo(1);
    Job again = await(succeeded);
    assertThat(again.id()).isEqualTo(id);
    assertThat(again.attempt()).isEqualTo(1);
    assertThat(again.priority()).isEqualTo(Priority.LOW);
    assertThat(again.payload()).isEqualTo(new JsonObject().put("typeId", 587));
    assertThat(await(q.deadLetters(queue))).isEmpty();
  }
}
