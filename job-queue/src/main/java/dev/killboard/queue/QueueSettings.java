package dev.killboard.queue;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validated settings of the job queues (Redis location, retry and reclaim timing). Build them with {@link #builder()}
 * or read them from the environment with {@link #fromEnvironment()}; both validate every value and fail with one
 * message that names each bad setting and says what to change.
 */
public final class QueueSettings {

  public static final String ENV_REDIS_URL = "KILLBOARD_REDIS_URL";
  public static final String ENV_GROUP = "KILLBOARD_QUEUE_GROUP";
  public static final String ENV_VISIBILITY_TIMEOUT = "KILLBOARD_QUEUE_VISIBILITY_TIMEOUT";
  public static final String ENV_MAX_ATTEMPTS = "KILLBOARD_QUEUE_MAX_ATTEMPTS";
  public static final String ENV_BACKOFF_BASE = "KILLBOARD_QUEUE_BACKOFF_BASE";
  public static final String ENV_BACKOFF_MAX = "KILLBOARD_QUEUE_BACKOFF_MAX";
  public static final String ENV_BLOCK_TIMEOUT = "KILLBOARD_QUEUE_BLOCK_TIMEOUT";
  public static final String ENV_HEARTBEAT_INTERVAL = "KILLBOARD_QUEUE_HEARTBEAT_INTERVAL";
  public static final String ENV_MAX_PAYLOAD_BYTES = "KILLBOARD_QUEUE_MAX_PAYLOAD_BYTES";
  public static final String ENV_RECONNECT_MIN = "KILLBOARD_REDIS_RECONNECT_MIN";
  public static final String ENV_RECONNECT_MAX = "KILLBOARD_REDIS_RECONNECT_MAX";
  public static final String ENV_CONNECT_TIMEOUT = "KILLBOARD_REDIS_CONNECT_TIMEOUT";
  public static final String ENV_COMMAND_TIMEOUT = "KILLBOARD_REDIS_COMMAND_TIMEOUT";

  public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)");

  private final String redisUrl;
  private final String consumerGroup;
  private final Duration visibilityTimeout;
  private final int maxAttempts;
  private final Duration backoffBase;
  private final Duration backoffMax;
  private final Duration blockTimeout;
  private final Duration heartbeatInterval;
  private final int maxPayloadBytes;
  private final Duration reconnectMin;
  private final Duration reconnectMax;
  private final Duration connectTimeout;
  private final Duration commandTimeout;

  private QueueSettings(Builder b) {
    this.redisUrl = b.redisUrl;
    this.consumerGroup = b.consumerGroup;
    this.visibilityTimeout = b.visibilityTimeout;
    this.maxAttempts = b.maxAttempts;
    this.backoffBase = b.backoffBase;
    this.backoffMax = b.backoffMax;
    this.blockTimeout = b.blockTimeout;
    this.heartbeatInterval = b.heartbeatInterval;
    this.maxPayloadBytes = b.maxPayloadBytes;
    this.reconnectMin = b.reconnectMin;
    this.reconnectMax = b.reconnectMax;
    this.connectTimeout = b.connectTimeout;
    this.commandTimeout = b.commandTimeout;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults (Redis on 127.0.0.1:6379, 60 s visibility timeout, 5 attempts, 1 s..5 min backoff). */
  public static QueueSettings defaults() {
    return builder().build();
  }

  /** Settings from the process environment (unset variables keep their defaults). */
  public static QueueSettings fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Settings from {@code env} (unset or blank variables keep their defaults).
   *
   * @throws IllegalArgumentException listing every unparsable or out-of-range variable
   */
  public static QueueSettings fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    List<String> problems = new ArrayList<>();
    String url = value(env, ENV_REDIS_URL);
    if (url != null) {
      b.redisUrl(url);
    }
    String group = value(env, ENV_GROUP);
    if (group != null) {
      b.consumerGroup(group);
    }
    durationVar(env, ENV_VISIBILITY_TIMEOUT, problems, b::visibilityTimeout);
    intVar(env, ENV_MAX_ATTEMPTS, problems, b::maxAttempts);
    durationVar(env, ENV_BACKOFF_BASE, problems, b::backoffBase);
    durationVar(env, ENV_BACKOFF_MAX, problems, b::backoffMax);
    durationVar(env, ENV_BLOCK_TIMEOUT, problems, b::blockTimeout);
    durationVar(env, ENV_HEARTBEAT_INTERVAL, problems, b::heartbeatInterval);
    intVar(env, ENV_MAX_PAYLOAD_BYTES, problems, b::maxPayloadBytes);
    durationVar(env, ENV_RECONNECT_MIN, problems, b::reconnectMin);
    durationVar(env, ENV_RECONNECT_MAX, problems, b::reconnectMax);
    durationVar(env, ENV_CONNECT_TIMEOUT, problems, b::connectTimeout);
    durationVar(env, ENV_COMMAND_TIMEOUT, problems, b::commandTimeout);
    problems.addAll(b.problems());
    if (!problems.isEmpty()) {
      throw invalid(problems);
    }
    return b.build();
  }

  /**
   * Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or an ISO-8601 duration such as {@code PT30S}.
   *
   * @throws IllegalArgumentException naming {@code setting} when the text is none of these
   */
  public static Duration parseDuration(String setting, String text) {
    String t = text.trim();
    Matcher m = SIMPLE_DURATION.matcher(t.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(n);
        default:
          return Duration.ofHours(n);
      }
    }
    try {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(setting + " '" + text + "' is not a duration: use e.g. 500ms, 30s, 5m, 1h"
        + " or PT30S");
    }
  }

  /** The Redis URL with any password replaced by {@code ***}, safe to log. */
  public String redisUrlForLogs() {
    return maskPassword(redisUrl);
  }

  /** Where Redis is: {@code redis://[user:password@]host:port[/db]} or {@code rediss://} for TLS. */
  public String redisUrl() {
    return redisUrl;
  }

  /** The consumer group every worker of every queue joins. */
  public String consumerGroup() {
    return consumerGroup;
  }

  /** How long a delivered, unacknowledged job may sit before another consumer reclaims it. */
  public Duration visibilityTimeout() {
    return visibilityTimeout;
  }

  /** Attempts before a failing job goes to the dead-letter stream. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Delay before the first retry; doubles per attempt. */
  public Duration backoffBase() {
    return backoffBase;
  }

  /** Upper bound of the retry delay. */
  public Duration backoffMax() {
    return backoffMax;
  }

  /** How long one blocking XREADGROUP waits for new entries. */
  public Duration blockTimeout() {
    return blockTimeout;
  }

  /** How often a consumer announces it is alive (it counts as a consumer for 3 intervals). */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** Largest accepted payload, in bytes of its JSON text. */
  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /** First delay before reconnecting to Redis after it went away. */
  public Duration reconnectMin() {
    return reconnectMin;
  }

  /** Cap of the reconnect delay. */
  public Duration reconnectMax() {
    return reconnectMax;
  }

  /** TCP connect timeout towards Redis. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long one command may take before the connection is considered broken. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  @Override
  public String toString() {
    return "QueueSettings{redisUrl=" + redisUrlForLogs() + ", group=" + consumerGroup
      + ", visibilityTimeout=" + visibilityTimeout + ", maxAttempts=" + maxAttempts
      + ", backoff=" + backoffBase + ".." + backoffMax + ", blockTimeout=" + blockTimeout
      + ", heartbeatInterval=" + heartbeatInterval + ", reconnect=" + reconnectMin + ".." + reconnectMax + "}";
  }

  static String maskPassword(String url) {
    if (url == null) {
      return null;
    }
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return url;
    }
    String userInfo = url.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    String masked = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
    return url.substring(0, scheme + 3) + masked + url.substring(at);
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private interface Setter<T> {
    void set(T value);
  }

  private static void durationVar(Map<String, String> env, String name, List<String> problems, Setter<Duration> setter) {
    String v = value(env, name);
    if (v == null) {
      return;
    }
    try {
      setter.set(parseDuration(name, v));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }

  private static void intVar(Map<String, String> env, String name, List<String> problems, Setter<Integer> setter) {
    String v = value(env, name);
    if (v == null) {
      return;
    }
    try {
      setter.set(Integer.parseInt(v));
    } catch (NumberFormatException e) {
      problems.add(name + " '" + v + "' is not a whole number");
    }
  }

  private static IllegalArgumentException invalid(List<String> problems) {
    return new IllegalArgumentException("Invalid job queue settings:\n  - " + String.join("\n  - ", problems));
  }

  /** Collects settings; {@link #build()} validates them all at once. */
  public static final class Builder {

    private String redisUrl = DEFAULT_REDIS_URL;
    private String consumerGroup = "killboard";
    private Duration visibilityTimeout = Duration.ofSeconds(60);
    private int maxAttempts = 5;
    private Duration backoffBase = Duration.ofSeconds(1);
    private Duration backoffMax = Duration.ofMinutes(5);
    private Duration blockTimeout = Duration.ofSeconds(2);
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private int maxPayloadBytes = 1024 * 1024;
    private Duration reconnectMin = Duration.ofMillis(100);
    private Duration reconnectMax = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration commandTimeout = Duration.ofSeconds(10);

    private Builder() {
    }

    /** See {@link QueueSettings#redisUrl()}; env {@value #ENV_REDIS_URL}. */
    public Builder redisUrl(String v) {
      this.redisUrl = v;
      return this;
    }

    /** See {@link QueueSettings#consumerGroup()}; env {@value #ENV_GROUP}. */
    public Builder consumerGroup(String v) {
      this.consumerGroup = v;
      return this;
    }

    /** See {@link QueueSettings#visibilityTimeout()}; env {@value #ENV_VISIBILITY_TIMEOUT}. */
    public Builder visibilityTimeout(Duration v) {
      this.visibilityTimeout = v;
      return this;
    }

    /** See {@link QueueSettings#maxAttempts()}; env {@value #ENV_MAX_ATTEMPTS}. */
    public Builder maxAttempts(int v) {
      this.maxAttempts = v;
      return this;
    }

    /** See {@link QueueSettings#backoffBase()}; env {@value #ENV_BACKOFF_BASE}. */
    public Builder backoffBase(Duration v) {
      this.backoffBase = v;
      return this;
    }

    /** See {@link QueueSettings#backoffMax()}; env {@value #ENV_BACKOFF_MAX}. */
    public Builder backoffMax(Duration v) {
      this.backoffMax = v;
      return this;
    }

    /** See {@link QueueSettings#blockTimeout()}; env {@value #ENV_BLOCK_TIMEOUT}. */
    public Builder blockTimeout(Duration v) {
      this.blockTimeout = v;
      return this;
    }

    /** See {@link QueueSettings#heartbeatInterval()}; env {@value #ENV_HEARTBEAT_INTERVAL}. */
    public Builder heartbeatInterval(Duration v) {
      this.heartbeatInterval = v;
      return this;
    }

    /** See {@link QueueSettings#maxPayloadBytes()}; env {@value #ENV_MAX_PAYLOAD_BYTES}. */
    public Builder maxPayloadBytes(int v) {
      this.maxPayloadBytes = v;
      return this;
    }

    /** See {@link QueueSettings#reconnectMin()}; env {@value #ENV_RECONNECT_MIN}. */
    public Builder reconnectMin(Duration v) {
      this.reconnectMin = v;
      return this;
    }

    /** See {@link QueueSettings#reconnectMax()}; env {@value #ENV_RECONNECT_MAX}. */
    public Builder reconnectMax(Duration v) {
      this.reconnectMax = v;
      return this;
    }

    /** See {@link QueueSettings#connectTimeout()}; env {@value #ENV_CONNECT_TIMEOUT}. */
    public Builder connectTimeout(Duration v) {
      this.connectTimeout = v;
      return this;
    }

    /** See {@link QueueSettings#commandTimeout()}; env {@value #ENV_COMMAND_TIMEOUT}. */
    public Builder commandTimeout(Duration v) {
      this.commandTimeout = v;
      return this;
    }

    /**
     * Validates and freezes the settings.
     *
     * @throws IllegalArgumentException listing every invalid setting and what to change
     */
    public QueueSettings build() {
      List<String> problems = problems();
      if (!problems.isEmpty()) {
        throw invalid(problems);
      }
      return new QueueSettings(this);
    }

    List<String> problems() {
      List<String> p = new ArrayList<>();
      checkUrl(p);
      if (consumerGroup == null || !GROUP.matcher(consumerGroup).matches()) {
        p.add(ENV_GROUP + " (consumerGroup) '" + consumerGroup + "' is invalid: use 1 to 64 characters from"
          + " A-Z a-z 0-9 _ . -");
      }
      range(p, ENV_VISIBILITY_TIMEOUT, "visibilityTimeout", visibilityTimeout, Duration.ofMillis(100),
        Duration.ofHours(24), "how long a job may run before another consumer takes it over");
      if (maxAttempts < 1 || maxAttempts > 100) {
        p.add(ENV_MAX_ATTEMPTS + " (maxAttempts) must be between 1 and 100 (was " + maxAttempts + "): set how many"
          + " tries a job gets before it is dead-lettered");
      }
      range(p, ENV_BACKOFF_BASE, "backoffBase", backoffBase, Duration.ofMillis(1), Duration.ofHours(1),
        "the delay before the first retry");
      range(p, ENV_BACKOFF_MAX, "backoffMax", backoffMax, Duration.ofMillis(1), Duration.ofHours(24),
        "the longest delay between retries");
      if (backoffBase != null && backoffMax != null && backoffMax.compareTo(backoffBase) < 0) {
        p.add(ENV_BACKOFF_MAX + " (backoffMax) " + backoffMax.toMillis() + "ms is below " + ENV_BACKOFF_BASE
          + " (backoffBase) " + backoffBase.toMillis() + "ms: raise the maximum or lower the base");
      }
      range(p, ENV_BLOCK_TIMEOUT, "blockTimeout", blockTimeout, Duration.ofMillis(10), Duration.ofSeconds(60),
        "how long one blocking read waits");
      range(p, ENV_HEARTBEAT_INTERVAL, "heartbeatInterval", heartbeatInterval, Duration.ofMillis(50),
        Duration.ofSeconds(60), "how often a consumer reports that it is alive");
      if (maxPayloadBytes < 16 || maxPayloadBytes > 64 * 1024 * 1024) {
        p.add(ENV_MAX_PAYLOAD_BYTES + " (maxPayloadBytes) must be between 16 and 67108864 (was " + maxPayloadBytes
          + ")");
      }
      range(p, ENV_RECONNECT_MIN, "reconnectMin", reconnectMin, Duration.ofMillis(1), Duration.ofMinutes(1),
        "the first reconnect delay");
      range(p, ENV_RECONNECT_MAX, "reconnectMax", reconnectMax, Duration.ofMillis(1), Duration.ofMinutes(10),
        "the longest reconnect delay");
      if (reconnectMin != null && reconnectMax != null && reconnectMax.compareTo(reconnectMin) < 0) {
        p.add(ENV_RECONNECT_MAX + " (reconnectMax) " + reconnectMax.toMillis() + "ms is below " + ENV_RECONNECT_MIN
          + " (reconnectMin) " + reconnectMin.toMillis() + "ms: raise the maximum or lower the minimum");
      }
      range(p, ENV_CONNECT_TIMEOUT, "connectTimeout", connectTimeout, Duration.ofMillis(10), Duration.ofMinutes(5),
        "the TCP connect timeout");
      range(p, ENV_COMMAND_TIMEOUT, "commandTimeout", commandTimeout, Duration.ofMillis(10), Duration.ofMinutes(5),
        "how long one Redis command may take");
      return p;
    }

    private void checkUrl(List<String> p) {
      String hint = ": use redis://host:port[/db] (redis://user:password@host:port for ACL users, rediss:// for TLS),"
        + " default " + DEFAULT_REDIS_URL;
      if (redisUrl == null || redisUrl.isBlank()) {
        p.add(ENV_REDIS_URL + " (redisUrl) is empty" + hint);
        return;
      }
      String shown = maskPassword(redisUrl);
      try {
        URI uri = new URI(redisUrl);
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
          p.add(ENV_REDIS_URL + " (redisUrl) '" + shown + "' has scheme '" + scheme + "'" + hint);
          return;
        }
        if (uri.getHost() == null) {
          p.add(ENV_REDIS_URL + " (redisUrl) '" + shown + "' has no host" + hint);
          return;
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
          p.add(ENV_REDIS_URL + " (redisUrl) '" + shown + "' has port " + uri.getPort() + hint);
          return;
        }
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,2}")) {
          p.add(ENV_REDIS_URL + " (redisUrl) '" + shown + "' selects database '" + path.substring(1)
            + "', which is not a database number" + hint);
        }
      } catch (URISyntaxException e) {
        p.add(ENV_REDIS_URL + " (redisUrl) '" + shown + "' is not a URL (" + e.getReason() + ")" + hint);
      }
    }

    private static void range(List<String> p, String env, String field, Duration v, Duration min, Duration max,
                              String meaning) {
      if (v == null) {
        p.add(env + " (" + field + ") is missing: set " + meaning);
      } else if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
        p.add(env + " (" + field + ") must be between " + human(min) + " and " + human(max) + " (was "
          + human(v) + "): set " + meaning);
      }
    }

    private static String human(Duration d) {
      long ms = d.toMillis();
      if (ms % 3_600_000 == 0 && ms != 0) {
        return ms / 3_600_000 + "h";
      }
      if (ms % 60_000 == 0 && ms != 0) {
        return ms / 60_000 + "m";
      }
      if (ms % 1000 == 0 && ms != 0) {
        return ms / 1000 + "s";
      }
      return ms + "ms";
    }
  }
}
