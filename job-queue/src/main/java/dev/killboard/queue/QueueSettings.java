package dev.killboard.queue;

import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/** Settings of the job queues: Redis (its URL may hold a password), retry and reclaim timing. */
public record QueueSettings(
    Secret redisUrl,
    String consumerGroup,
    Duration visibilityTimeout,
    int maxAttempts,
    Duration backoffBase,
    Duration backoffMax,
    Duration blockTimeout,
    Duration heartbeatInterval,
    int maxPayloadBytes,
    Duration reconnectMin,
    Duration reconnectMax,
    Duration connectTimeout,
    Duration commandTimeout) {
  public static final String ENV_REDIS_URL = "KILLBOARD_REDIS_URL";
  public static final String ENV_MAX_PAYLOAD_BYTES = "KILLBOARD_QUEUE_MAX_PAYLOAD_BYTES";

  /** Reads and checks every {@code KILLBOARD_QUEUE_*} / {@code KILLBOARD_REDIS_*} variable. */
  public static QueueSettings from(Env env) {
    QueueSettings s =
        new QueueSettings(
            new Secret(
                env.string(ENV_REDIS_URL, "redis://127.0.0.1:6379")
                    .about(
                        "where Redis is: redis://host:port[/db], redis://user:password@host:port for ACL users, rediss:// for TLS")),
            env.string(
                    "KILLBOARD_QUEUE_GROUP",
                    "killboard",
                    Pattern.compile("[A-Za-z0-9_.\\-]{1,64}"),
                    "1 to 64 characters from A-Z a-z 0-9 _ . -")
                .about("the consumer group every worker of every queue joins"),
            env.duration("KILLBOARD_QUEUE_VISIBILITY_TIMEOUT", "60s", "100ms", "24h")
                .about("how long a job may run before another consumer takes it over"),
            env.integer("KILLBOARD_QUEUE_MAX_ATTEMPTS", 5, 1, 100)
                .about("how many tries a job gets before it is dead-lettered"),
            env.duration("KILLBOARD_QUEUE_BACKOFF_BASE", "1s", "1ms", "1h")
                .about("the delay before the first retry (doubles per attempt)"),
            env.duration("KILLBOARD_QUEUE_BACKOFF_MAX", "5m", "1ms", "24h")
                .about("the longest delay between retries"),
            env.duration("KILLBOARD_QUEUE_BLOCK_TIMEOUT", "2s", "10ms", "60s")
                .about("how long one blocking read waits"),
            env.duration("KILLBOARD_QUEUE_HEARTBEAT_INTERVAL", "5s", "50ms", "60s")
                .about("how often a consumer reports that it is alive"),
            env.integer(ENV_MAX_PAYLOAD_BYTES, 1024 * 1024, 16, 64 * 1024 * 1024)
                .about("the largest accepted job payload, in bytes of its JSON text"),
            env.duration("KILLBOARD_REDIS_RECONNECT_MIN", "100ms", "1ms", "1m")
                .about("the first delay before reconnecting to Redis"),
            env.duration("KILLBOARD_REDIS_RECONNECT_MAX", "10s", "1ms", "10m")
                .about("the longest reconnect delay"),
            env.duration("KILLBOARD_REDIS_CONNECT_TIMEOUT", "5s", "10ms", "5m")
                .about("the TCP connect timeout towards Redis"),
            env.duration("KILLBOARD_REDIS_COMMAND_TIMEOUT", "10s", "10ms", "5m")
                .about("how long one Redis command may take"));
    String why = urlProblem(Secret.reveal(s.redisUrl()));
    env.require(
        why == null,
        "KILLBOARD_REDIS_URL '%s' %s: use redis://host:port[/db] (redis://user:password@host:port for ACL users, rediss:// for TLS), default redis://127.0.0.1:6379"
            .formatted(s.redisUrlForLogs(), why));
    env.require(
        s.backoffMax().compareTo(s.backoffBase()) >= 0,
        "KILLBOARD_QUEUE_BACKOFF_MAX=%s is below KILLBOARD_QUEUE_BACKOFF_BASE=%s: raise the maximum or lower the base"
            .formatted(Env.human(s.backoffMax()), Env.human(s.backoffBase())));
    env.require(
        s.reconnectMax().compareTo(s.reconnectMin()) >= 0,
        "KILLBOARD_REDIS_RECONNECT_MAX=%s is below KILLBOARD_REDIS_RECONNECT_MIN=%s: raise the maximum or lower the minimum"
            .formatted(Env.human(s.reconnectMax()), Env.human(s.reconnectMin())));
    return s;
  }

  /** The Redis URL with any password replaced by {@code ***}, safe to log. */
  public String redisUrlForLogs() {
    return Secret.reveal(redisUrl).replaceFirst("(?s)^(.*?://)([^:]*:)?.*@", "$1$2***@");
  }

  /** What is wrong with a Redis URL, or null. */
  private static String urlProblem(String url) {
    try {
      URI uri = new URI(url);
      String path = Objects.toString(uri.getPath(), "");
      if (!String.valueOf(uri.getScheme()).matches("rediss?")) {
        return "has scheme '" + uri.getScheme() + "'";
      } else if (uri.getHost() == null) {
        return "has no host";
      } else if (uri.getPort() == 0 || uri.getPort() > 65535) {
        return "has port " + uri.getPort();
      }
      return path.matches("(/\\d{0,2})?")
          ? null
          : "selects database '" + path.substring(1) + "', which is not a database number";
    } catch (URISyntaxException e) {
      return "is not a URL (" + e.getReason() + ")";
    }
  }
}
