package dev.killboard.queue;

import dev.killboard.config.Env;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.BulkType;
import io.vertx.redis.client.impl.types.MultiType;
import io.vertx.redis.client.impl.types.NumberType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An in-test stand-in for the queue's command connection, the narrow {@link QueueCommands} the
 * consumer's parts use: records every script run and answers with what the test queued per script
 * (by default 1). Not a model of Redis: the consumer's behaviour against Redis is tested on the
 * real one (AcknowledgementTest, ReclaimTest...).
 */
final class FakeCommands implements QueueCommands {

  /** One script run or command as the part sent it. */
  record Call(String script, List<String> keys, List<String> args) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Supplier<Future<Response>>>> answers = new HashMap<>();
  volatile boolean up = true;

  /** The next run of {@code script} answers with {@code reply}. */
  synchronized FakeCommands answer(String script, Response reply) {
    answers
        .computeIfAbsent(script, k -> new ArrayDeque<>())
        .add(() -> Future.succeededFuture(reply));
    return this;
  }

  /** The next run of {@code script} fails with {@code error}. */
  synchronized FakeCommands fail(String script, Throwable error) {
    answers.computeIfAbsent(script, k -> new ArrayDeque<>()).add(() -> Future.failedFuture(error));
    return this;
  }

  @Override
  public Future<Response> run(RedisScript script, List<String> keys, List<String> args) {
    calls.add(new Call(script.name(), List.copyOf(keys), List.copyOf(args)));
    Supplier<Future<Response>> next;
    synchronized (this) {
      Deque<Supplier<Future<Response>>> q = answers.get(script.name());
      next = q == null ? null : q.poll();
    }
    return next == null ? Future.succeededFuture(num(1)) : next.get();
  }

  @Override
  public Future<Response> send(Request request) {
    calls.add(new Call("command", List.of(), List.of(request.command().toString())));
    return Future.succeededFuture(num(1));
  }

  @Override
  public boolean isUp() {
    return up;
  }

  List<Call> calls(String script) {
    List<Call> out = new ArrayList<>();
    for (Call c : calls) {
      if (c.script().equals(script)) {
        out.add(c);
      }
    }
    return out;
  }

  static Response num(long n) {
    return NumberType.create(n);
  }

  static Response bulk(String s) {
    return BulkType.create(Buffer.buffer(s), false);
  }

  static Response multi(Response... items) {
    MultiType m = MultiType.create(items.length, false);
    for (Response r : items) {
      m.add(r);
    }
    return m;
  }

  /** A flat field/value array, like a stream entry's fields. */
  static Response fields(String... kv) {
    Response[] rs = new Response[kv.length];
    for (int i = 0; i < kv.length; i++) {
      rs[i] = bulk(kv[i]);
    }
    return multi(rs);
  }

  /** Settings whose Redis is never contacted (the fake stands in for it). */
  static QueueSettings settings(Duration visibility) {
    return Env.read(
        Map.of(
            "KILLBOARD_REDIS_URL", "redis://127.0.0.1:1",
            "KILLBOARD_QUEUE_VISIBILITY_TIMEOUT", visibility.toMillis() + "ms",
            "KILLBOARD_QUEUE_MAX_ATTEMPTS", "3",
            "KILLBOARD_QUEUE_BACKOFF_BASE", "100ms",
            "KILLBOARD_QUEUE_BACKOFF_MAX", "400ms",
            "KILLBOARD_QUEUE_HEARTBEAT_INTERVAL", "200ms"),
        QueueSettings::from);
  }

  /** Runs {@code action} on {@code context} and waits for the future it returns. */
  static <T> T onContext(Context context, Supplier<Future<T>> action) {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          Future<T> f;
          try {
            f = action.get();
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return;
          }
          f.onComplete(
              ar -> {
                if (ar.succeeded()) {
                  done.complete(ar.result());
                } else {
                  done.completeExceptionally(ar.cause());
                }
              });
        });
    try {
      return done.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no outcome on the context within 10 s: " + e, e);
    }
  }

  /** A fresh event-loop context of {@code vertx} and the consumer context over it. */
  static ConsumerContext context(Vertx vertx) {
    return new ConsumerContext(vertx, vertx.getOrCreateContext());
  }
}
