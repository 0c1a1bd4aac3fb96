package dev.killboard.runtime;

import io.vertx.core.Closeable;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service per Vert.x instance (a process-wide budget, gate or migration run), created on first
 * use and forgotten by a close hook of that Vert.x instance, so no closed instance, nor what it
 * held, stays reachable from a static field. The hook can also close the service ({@code onClose});
 * Vert.x runs close hooks before it undeploys.
 */
public final class PerVertx<T> {

  private static final Logger LOG = LoggerFactory.getLogger(PerVertx.class);
  // Every holder, for heldBy(): holders are static fields of their owners, so this set stays small
  // and fixed.
  private static final Set<PerVertx<?>> HOLDERS = ConcurrentHashMap.newKeySet();

  private final String what;
  private final Function<T, Future<?>> onClose;
  private final Map<Vertx, Held<T>> held = new ConcurrentHashMap<>();

  private PerVertx(String what, Function<T, Future<?>> onClose) {
    this.what = what;
    this.onClose = onClose;
    HOLDERS.add(this);
  }

  /**
   * A holder whose services are only forgotten when their Vert.x instance closes (they close
   * themselves).
   */
  public static <T> PerVertx<T> of(String what) {
    return new PerVertx<>(what, null);
  }

  /** A holder that closes each service with {@code onClose} when its Vert.x instance closes. */
  public static <T> PerVertx<T> closing(String what, Function<T, Future<?>> onClose) {
    return new PerVertx<>(what, onClose);
  }

  /**
   * The service of {@code vertx}, created by {@code create} on first call; later calls return the
   * same one.
   */
  public T get(Vertx vertx, Function<Vertx, T> create) {
    return held.computeIfAbsent(
            vertx,
            v -> {
              Held<T> h = new Held<>(this, v, create.apply(v));
              ((VertxInternal) v).addCloseHook(h);
              return h;
            })
        .value;
  }

  /** The service of {@code vertx} if one was created. */
  public Optional<T> peek(Vertx vertx) {
    Held<T> h = held.get(vertx);
    return h == null ? Optional.empty() : Optional.of(h.value);
  }

  /**
   * Forgets the service of {@code vertx} if it matches (a failed start, a service closed by hand);
   * never closes it.
   */
  public boolean removeIf(Vertx vertx, Predicate<T> which) {
    Held<T> h = held.get(vertx);
    if (h == null || !which.test(h.value) || !held.remove(vertx, h)) {
      return false;
    }
    ((VertxInternal) vertx).removeCloseHook(h);
    return true;
  }

  /** Vert.x instances this holder has a service for. */
  public int size() {
    return held.size();
  }

  /** Services held for {@code vertx} by every holder: 0 once it has closed. */
  public static int heldBy(Vertx vertx) {
    int n = 0;
    for (PerVertx<?> p : HOLDERS) {
      n += p.held.containsKey(vertx) ? 1 : 0;
    }
    return n;
  }

  /** What every holder holds for {@code vertx}, by name, sorted: empty once it has closed. */
  public static List<String> heldNames(Vertx vertx) {
    List<String> names = new ArrayList<>();
    for (PerVertx<?> p : HOLDERS) {
      if (p.held.containsKey(vertx)) {
        names.add(p.what);
      }
    }
    Collections.sort(names);
    return names;
  }

  @Override
  public String toString() {
    return "PerVertx{" + what + ", " + held.size() + " held}";
  }

  /** The close hook of one service. */
  private static final class Held<T> implements Closeable {
    private final PerVertx<T> owner;
    private final Vertx vertx;
    private final T value;

    Held(PerVertx<T> owner, Vertx vertx, T value) {
      this.owner = owner;
      this.vertx = vertx;
      this.value = value;
    }

    @Override
    public void close(Completable<Void> completion) {
      owner.held.remove(vertx, this);
      if (owner.onClose == null) {
        completion.succeed();
        return;
      }
      Future<?> closed;
      try {
        closed = owner.onClose.apply(value);
      } catch (RuntimeException e) {
        closed = Future.failedFuture(e);
      }
      closed.onComplete(
          ar -> {
            if (ar.failed()) {
              LOG.warn(
                  "Closing the {} of a closing Vert.x instance failed: {}",
                  owner.what,
                  ar.cause().toString());
            }
            completion.succeed();
          });
    }
  }
}
