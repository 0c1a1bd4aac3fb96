package dev.killboard.upstream.esi;

import dev.killboard.upstream.UpstreamRetryable;
import dev.killboard.upstream.UpstreamService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The error-limit gate of one process. A request is admitted only while {@code remain - inFlight >
 * margin}: even if every request in flight failed, ESI's count would stay at or above the margin
 * (>= 1), so it never reaches 0 because of us. While the window's remain is unknown (start, new
 * window) one request probes at a time. After a 420 nothing is admitted until the reset ESI
 * announced. Requests that could be admitted once in-flight ones finish wait in a queue; requests
 * that cannot be admitted before the window resets fail at once with the wait.
 */
public final class LocalErrorLimitGate implements ErrorLimitGate {
  /** Added to ESI's reset: its seconds are rounded, and resuming a moment late costs nothing. */
  private static final Duration SLACK = Duration.ofSeconds(1);

  private static final Duration DEFAULT_BLOCK = Duration.ofSeconds(60);

  private final Clock clock;
  private final int margin;
  private final Deque<Waiter> waiters = new ArrayDeque<>();
  private Integer remain;
  private Instant windowEnd;
  private Instant blockedUntil;
  private int inFlight;

  /** A gate keeping at least {@code margin} (>= 1) errors in reserve. */
  public LocalErrorLimitGate(Clock clock, int margin) {
    if (margin < 1) {
      throw new IllegalArgumentException("margin must be >= 1, got " + margin);
    }
    this.clock = clock;
    this.margin = margin;
  }

  private record Waiter(Promise<Void> promise, Context context) {}

  private enum Verdict {
    ADMIT,
    WAIT,
    REFUSE
  }

  @Override
  public Future<Void> acquire() {
    synchronized (this) {
      Instant now = clock.instant();
      Verdict verdict = verdict(now);
      if (verdict == Verdict.ADMIT && waiters.isEmpty()) {
        inFlight++;
        return Future.succeededFuture();
      }
      if (verdict == Verdict.REFUSE) {
        return Future.failedFuture(refusal(now));
      }
      // Admissible once in-flight requests finish (or queued behind earlier waiters, to keep
      // order).
      Waiter waiter = new Waiter(Promise.promise(), Vertx.currentContext());
      waiters.addLast(waiter);
      return waiter.promise().future();
    }
  }

  @Override
  public Future<Void> release(ErrorLimitObservation observation) {
    List<Runnable> completions = new ArrayList<>();
    synchronized (this) {
      Instant now = clock.instant();
      inFlight = Math.max(0, inFlight - 1);
      record(now, observation);
      drain(now, completions);
    }
    // Outside the lock: completing runs the callers' continuations.
    completions.forEach(Runnable::run);
    return Future.succeededFuture();
  }

  @Override
  public synchronized ErrorLimitSnapshot snapshot() {
    Instant now = clock.instant();
    rollWindow(now);
    return new ErrorLimitSnapshot(
        remain,
        inFlight,
        windowEnd,
        blockedUntil != null && now.isBefore(blockedUntil)
            ? blockedUntil
            : remain != null && remain <= margin ? windowEnd : null);
  }

  private void record(Instant now, ErrorLimitObservation o) {
    rollWindow(now);
    if (o.remain() != null && o.resetSeconds() != null) {
      Instant observedEnd = now.plusSeconds(o.resetSeconds()).plus(SLACK);
      if (remain == null || windowEnd == null) {
        remain = o.remain();
        windowEnd = observedEnd;
      } else {
        // Within a window the count only falls; answers may arrive out of order, so keep the
        // lowest.
        remain = Math.min(remain, o.remain());
        windowEnd = observedEnd.isAfter(windowEnd) ? observedEnd : windowEnd;
      }
    } else if (o.countsAsError() && remain != null) {
      remain = Math.max(0, remain - 1);
    }
    if (o.status() == 420) {
      Duration block =
          o.resetSeconds() != null
              ? Duration.ofSeconds(o.resetSeconds()).plus(SLACK)
              : DEFAULT_BLOCK;
      blockedUntil = now.plus(block);
      remain = 0;
      // The 420's reset is authoritative: the window (and our block) ends there.
      windowEnd = blockedUntil;
    }
  }

  private void drain(Instant now, List<Runnable> completions) {
    while (!waiters.isEmpty()) {
      Verdict verdict = verdict(now);
      if (verdict == Verdict.WAIT) {
        return;
      }
      Waiter waiter = waiters.removeFirst();
      if (verdict == Verdict.ADMIT) {
        inFlight++;
        completions.add(() -> complete(waiter, null));
      } else {
        UpstreamRetryable refusal = refusal(now);
        completions.add(() -> complete(waiter, refusal));
      }
    }
  }

  private Verdict verdict(Instant now) {
    rollWindow(now);
    if (blockedUntil != null && now.isBefore(blockedUntil)) {
      return Verdict.REFUSE;
    }
    if (remain == null) {
      return inFlight == 0 ? Verdict.ADMIT : Verdict.WAIT;
    }
    if (remain - inFlight > margin) {
      return Verdict.ADMIT;
    }
    return remain > margin ? Verdict.WAIT : Verdict.REFUSE;
  }

  private void rollWindow(Instant now) {
    if (windowEnd != null && !now.isBefore(windowEnd)) {
      // A new window: ESI's budget is full again, but we learn its exact value from the next
      // answer.
      windowEnd = null;
      remain = null;
    }
    if (blockedUntil != null && !now.isBefore(blockedUntil)) {
      blockedUntil = null;
    }
  }

  private UpstreamRetryable refusal(Instant now) {
    Instant until = blockedUntil != null && now.isBefore(blockedUntil) ? blockedUntil : windowEnd;
    Duration wait = until == null ? DEFAULT_BLOCK : Duration.between(now, until);
    String why =
        blockedUntil != null
            ? "ESI answered 420; nothing is sent until its error window resets"
            : "only "
                + remain
                + " ESI errors left in this window (margin "
                + margin
                + "); waiting for the reset";
    return new UpstreamRetryable(
        UpstreamService.ESI,
        "error-limit gate",
        UpstreamRetryable.Reason.ERROR_LIMIT_GUARD,
        wait.isNegative() ? Duration.ZERO : wait,
        why,
        null);
  }

  private static void complete(Waiter waiter, UpstreamRetryable failure) {
    Runnable action =
        () -> {
          if (failure == null) {
            waiter.promise().complete();
          } else {
            waiter.promise().fail(failure);
          }
        };
    if (waiter.context() != null) {
      waiter.context().runOnContext(v -> action.run());
    } else {
      action.run();
    }
  }
}
