package dev.killboard.queue;

import dev.killboard.config.Backoff;
import dev.killboard.config.Secret;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised Redis connection. vertx-redis-client does not reconnect a {@link RedisConnection}
 * by itself: when this one ends (Redis restarted, network failure, command timeout) the link logs
 * the outage once, reconnects with capped exponential backoff, re-runs its set-up hook and logs the
 * recovery. While it is down every command fails at once with {@link QueueUnavailableException}.
 */
final class RedisLink implements ReadConnection {

  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);

  // The command connection is shared and pipelined: allow many commands in transit.
  private static final int MAX_WAITING_COMMANDS = 16_384;

  private final Vertx vertx;
  private final Context context;
  private final String name;
  private final QueueSettings settings;
  private final Backoff reconnectBackoff;
  private final Function<RedisConnection, Future<Void>> onConnect;

  // Guarded by this: read from any thread by send(), changed on the link's context.
  private Redis client;
  private RedisConnection connection;
  private Promise<Void> up = Promise.promise();
  private boolean started;
  private boolean closed;
  private long downSinceMillis;
  private String downCause = "not connected yet";
  private int failedAttempts;
  private long reconnectTimer = -1;

  /**
   * @param context where reconnects and the set-up hook run
   * @param onConnect run on every new connection before it is used (may be null)
   */
  RedisLink(
      Vertx vertx,
      Context context,
      String name,
      QueueSettings settings,
      Function<RedisConnection, Future<Void>> onConnect) {
    this.vertx = vertx;
    this.context = context;
    this.name = name;
    this.settings = settings;
    this.reconnectBackoff =
        Backoff.exponential(settings.reconnectMin(), settings.reconnectMax()).withJitter();
    this.onConnect = onConnect;
  }

  String name() {
    return name;
  }

  /**
   * Connects for the first time.
   *
   * @return a failed future with {@link QueueUnavailableException} when Redis cannot be reached
   */
  @Override
  public Future<Void> start() {
    Promise<Void> result = Promise.promise();
    context.runOnContext(
        v -> {
          synchronized (this) {
            if (started || closed) {
              result.fail(
                  new IllegalStateException("Redis connection '" + name + "' was already started"));
              return;
            }
            started = true;
          }
          attempt()
              .onComplete(
                  ar -> {
                    if (ar.succeeded()) {
                      LOG.debug(
                          "Redis connection '{}' to {} established",
                          name,
                          settings.redisUrlForLogs());
                      result.complete();
                    } else {
                      close();
                      result.fail(
                          new QueueUnavailableException(
                              "cannot connect to Redis at "
                                  + settings.redisUrlForLogs()
                                  + " ("
                                  + describe(ar.cause())
                                  + "): check that Redis is running and that "
                                  + QueueSettings.ENV_REDIS_URL
                                  + " points to it",
                              ar.cause()));
                    }
                  });
        });
    return result.future();
  }

  /** Reconnect attempts made in the current outage (0 while up). */
  synchronized int reconnectAttempts() {
    return connection == null ? failedAttempts : 0;
  }

  @Override
  public synchronized boolean isUp() {
    return connection != null;
  }

  /** Completes when the link is (back) up; fails only if the link is closed. */
  @Override
  public synchronized Future<Void> whenUp() {
    if (closed) {
      return Future.failedFuture(
          new QueueUnavailableException("Redis connection '" + name + "' is closed"));
    }
    return up.future();
  }

  @Override
  public Future<Response> run(RedisScript script, List<String> keys, List<String> args) {
    return script.run(this, keys, args);
  }

  /** Sends one command, failing after the command timeout. */
  @Override
  public Future<Response> send(Request request) {
    return send(request, settings.commandTimeout().toMillis());
  }

  /**
   * Sends one command, failing after {@code timeoutMillis} (blocking reads pass their block time
   * plus margin).
   */
  @Override
  public Future<Response> send(Request request, long timeoutMillis) {
    RedisConnection c;
    synchronized (this) {
      c = connection;
      if (c == null) {
        return Future.failedFuture(unavailable());
      }
    }
    return guard(c, c.send(request), timeoutMillis);
  }

  /** Sends commands in one write (for MULTI/EXEC blocks), failing after the command timeout. */
  Future<List<Response>> batch(List<Request> requests) {
    RedisConnection c;
    synchronized (this) {
      c = connection;
      if (c == null) {
        return Future.failedFuture(unavailable());
      }
    }
    return guard(c, c.batch(requests), settings.commandTimeout().toMillis());
  }

  @Override
  public Future<Void> close() {
    Redis c;
    RedisConnection conn;
    Promise<Void> pending;
    synchronized (this) {
      if (closed) {
        return Future.succeededFuture();
      }
      closed = true;
      c = client;
      conn = connection;
      client = null;
      connection = null;
      pending = up;
      if (reconnectTimer >= 0) {
        vertx.cancelTimer(reconnectTimer);
        reconnectTimer = -1;
      }
    }
    pending.tryFail(new QueueUnavailableException("Redis connection '" + name + "' is closed"));
    if (conn != null) {
      conn.exceptionHandler(null);
      conn.endHandler(null);
    }
    return c == null ? Future.succeededFuture() : c.close();
  }

  private <T> Future<T> guard(RedisConnection c, Future<T> f, long timeoutMillis) {
    return f.timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .onFailure(
            err -> {
              if (err instanceof TimeoutException) {
                // A silent Redis (hung, or a half-open TCP connection) never closes the socket:
                // treat it as lost.
                lost(c, new TimeoutException("no answer within " + timeoutMillis + " ms"));
              }
            });
  }

  private Future<Void> attempt() {
    RedisOptions options =
        new RedisOptions()
            .setConnectionString(Secret.reveal(settings.redisUrl()))
            .setMaxPoolSize(1)
            .setMaxPoolWaiting(8)
            .setMaxWaitingHandlers(MAX_WAITING_COMMANDS)
            // RESP2 replies are plain arrays for every command this module uses, on Redis 5 to 7
            // alike.
            .setPreferredProtocolVersion(ProtocolVersion.RESP2);
    options
        .getNetClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
        .setTcpKeepAlive(true)
        .setTcpNoDelay(true);
    Redis candidate = Redis.createClient(vertx, options);
    return candidate
        .connect()
        .compose(
            conn -> {
              conn.exceptionHandler(t -> lost(conn, t));
              conn.endHandler(v -> lost(conn, null));
              Future<Void> setUp =
                  onConnect == null ? Future.succeededFuture() : onConnect.apply(conn);
              return setUp
                  .timeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                  .map(v -> conn);
            })
        .compose(
            conn -> {
              Promise<Void> nowUp;
              synchronized (this) {
                if (closed) {
                  candidate.close();
                  return Future.failedFuture(
                      new QueueUnavailableException("Redis connection '" + name + "' is closed"));
                }
                client = candidate;
                connection = conn;
                nowUp = up;
              }
              nowUp.tryComplete();
              return Future.<Void>succeededFuture();
            },
            err -> {
              candidate.close();
              return Future.failedFuture(err);
            });
  }

  private void lost(RedisConnection conn, Throwable cause) {
    context.runOnContext(v -> onLost(conn, cause));
  }

  private void onLost(RedisConnection conn, Throwable cause) {
    Redis old;
    synchronized (this) {
      if (closed || conn != connection) {
        return; // already handled, or a connection that never went live
      }
      old = client;
      client = null;
      connection = null;
      up = Promise.promise();
      downSinceMillis = System.currentTimeMillis();
      downCause = cause == null ? "connection closed" : describe(cause);
      failedAttempts = 0;
    }
    conn.exceptionHandler(null);
    conn.endHandler(null);
    // One line per outage; the attempts themselves are logged at debug level only.
    LOG.warn(
        "Redis connection '{}' to {} lost ({}); reconnecting with backoff up to {} ms, commands fail fast"
            + " until it is back",
        name,
        settings.redisUrlForLogs(),
        downCause,
        settings.reconnectMax().toMillis());
    if (old != null) {
      old.close();
    }
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    long delay;
    synchronized (this) {
      if (closed) {
        return;
      }
      failedAttempts++;
      delay = Math.max(1, reconnectBackoff.delayMillis(failedAttempts));
      reconnectTimer = vertx.setTimer(delay, id -> reconnect());
    }
  }

  private void reconnect() {
    synchronized (this) {
      reconnectTimer = -1;
      if (closed) {
        return;
      }
    }
    attempt()
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                long downFor;
                int attempts;
                synchronized (this) {
                  downFor = System.currentTimeMillis() - downSinceMillis;
                  attempts = failedAttempts;
                }
                LOG.info(
                    "Redis connection '{}' to {} restored after {} ms ({} attempt{})",
                    name,
                    settings.redisUrlForLogs(),
                    downFor,
                    attempts,
                    attempts == 1 ? "" : "s");
              } else {
                LOG.debug(
                    "Redis connection '{}': reconnect attempt failed: {}",
                    name,
                    describe(ar.cause()));
                scheduleReconnect();
              }
            });
  }

  private synchronized QueueUnavailableException unavailable() {
    if (closed) {
      return new QueueUnavailableException("Redis connection '" + name + "' is closed");
    }
    if (!started || downSinceMillis == 0) {
      return new QueueUnavailableException(
          "Redis at " + settings.redisUrlForLogs() + " is not connected yet");
    }
    long seconds = (System.currentTimeMillis() - downSinceMillis) / 1000;
    return new QueueUnavailableException(
        "Redis at "
            + settings.redisUrlForLogs()
            + " is unreachable ("
            + downCause
            + ", "
            + seconds
            + " s ago); reconnecting in the background");
  }

  /** Whether a failure means the connection is gone (rather than Redis refusing one command). */
  static boolean isConnectionFailure(Throwable t) {
    if (t instanceof QueueUnavailableException
        || t instanceof IOException
        || t instanceof TimeoutException) {
      return true;
    }
    String m = t.getMessage();
    return m != null
        && (m.contains("CONNECTION_CLOSED")
            || m.contains("Connection is closed")
            || m.contains("Connection refused")
            || m.contains("closed"));
  }

  static String describe(Throwable t) {
    if (t == null) {
      return "unknown cause";
    }
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    return t.getClass().getName().startsWith("io.vertx") || t instanceof QueueUnavailableException
        ? m
        : t.getClass().getSimpleName() + ": " + m;
  }
}
