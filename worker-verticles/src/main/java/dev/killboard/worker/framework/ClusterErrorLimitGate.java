package dev.killboard.worker.framework;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.killboard.upstream.UpstreamRetryable;
import dev.killboard.upstream.UpstreamService;
import dev.killboard.upstream.esi.ErrorLimitGate;
import dev.killboard.upstream.esi.ErrorLimitObservation;
import dev.killboard.upstream.esi.ErrorLimitSnapshot;
import dev.killboard.upstream.esi.LocalErrorLimitGate;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ESI's error limit counted once for the whole cluster, so every node stops before the limit of the
 * shared IP reaches 0. The same rules as the upstream client's local gate (admit while remain −
 * in-flight > margin, one probe at a time while remain is unknown, nothing after a 420 until the
 * reset), but the state lives in one entry of a Hazelcast map, updated by compare-and-set of a JSON
 * string (no custom classes, so members without the worker module, such as the API, can hold it).
 * Map calls block, so they run off the event loop. Requests still in flight when a window ends are
 * forgotten with it, so a crashed node cannot hold the gate shut.
 *
 * <p>When the shared entry cannot be reached within {@link #SHARED_TIMEOUT_MS} (a network
 * partition: Hazelcast waits for the entry's owner until it is declared dead, a minute), the gate
 * decides locally, with the same rules and margin, instead of holding every ESI call — and so every
 * job — for that long; one request at a time probes the shared entry again every {@link
 * #PROBE_INTERVAL_MS}. Counts that moved between the two are forgotten when the window ends.
 */
public final class ClusterErrorLimitGate implements ErrorLimitGate {
  /** The Hazelcast map holding the state. */
  public static final String MAP = "killboard.esi.error-limit";

  private static final String KEY = "esi";
  private static final long SLACK_MS = 1000;
  private static final long DEFAULT_BLOCK_MS = 60_000;
  private static final long WAIT_POLL_MS = 50;

  /** How long a decision waits for the shared entry before the gate decides locally. */
  static final long SHARED_TIMEOUT_MS = 2_000;

  /** How often, while deciding locally, one request tries the shared entry again. */
  static final long PROBE_INTERVAL_MS = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterErrorLimitGate.class);

  private final Vertx vertx;
  private final IMap<String, String> map;
  private final int margin;
  private volatile JsonObject lastSeen = new JsonObject();
  private final LocalErrorLimitGate local;
  private volatile boolean degraded;
  private volatile long nextProbe;
  private final AtomicBoolean probing = new AtomicBoolean();

  private enum Verdict {
    ADMIT,
    WAIT,
    REFUSE
  }

  private record Decision(Verdict verdict, JsonObject state) {}

  /**
   * A gate over the cluster's shared state, keeping at least {@code margin} (>= 1) errors in
   * reserve.
   */
  public ClusterErrorLimitGate(Vertx vertx, HazelcastInstance hazelcast, int margin) {
    if (margin < 1) {
      throw new IllegalArgumentException("margin must be >= 1, got " + margin);
    }
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
    this.margin = margin;
    this.local = new LocalErrorLimitGate(Clock.systemUTC(), margin);
  }

  /** The errors it keeps in reserve. */
  public int margin() {
    return margin;
  }

  @Override
  public Future<Void> acquire() {
    if (degraded && !probeNow()) {
      return local.acquire();
    }
    return shared(
            state -> {
              long now = System.currentTimeMillis();
              roll(state, now);
              Verdict verdict = verdict(state, now);
              if (verdict == Verdict.ADMIT) {
                state.put("inFlight", state.getInteger("inFlight", 0) + 1);
              }
              return verdict;
            })
        .transform(
            ar -> {
              if (ar.failed()) {
                return local.acquire();
              }
              Decision d = ar.result();
              lastSeen = d.state();
              return switch (d.verdict()) {
                case ADMIT -> Future.succeededFuture();
                case REFUSE -> Future.failedFuture(refusal(d.state(), System.currentTimeMillis()));
                case WAIT -> later().compose(v -> acquire());
              };
            });
  }

  @Override
  public Future<Void> release(ErrorLimitObservation o) {
    if (degraded) {
      return local.release(o);
    }
    return shared(
            state -> {
              long now = System.currentTimeMillis();
              roll(state, now);
              state.put("inFlight", Math.max(0, state.getInteger("inFlight", 0) - 1));
              record(state, o, now);
              return Verdict.ADMIT;
            })
        .transform(
            ar -> {
              if (ar.failed()) {
                return local.release(o);
              }
              lastSeen = ar.result().state();
              return Future.succeededFuture();
            });
  }

  // Whether this request is the one that tries the shared entry again (at most one at a time, each
  // PROBE_INTERVAL_MS).
  private boolean probeNow() {
    return System.currentTimeMillis() >= nextProbe && probing.compareAndSet(false, true);
  }

  /**
   * One update of the shared entry, off the event loop, given up after {@link #SHARED_TIMEOUT_MS}:
   * then the gate decides locally until a probe reaches the entry again (the blocked call finishes
   * on its own).
   */
  private Future<Decision> shared(Function<JsonObject, Verdict> change) {
    Promise<Decision> answer = Promise.promise();
    long timer =
        vertx.setTimer(
            SHARED_TIMEOUT_MS,
            t ->
                answer.tryFail(
                    new TimeoutException(
                        "no answer from the cluster's entry within " + SHARED_TIMEOUT_MS + " ms")));
    vertx
        .<Decision>executeBlocking(() -> update(change), false)
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              if (ar.succeeded()) {
                answer.tryComplete(ar.result());
              } else {
                answer.tryFail(ar.cause());
              }
            });
    return answer
        .future()
        .andThen(
            ar -> {
              boolean wasProbe = probing.getAndSet(false);
              if (ar.succeeded() && (degraded || wasProbe)) {
                degraded = false;
                LOG.info("ESI error-limit gate: the cluster's shared count is reachable again");
              } else if (ar.failed()) {
                nextProbe = System.currentTimeMillis() + PROBE_INTERVAL_MS;
                if (!degraded) {
                  degraded = true;
                  LOG.warn(
                      "ESI error-limit gate: the cluster's shared count cannot be reached ({}); this process"
                          + " counts ESI's error limit on its own (margin {}) until it can",
                      ar.cause().toString(),
                      margin);
                }
              }
            });
  }

  @Override
  public ErrorLimitSnapshot snapshot() {
    if (degraded) {
      return local.snapshot();
    }
    JsonObject s = lastSeen;
    long now = System.currentTimeMillis();
    Long blocked = s.getLong("blockedUntil");
    Long windowEnd = s.getLong("windowEnd");
    Integer remain = s.getInteger("remain");
    Instant until =
        blocked != null && now < blocked
            ? Instant.ofEpochMilli(blocked)
            : remain != null && remain <= margin && windowEnd != null
                ? Instant.ofEpochMilli(windowEnd)
                : null;
    return new ErrorLimitSnapshot(
        remain,
        s.getInteger("inFlight", 0),
        windowEnd == null ? null : Instant.ofEpochMilli(windowEnd),
        until);
  }

  /**
   * Applies {@code change} to the shared state atomically (compare-and-set, retried on contention).
   */
  private Decision update(Function<JsonObject, Verdict> change) {
    while (true) {
      String old = map.get(KEY);
      JsonObject state = old == null ? new JsonObject() : new JsonObject(old);
      Verdict verdict = change.apply(state);
      String fresh = state.encode();
      if (fresh.equals(old)) {
        return new Decision(verdict, state);
      }
      boolean written =
          old == null ? map.putIfAbsent(KEY, fresh) == null : map.replace(KEY, old, fresh);
      if (written) {
        return new Decision(verdict, state);
      }
    }
  }

  private Verdict verdict(JsonObject s, long now) {
    Long blocked = s.getLong("blockedUntil");
    if (blocked != null && now < blocked) {
      return Verdict.REFUSE;
    }
    Integer remain = s.getInteger("remain");
    int inFlight = s.getInteger("inFlight", 0);
    if (remain == null) {
      return inFlight == 0 ? Verdict.ADMIT : Verdict.WAIT;
    }
    if (remain - inFlight > margin) {
      return Verdict.ADMIT;
    }
    return remain > margin ? Verdict.WAIT : Verdict.REFUSE;
  }

  private static void roll(JsonObject s, long now) {
    Long windowEnd = s.getLong("windowEnd");
    if (windowEnd != null && now >= windowEnd) {
      // A new window: ESI's budget is full again; the next answer tells its exact value.
      s.remove("windowEnd");
      s.remove("remain");
      s.put("inFlight", 0);
    }
    Long blocked = s.getLong("blockedUntil");
    if (blocked != null && now >= blocked) {
      s.remove("blockedUntil");
    }
  }

  private static void record(JsonObject s, ErrorLimitObservation o, long now) {
    if (o.remain() != null && o.resetSeconds() != null) {
      long observedEnd = now + o.resetSeconds() * 1000L + SLACK_MS;
      Integer remain = s.getInteger("remain");
      Long windowEnd = s.getLong("windowEnd");
      if (remain == null || windowEnd == null) {
        s.put("remain", o.remain()).put("windowEnd", observedEnd);
      } else {
        // Within a window the count only falls; answers arrive out of order, so keep the lowest.
        s.put("remain", Math.min(remain, o.remain()))
            .put("windowEnd", Math.max(windowEnd, observedEnd));
      }
    } else if (o.countsAsError() && s.getInteger("remain") != null) {
      s.put("remain", Math.max(0, s.getInteger("remain") - 1));
    }
    if (o.status() == 420) {
      long block =
          o.resetSeconds() != null ? o.resetSeconds() * 1000L + SLACK_MS : DEFAULT_BLOCK_MS;
      s.put("blockedUntil", now + block).put("remain", 0).put("windowEnd", now + block);
    }
  }

  private UpstreamRetryable refusal(JsonObject s, long now) {
    Long blocked = s.getLong("blockedUntil");
    Long windowEnd = s.getLong("windowEnd");
    long until =
        blocked != null && now < blocked
            ? blocked
            : windowEnd != null ? windowEnd : now + DEFAULT_BLOCK_MS;
    String why =
        blocked != null && now < blocked
            ? "ESI answered 420 (seen by some node of the cluster); nothing is sent until its error window resets"
            : "only "
                + s.getInteger("remain")
                + " ESI errors left in this window for the whole cluster (margin "
                + margin
                + "); waiting for the reset";
    return new UpstreamRetryable(
        UpstreamService.ESI,
        "cluster error-limit gate",
        UpstreamRetryable.Reason.ERROR_LIMIT_GUARD,
        Duration.ofMillis(Math.max(0, until - now)),
        why,
        null);
  }

  private Future<Void> later() {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(WAIT_POLL_MS, t -> promise.complete());
    return promise.future();
  }
}
