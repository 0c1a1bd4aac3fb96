package dev.killboard.api.subscriptions;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A single-subscriber Reactive Streams publisher fed by {@link #offer}. It honours demand; while
 * the subscriber is slower than the feed, up to {@code capacity} events wait and the oldest are
 * dropped beyond that, so one slow client can never make the server buffer without bound.
 */
final class EventPublisher<T> implements Publisher<T> {
  private final int capacity;
  private final Runnable onCancel;
  private final ArrayDeque<T> buffer = new ArrayDeque<>();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private Subscriber<? super T> subscriber;
  private long demand;
  private boolean draining;

  EventPublisher(int capacity, Runnable onCancel) {
    this.capacity = capacity;
    this.onCancel = onCancel;
  }

  @Override
  public void subscribe(Subscriber<? super T> s) {
    synchronized (this) {
      if (subscriber != null) {
        s.onSubscribe(
            new Subscription() {
              @Override
              public void request(long n) {}

              @Override
              public void cancel() {}
            });
        s.onError(new IllegalStateException("this publisher has a subscriber already"));
        return;
      }
      subscriber = s;
    }
    s.onSubscribe(
        new Subscription() {
          @Override
          public void request(long n) {
            if (n <= 0) {
              cancel();
              s.onError(
                  new IllegalArgumentException(
                      "request(" + n + ") violates Reactive Streams rule 3.9"));
              return;
            }
            synchronized (EventPublisher.this) {
              demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            }
            drain();
          }

          @Override
          public void cancel() {
            if (cancelled.compareAndSet(false, true)) {
              synchronized (EventPublisher.this) {
                buffer.clear();
              }
              onCancel.run();
            }
          }
        });
  }

  /** Hands an event to the subscriber, or buffers it until there is demand. */
  void offer(T event) {
    if (cancelled.get()) {
      return;
    }
    synchronized (this) {
      if (buffer.size() >= capacity) {
        buffer.pollFirst();
      }
      buffer.addLast(event);
    }
    drain();
  }

  /** Ends the stream (server shutting down). */
  void complete() {
    Subscriber<? super T> s;
    synchronized (this) {
      s = subscriber;
    }
    if (s != null && cancelled.compareAndSet(false, true)) {
      s.onComplete();
    }
  }

  private void drain() {
    while (true) {
      T next;
      Subscriber<? super T> s;
      synchronized (this) {
        if (draining || subscriber == null || demand == 0 || buffer.isEmpty() || cancelled.get()) {
          return;
        }
        draining = true;
        next = buffer.pollFirst();
        demand--;
        s = subscriber;
      }
      try {
        s.onNext(next);
      } finally {
        synchronized (this) {
          draining = false;
        }
      }
    }
  }
}
