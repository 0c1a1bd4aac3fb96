package dev.killboard.queue;

import dev.killboard.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Settings of the job queues (Redis location, retry and reclaim timing), read by {@link
 * #from(Env)}.
 *
 * @param redisUrl {@code redis://[user:password@]host:port[/db]} or {@code rediss://} for TLS
 * @param consumerGroup the consumer group every worker of every queue joins
 * @param visibilityTimeout how long a delivered, unacknowledged job may sit before another consumer
 *     reclaims it
 * @param maxAttempts attempts before a failing job goes to the dead-letter stream
 * @param backoffBase delay before the first retry; doubles per attempt
 * @param backoffMax upper bound of the retry delay
 * @param blockTimeout how long one blocking XREADGROUP waits for new entries
 * @param heartbeatInterval how often a consumer announces it is alive (it counts as a consumer for
 *     3 intervals)
 * @param maxPayloadBytes largest accepted payload, in bytes of its JSON text
 * @param reconnectMin first delay before reconnecting to Redis after it went away
 * @param reconnectMax cap of the reconnect delay
 * @param connectTimeout TCP connect timeout towards Redis
 * @param commandTimeout how long one command may take before the connection is considered broken
 */
public record QueueSettings(
    String redisUrl,
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
  public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

  /** Reads and checks every {@code KILLBOARD_QUEUE_*} / {@code KILLBOARD_REDIS_*} variable. */
  public static QueueSettings from(Env env) {
    String url =
        env.string(
            ENV_REDIS_URL,
            DEFAULT_REDIS_URL,
            "where Redis is: redis://host:port[/db], redis://user:password@host:port for ACL users, rediss:// for TLS");
    String urlProblem = urlProblem(url);
    if (urlProblem != null) {
      env.problem(
          ENV_REDIS_URL
              + " '"
              + maskPassword(url)
              + "' "
              + urlProblem
              + ": use redis://host:port[/db]"
              + " (redis://user:password@host:port for ACL users, rediss:// for TLS), default "
              + DEFAULT_REDIS_URL);
    }
    String group =
        env.string(
            "KILLBOARD_QUEUE_GROUP",
            "killboard",
            Pattern.compile("[A-Za-z0-9_.\\-]{1,64}"),
            "1 to 64 characters from A-Z a-z 0-9 _ . -",
            "the consumer group every worker of every queue joins");
    Duration visibility =
        env.duration(
            "KILLBOARD_QUEUE_VISIBILITY_TIMEOUT",
            Duration.ofSeconds(60),
            Duration.ofMillis(100),
            Duration.ofHours(24),
            "how long a job may run before another consumer takes it over");
    int attempts =
        env.integer(
            "KILLBOARD_QUEUE_MAX_ATTEMPTS",
            5,
            1,
            100,
            "how many tries a job gets before it is dead-lettered");
    Duration backoffBase =
        env.duration(
            "KILLBOARD_QUEUE_BACKOFF_BASE",
            Duration.ofSeconds(1),
            Duration.ofMillis(1),
            Duration.ofHours(1),
            "the delay before the first retry (doubles per attempt)");
    Duration backoffMax =
        env.duration(
            "KILLBOARD_QUEUE_BACKOFF_MAX",
            Duration.ofMinutes(5),
            Duration.ofMillis(1),
            Duration.ofHours(24),
            "the longest delay between retries");
    ordered(
        env,
        "KILLBOARD_QUEUE_BACKOFF_BASE",
        backoffBase,
        "KILLBOARD_QUEUE_BACKOFF_MAX",
        backoffMax,
        "base");
    Duration block =
        env.duration(
            "KILLBOARD_QUEUE_BLOCK_TIMEOUT",
            Duration.ofSeconds(2),
            Duration.ofMillis(10),
            Duration.ofSeconds(60),
            "how long one blocking read waits");
    Duration heartbeat =
        env.duration(
            "KILLBOARD_QUEUE_HEARTBEAT_INTERVAL",
            Duration.ofSeconds(5),
            Duration.ofMillis(50),
            Duration.ofSeconds(60),
            "how often a consumer reports that it is alive");
    int payload =
        env.integer(
            ENV_MAX_PAYLOAD_BYTES,
            1024 * 1024,
            16,
            64 * 1024 * 1024,
            "the largest accepted job payload, in bytes of its JSON text");
    Duration reconnectMin =
        env.duration(
            "KILLBOARD_REDIS_RECONNECT_MIN",
            Duration.ofMillis(100),
            Duration.ofMillis(1),
            Duration.ofMinutes(1),
            "the first delay before reconnecting to Redis");
    Duration reconnectMax =
        env.duration(
            "KILLBOARD_REDIS_RECONNECT_MAX",
            Duration.ofSeconds(10),
            Duration.ofMillis(1),
            Duration.ofMinutes(10),
            "the longest reconnect delay");
    ordered(
        env,
        "KILLBOARD_REDIS_RECONNECT_MIN",
        reconnectMin,
        "KILLBOARD_REDIS_RECONNECT_MAX",
        reconnectMax,
        "minimum");
    Duration connect =
        env.duration(
            "KILLBOARD_REDIS_CONNECT_TIMEOUT",
            Duration.ofSeconds(5),
            Duration.ofMillis(10),
            Duration.ofMinutes(5),
            "the TCP connect timeout towards Redis");
    Duration command =
        env.duration(
            "KILLBOARD_REDIS_COMMAND_TIMEOUT",
            Duration.ofSeconds(10),
            Duration.ofMillis(10),
            Duration.ofMinutes(5),
            "how long one Redis command may take");
    return new QueueSettings(
        url,
        group,
        visibility,
        attempts,
        backoffBase,
        backoffMax,
        block,
        heartbeat,
        payload,
        reconnectMin,
        reconnectMax,
        connect,
        command);
  }

  /**
   * The defaults (Redis on 127.0.0.1:6379, 60 s visibility timeout, 5 attempts, 1 s..5 min
   * backoff).
   */
  public static QueueSettings defaults() {
    return fromEnvironment(Map.of());
  }

  /** Reads {@code env} and fails with every problem at once. */
  public static QueueSettings fromEnvironment(Map<String, String> env) {
    return Env.read(env, QueueSettings::from);
  }

  /** The Redis URL with any password replaced by {@code ***}, safe to log. */
  public String redisUrlForLogs() {
    return maskPassword(redisUrl);
  }

  @Override
  public String toString() {
    return "QueueSettings{redisUrl="
        + redisUrlForLogs()
        + ", group="
        + consumerGroup
        + ", visibilityTimeout="
        + visibilityTimeout
        + ", maxAttempts="
        + maxAttempts
        + ", backoff="
        + backoffBase
        + ".."
        + backoffMax
        + ", blockTimeout="
        + blockTimeout
        + ", heartbeatInterval="
        + heartbeatInterval
        + ", reconnect="
        + reconnectMin
        + ".."
        + reconnectMax
        + "}";
  }

  static String maskPassword(String url) {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return url;
    }
    String userInfo = url.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    return url.substring(0, scheme + 3)
        + (colon < 0 ? "***" : userInfo.substring(0, colon) + ":***")
        + url.substring(at);
  }

  private static void ordered(
      Env env, String lowName, Duration low, String highName, Duration high, String lowWord) {
    if (high.compareTo(low) < 0) {
      env.problem(
          highName
              + "="
              + Env.human(high)
              + " is below "
              + lowName
              + "="
              + Env.human(low)
              + ": raise the maximum or lower the "
              + lowWord);
    }
  }

  private static String urlProblem(String url) {
    try {
      URI uri = new URI(url);
      if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
        return "has scheme '" + uri.getScheme() + "'";
      } else if (uri.getHost() == null) {
        return "has no host";
      } else if (uri.getPort() == 0 || uri.getPort() > 65535) {
        return "has port " + uri.getPort();
      }
      String path = uri.getPath();
      return path == null || path.isEmpty() || path.equals("/") || path.matches("/\\d{1,2}")
          ? null
          : "selects database '" + path.substring(1) + "', which is not a database number";
    } catch (URISyntaxException e) {
      return "is not a URL (" + e.getReason() + ")";
    }
  }
}
