package dev.killboard.queue;

import static dev.killboard.queue.FakeCommands.bulk;
import static dev.killboard.queue.FakeCommands.fields;
import static dev.killboard.queue.FakeCommands.multi;
import static dev.killboard.queue.FakeCommands.num;
import static dev.killboard.queue.FakeCommands.onContext;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.RequestImpl;
import io.vertx.redis.client.impl.types.MultiType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reader against a fake read connection: which streams it claims from, how it blocks, what it
 * decodes, when it unblocks, how it recovers. What Redis does with these commands is tested on the
 * real one (PriorityTest, ReconnectTest, ConsumerLifecycleTest).
 */
class EntryReaderTest {

  private static Vertx vertx;
  private final QueueKeys keys = new QueueKeys("reader_test");
  private final QueueSettings settings = FakeCommands.settings(Duration.ofSeconds(5));
  private final FakeCommands commands = new FakeCommands();
  private final FakeReads reads = new FakeReads();
  private final ConsumerContext ctx = FakeCommands.context(vertx);
  private final EntryReader reader =
      new EntryReader(ctx, commands, keys, settings, "c1", r -> reads);

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /**
   * The read connection's stand-in: scripts go to a {@link FakeCommands}, commands are recorded.
   */
  static final class FakeReads implements ReadConnection {
    final FakeCommands scripts = new FakeCommands();
    final List<List<String>> sent = new CopyOnWriteArrayList<>();
    final List<Long> timeouts = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Supplier<Future<Response>>>> answers = new HashMap<>();
    Promise<Void> up = Promise.promise();

    /** The next {@code command} answers with what {@code answer} gives (by default 1). */
    synchronized FakeReads answer(String command, Supplier<Future<Response>> answer) {
      answers.computeIfAbsent(command, k -> new ArrayDeque<>()).add(answer);
      return this;
    }

    @Override
    public Future<Response> run(RedisScript script, List<String> keys, List<String> args) {
      return scripts.run(script, keys, args);
    }

    @Override
    public Future<Response> send(Request request) {
      return send(request, -1);
    }

    @Override
    public Future<Response> send(Request request, long timeoutMillis) {
      List<String> words = new ArrayList<>();
      words.add(request.command().toString().toUpperCase(Locale.ROOT));
      for (byte[] a : ((RequestImpl) request).getArgs()) {
        words.add(new String(a, StandardCharsets.UTF_8));
      }
      sent.add(words);
      timeouts.add(timeoutMillis);
      Supplier<Future<Response>> next;
      synchronized (this) {
        Deque<Supplier<Future<Response>>> q = answers.get(words.get(0));
        next = q == null ? null : q.poll();
      }
      return next == null ? Future.succeededFuture(num(1)) : next.get();
    }

    List<List<String>> sent(String command) {
      return sent.stream().filter(w -> w.get(0).equals(command)).toList();
    }

    @Override
    public boolean isUp() {
      return up.future().isComplete();
    }

    @Override
    public Future<Void> start() {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> whenUp() {
      return up.future();
    }
  }

  private <T> T on(Supplier<T> action) {
    return onContext(ctx.context(), () -> Future.succeededFuture(action.get()));
  }

  @Test
  void claimsFromTheStreamsAboveTheFirstWaitingPriorityAndDecodes() {
    reads.scripts.answer(
        "claim",
        multi(
            multi(
                bulk(keys.stream(Priority.HIGH)),
                bulk("1-0"),
                fields("id", "j1", "payload", "{\"a\":1}", "attempts", "1"))));

    List<Delivery> taken = onContext(ctx.context(), () -> reader.claim(Priority.NORMAL, 3));

    FakeCommands.Call claim = reads.scripts.calls("claim").get(0);
    assertThat(claim.keys()).containsExactly(keys.stream(Priority.HIGH));
    assertThat(claim.args()).containsExactly(settings.consumerGroup(), "c1", "3");
    assertThat(taken).hasSize(1);
    assertThat(taken.get(0).job.id()).isEqualTo("j1");
    assertThat(taken.get(0).job.attempt()).as("one failed attempt before").isEqualTo(2);
    assertThat(on(reader::busy)).isFalse();

    reads.scripts.answer("claim", multi());
    assertThat(onContext(ctx.context(), () -> reader.claim(null, 1))).isEmpty();
    assertThat(reads.scripts.calls("claim").get(1).keys()).isEqualTo(keys.streams());
  }

  @Test
  void blocksOnEveryStreamForOneEntryAndReadsBothReplyShapes() {
    MultiType resp3 = MultiType.create(2, true);
    resp3.add(bulk(keys.stream(Priority.LOW)));
    resp3.add(multi(multi(bulk("9-0"), fields("payload", "{}", "attempts", "0"))));
    reads
        .answer(
            "XREADGROUP",
            () ->
                Future.succeededFuture(
                    multi(
                        multi(
                            bulk(keys.stream(Priority.NORMAL)),
                            multi(multi(bulk("5-0"), fields("payload", "{}", "attempts", "0")))))))
        .answer("XREADGROUP", () -> Future.succeededFuture(resp3))
        .answer("XREADGROUP", () -> Future.succeededFuture(null));

    List<Delivery> resp2 = onContext(ctx.context(), reader::awaitNew);
    List<Delivery> map = onContext(ctx.context(), reader::awaitNew);
    List<Delivery> none = onContext(ctx.context(), reader::awaitNew);

    List<String> read = reads.sent("XREADGROUP").get(0);
    List<String> expected = new ArrayList<>();
    expected.addAll(
        List.of(
            "XREADGROUP", "GROUP", settings.consumerGroup(), "c1", "COUNT", "1", "BLOCK", "2000"));
    expected.add("STREAMS");
    expected.addAll(keys.streams());
    expected.addAll(List.of(">", ">", ">"));
    assertThat(read).isEqualTo(expected);
    assertThat(reads.timeouts.get(0))
        .as("the block time plus the command timeout")
        .isEqualTo(settings.blockTimeout().toMillis() + settings.commandTimeout().toMillis());
    assertThat(resp2).extracting(d -> d.entryId).containsExactly("5-0");
    assertThat(resp2.get(0).priority).isEqualTo(Priority.NORMAL);
    assertThat(map).extracting(d -> d.priority).containsExactly(Priority.LOW);
    assertThat(none).as("the block time passed").isEmpty();
  }

  @Test
  void unblocksOnlyABlockedReadWhoseConnectionIdIsKnown() {
    reads.answer("CLIENT", () -> Future.succeededFuture(num(42)));
    Promise<Response> blocked = Promise.promise();

    on(
        () -> {
          reader.unblock(); // idle: nothing to end
          return null;
        });
    onContext(ctx.context(), () -> reader.prepare(reads::send));
    boolean busy =
        on(
            () -> {
              reads.answer("XREADGROUP", blocked::future);
              reader.awaitNew();
              reader.unblock();
              return reader.busy();
            });

    assertThat(busy).isTrue();
    assertThat(reads.sent("CLIENT"))
        .extracting(w -> w.get(1))
        .as("the id noted and the connection named")
        .containsExactly("ID", "SETNAME");
    assertThat(reads.sent("XGROUP")).as("the groups made sure of").hasSize(keys.streams().size());
    assertThat(commands.calls("command"))
        .as("CLIENT UNBLOCK over the command connection, once")
        .hasSize(1);
    blocked.complete(null);
    assertThat(on(reader::busy)).isFalse();
  }

  @Test
  void recreatesALostGroupWhereItIsMissing() {
    reads.answer(
        "XGROUP",
        () ->
            Future.failedFuture(
                new RuntimeException("BUSYGROUP Consumer Group name already exists")));

    onContext(
        ctx.context(), () -> reader.recover(new RuntimeException("NOGROUP No such key or group")));

    assertThat(reads.sent("XGROUP"))
        .extracting(w -> w.get(2))
        .containsExactlyElementsOf(keys.streams());
    assertThat(reads.sent("XGROUP").get(0))
        .containsExactly(
            "XGROUP",
            "CREATE",
            keys.stream(Priority.HIGH),
            settings.consumerGroup(),
            "0",
            "MKSTREAM");
  }

  @Test
  void afterALostConnectionReadingGoesOnOnceItIsBack() throws Exception {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    on(
        () -> {
          reader
              .recover(new QueueUnavailableException("connection lost"))
              .onComplete(ar -> ready.complete(null));
          return null;
        });
    assertThat(ready).as("not before the connection is back").isNotDone();

    reads.up.complete();

    ready.get(10, TimeUnit.SECONDS);
    assertThat(reads.sent).as("nothing sent while down").isEmpty();
  }
}
