package dev.killboard.queue;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a consumer's stop: the drain's grace (jobs in flight are waited for one visibility
 * timeout at most), then the last steps in order: entries taken but never started are given back,
 * the consumer leaves the group, its read connection closes.
 */
final class ConsumerStop {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerStop.class);

  private final ConsumerContext ctx;
  private final Settlement settlement;
  private final LeaseKeeper leases;
  private final Supplier<Future<Void>> closeReads;
  private final String consumer;
  private final String queue;
  private final long visibilityMillis;
  private long graceTimer = -1;

  ConsumerStop(
      ConsumerContext ctx,
      QueueKeys keys,
      QueueSettings settings,
      String consumer,
      Settlement settlement,
      LeaseKeeper leases,
      Supplier<Future<Void>> closeReads) {
    this.ctx = ctx;
    this.settlement = settlement;
    this.leases = leases;
    this.closeReads = closeReads;
    this.consumer = consumer;
    this.queue = keys.queue();
    this.visibilityMillis = settings.visibilityTimeout().toMillis();
  }

  /**
   * Starts the grace: unless {@link #finish} comes first, {@code expired} runs after one visibility
   * timeout. A handler that never completes must not hang an undeploy, and after the visibility
   * timeout its entry is reclaimed by another consumer anyway.
   */
  void grace(IntSupplier running, Runnable expired) {
    graceTimer =
        ctx.later(
            visibilityMillis,
            () -> {
              graceTimer = -1;
              int left = running.getAsInt();
              if (left > 0) {
                LOG.warn(
                    "Consumer {} of {}: {} job(s) still running after the visibility timeout of {} ms; stopping"
                        + " without them (they stay pending and will be redelivered)",
                    consumer,
                    queue,
                    left,
                    visibilityMillis);
              }
              expired.run();
            });
  }

  /** Whether the grace is still running. */
  boolean inGrace() {
    return graceTimer >= 0;
  }

  /**
   * Ends the grace and the lease keeping, gives the {@code unstarted} entries back, leaves the
   * group and closes the read connection, each step after the one before. Never fails.
   */
  Future<Void> finish(List<Delivery> unstarted) {
    ctx.cancel(graceTimer);
    graceTimer = -1;
    leases.stopKeeping();
    return settlement
        .release(unstarted)
        .transform(ar -> leases.leave())
        .transform(ar -> closeReads.get())
        .transform(ar -> Future.succeededFuture());
  }
}
