package dev.killboard.worker.killmail;

import dev.killboard.config.Backoff;
import dev.killboard.upstream.r2z2.R2z2Killmail;
import dev.killboard.upstream.r2z2.R2z2Poller;
import dev.killboard.upstream.r2z2.R2z2PollingPolicy;
import dev.killboard.worker.framework.PooledWorker;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code redisq-stream}, on R2Z2 (RedisQ was shut down on 2026-05-31): reads {@code sequence.json},
 * then each {@code {N}.json} in order; on 404 waits (at least 6 s against the real feed) and asks
 * for the same N again. Each entry's ESI killmail and zkb values are ingested in one transaction
 * that also stores N in {@code feed_state} ({@code r2z2}), so a restart resumes at the last stored
 * sequence + 1 and never skips or repeats a killmail. Only one instance should run in the cluster
 * (deploy it with {@code -instances 1}).
 */
public final class R2z2StreamWorker extends PooledWorker {
  /** The {@code feed_state.feed} key. */
  public static final String FEED = "r2z2";

  private static final Logger LOG = LoggerFactory.getLogger(R2z2StreamWorker.class);
  private static final Backoff SEQUENCE_RETRY =
      Backoff.exponential(Duration.ofMillis(500), Duration.ofMinutes(1));

  private R2z2Poller poller;
  private volatile boolean stopped;
  private long retryTimer = -1;

  @Override
  public String workerName() {
    return "redisq-stream";
  }

  @Override
  protected Future<?> begin() {
    poller =
        new R2z2Poller(
            vertx, runtime.r2z2(), R2z2PollingPolicy.from(runtime.settings().upstream()));
    // The database must answer at start (a wrong setting should fail the deployment); the feed may
    // be down for a while.
    return lastStored().onSuccess(last -> startFrom(last, 1));
  }

  /**
   * Starts the poller; on a first start it needs sequence.json, asked again with backoff until R2Z2
   * answers.
   */
  private void startFrom(OptionalLong last, int attempt) {
    if (stopped) {
      return;
    }
    Future<Long> from =
        last.isPresent()
            ? Future.succeededFuture(last.getAsLong() + 1)
            : runtime.r2z2().currentSequence();
    from.onSuccess(
            sequence -> {
              if (!stopped) {
                LOG.info("R2Z2 stream starting worker={} sequence={}", owner(), sequence);
                poller.start(sequence, this::store);
              }
            })
        .onFailure(
            e -> {
              long waitMs = SEQUENCE_RETRY.delayMillis(attempt);
              LOG.warn(
                  "R2Z2 sequence.json unavailable worker={} attempt={} retryInMs={} error={}",
                  owner(),
                  attempt,
                  waitMs,
                  e.toString());
              retryTimer = vertx.setTimer(waitMs, t -> startFrom(last, attempt + 1));
            });
  }

  @Override
  protected Future<?> end() {
    stopped = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    if (poller != null) {
      poller.stop();
    }
    return Future.succeededFuture();
  }

  private Future<OptionalLong> lastStored() {
    return runtime
        .pool()
        .preparedQuery("SELECT last_sequence FROM feed_state WHERE feed = $1")
        .execute(Tuple.of(FEED))
        .map(
            rows -> {
              for (Row row : rows) {
                return OptionalLong.of(row.getLong(0));
              }
              return OptionalLong.empty();
            });
  }

  private Future<Void> store(R2z2Killmail entry) {
    return runtime
        .killmailIngest()
        .store(
            vertx,
            runtime.pool(),
            List.of(entry.killmail()),
            tx ->
                tx.preparedQuery(
                        "INSERT INTO feed_state (feed, last_sequence, updated_at) VALUES ($1, $2, now()) ON CONFLICT (feed) DO UPDATE"
                            + " SET last_sequence = greatest(feed_state.last_sequence, EXCLUDED.last_sequence), updated_at = now()")
                    .execute(Tuple.of(FEED, entry.sequence())))
        .onSuccess(
            ids ->
                LOG.debug(
                    "R2Z2 entry stored worker={} sequence={} killmail={} new={}",
                    owner(),
                    entry.sequence(),
                    entry.killmailId(),
                    !ids.isEmpty()))
        .mapEmpty();
  }
}
