package dev.killboard.api.subscriptions;

import dev.killboard.api.data.KillmailRepository;
import dev.killboard.api.data.KillmailRepository.Killmail;
import dev.killboard.contracts.NewKillmail;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code newKillmail} source of one API instance: one consumer of {@link NewKillmail#ADDRESS}
 * on the clustered event bus; each event loads the killmail once (not once per subscriber) and
 * hands it to every subscriber of this instance.
 */
public final class KillmailFeed {
  private static final Logger LOG = LoggerFactory.getLogger(KillmailFeed.class);

  /** Events a slow subscriber may lag behind before the oldest are dropped. */
  static final int SUBSCRIBER_BUFFER = 256;

  private final Vertx vertx;
  private final KillmailRepository killmails;
  private final Set<EventPublisher<Killmail>> subscribers = ConcurrentHashMap.newKeySet();
  private MessageConsumer<Object> consumer;

  public KillmailFeed(Vertx vertx, KillmailRepository killmails) {
    this.vertx = vertx;
    this.killmails = killmails;
  }

  /** Registers the consumer; completes when the registration has reached the cluster. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(NewKillmail.ADDRESS, this::onEvent);
    return consumer.completion();
  }

  public Future<Void> stop() {
    subscribers.forEach(EventPublisher::complete);
    subscribers.clear();
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** A new subscription: a publisher of every killmail announced from now on. */
  public Publisher<Killmail> subscribe() {
    EventPublisher<Killmail>[] self = new EventPublisher[1];
    self[0] = new EventPublisher<>(SUBSCRIBER_BUFFER, () -> subscribers.remove(self[0]));
    subscribers.add(self[0]);
    return self[0];
  }

  private void onEvent(Message<Object> message) {
    NewKillmail event;
    try {
      event = NewKillmail.fromJson(message.body());
    } catch (IllegalArgumentException e) {
      LOG.warn("Ignoring a malformed message on {}: {}", NewKillmail.ADDRESS, e.getMessage());
      return;
    }
    if (subscribers.isEmpty()) {
      return;
    }
    killmails
        .killmail(event.killmailId())
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn(
                    "Could not load announced killmail {}: {}",
                    event.killmailId(),
                    ar.cause().toString());
              } else if (ar.result() == null) {
                LOG.warn(
                    "Announced killmail {} is not in the database (published before its transaction committed?)",
                    event.killmailId());
              } else {
                subscribers.forEach(s -> s.offer(ar.result()));
              }
            });
  }
}
