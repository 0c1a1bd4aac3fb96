package dev.killboard.backfill;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.upstream.UpstreamSettings;
import dev.killboard.upstream.zkillboard.ZkillboardClient;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Killmail hashes from zKillboard's per-day dump ({@code /api/history/{yyyyMMdd}.json}): one
 * request per day of killmails met, the last few days kept (an archive is one day; entries arrive
 * in day order). The client is made on first need, so archives whose entries carry their hashes
 * never need zKillboard's settings.
 */
final class ZkillboardDayHashes implements MissingHashes, AutoCloseable {
  private static final int DAYS_KEPT = 4;
  private static final long TIMEOUT_SECONDS = 120;

  private final Vertx vertx;
  private final Map<String, String> env;
  private ZkillboardClient zkillboard;
  private final Map<LocalDate, Map<Long, String>> days =
      new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<LocalDate, Map<Long, String>> eldest) {
          return size() > DAYS_KEPT;
        }
      };

  /**
   * @param env where the zKillboard settings come from ({@code KILLBOARD_ZKB_BASE_URL}, {@code
   *     KILLBOARD_USER_AGENT})
   */
  ZkillboardDayHashes(Vertx vertx, Map<String, String> env) {
    this.vertx = vertx;
    this.env = Map.copyOf(env);
  }

  private ZkillboardClient client() throws IOException {
    if (zkillboard == null) {
      try {
        zkillboard = new ZkillboardClient(vertx, Env.read(env, UpstreamSettings::from));
      } catch (ConfigurationException e) {
        throw new IOException(
            "An entry has no killmail hash, and zKillboard cannot be asked for it: "
                + e.getMessage()
                + "\nFix those settings, or set "
                + BackfillVerticle.ENV_HASHES
                + "=off to skip entries without a hash.",
            e);
      }
    }
    return zkillboard;
  }

  @Override
  public synchronized void close() {
    if (zkillboard != null) {
      zkillboard.close();
      zkillboard = null;
    }
  }

  @Override
  public synchronized Optional<String> hashOf(long killmailId, LocalDate day) throws IOException {
    Map<Long, String> hashes = days.get(day);
    if (hashes == null) {
      try {
        hashes =
            client()
                .dayHashes(day)
                .toCompletionStage()
                .toCompletableFuture()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw new IOException(
            "zKillboard's killmail hashes of "
                + day
                + " could not be read: "
                + e.getCause().getMessage()
                + " (check KILLBOARD_ZKB_BASE_URL, or set "
                + BackfillVerticle.ENV_HASHES
                + "=off to skip entries without a hash)",
            e.getCause());
      } catch (TimeoutException e) {
        throw new IOException(
            "zKillboard's killmail hashes of "
                + day
                + " did not arrive within "
                + TIMEOUT_SECONDS
                + " s",
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(
            "interrupted while reading zKillboard's killmail hashes of " + day, e);
      }
      days.put(day, hashes);
    }
    return Optional.ofNullable(hashes.get(killmailId));
  }
}
