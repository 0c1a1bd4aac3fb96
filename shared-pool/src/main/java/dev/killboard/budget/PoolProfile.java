package dev.killboard.budget;

import dev.killboard.config.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * How one kind of pool behaves: its budget class, its size, its timeouts and whether it pipelines
 * statements.
 *
 * <p>A pipelined pool sends statements on a connection without waiting for the answers before
 * (vertx-pg-client's pipelining): five connections then carry any number of concurrent single
 * statements, with fewer round trips and wake-ups on both sides. Its connections are shared between
 * statements, so it offers no exclusive connection: {@code getConnection} and {@code
 * withTransaction} fail on it. The API (single statements only) pipelines; workers (a transaction
 * per job) do not.
 */
public record PoolProfile(
    String label,
    String budgetClass,
    int maxSize,
    int minSize,
    Duration idleTimeout,
    Duration connectionTimeout,
    Duration maxLifetime,
    boolean pipelined) {

  /** Budget class of the API process. */
  public static final String API_CLASS = "api";

  /** Budget class of worker verticle instances. */
  public static final String WORKER_CLASS = "worker";

  /** A profile that does not pipeline. */
  public PoolProfile(
      String label,
      String budgetClass,
      int maxSize,
      int minSize,
      Duration idleTimeout,
      Duration connectionTimeout,
      Duration maxLifetime) {
    this(label, budgetClass, maxSize, minSize, idleTimeout, connectionTimeout, maxLifetime, false);
  }

  public PoolProfile {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(budgetClass, "budgetClass");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(connectionTimeout, "connectionTimeout");
    Objects.requireNonNull(maxLifetime, "maxLifetime");
  }

  /**
   * The API profile: max 5, one connection kept warm, idle timeout 30 s, connection timeout 10 s,
   * pipelined.
   */
  public static PoolProfile api() {
    return new PoolProfile(
        "API",
        API_CLASS,
        5,
        1,
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        Duration.ofMinutes(30),
        true);
  }

  /**
   * The worker profile (max lifetime 60 s): max 2, nothing kept warm, idle timeout 10 s, connection
   * timeout 10 s.
   */
  public static PoolProfile worker() {
    // A connection lives at most a minute: under a shortage a busy pool never goes idle, so without
    // a lifetime the instances that came first would keep every permit and later ones would never
    // get one. At the end of its life a connection's permit goes back, and the next connect queues
    // behind the waiting instances (FIFO): permits rotate.
    return new PoolProfile(
        "Worker",
        WORKER_CLASS,
        2,
        0,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60));
  }

  public PoolProfile withMinSize(int min) {
    return new PoolProfile(
        label, budgetClass, maxSize, min, idleTimeout, connectionTimeout, maxLifetime, pipelined);
  }

  public PoolProfile withIdleTimeout(Duration idle) {
    return new PoolProfile(
        label, budgetClass, maxSize, minSize, idle, connectionTimeout, maxLifetime, pipelined);
  }

  public PoolProfile withConnectionTimeout(Duration timeout) {
    return new PoolProfile(
        label, budgetClass, maxSize, minSize, idleTimeout, timeout, maxLifetime, pipelined);
  }

  /**
   * Checks the profile against the budget it will draw from; throws {@link ConfigurationException}
   * naming what to change.
   */
  public PoolProfile validate(BudgetSettings budget) {
    Integer permits = budget.classes().get(budgetClass);
    if (permits == null) {
      throw new ConfigurationException(
          "Pool profile "
              + label
              + " uses budget class '"
              + budgetClass
              + "', which is not configured; known classes are "
              + budget.classes().keySet()
              + ". Set KILLBOARD_BUDGET_CLASSES to include it or use one of the known classes.");
    }
    if (maxSize < 1) {
      throw new ConfigurationException(
          label + " pool max size is " + maxSize + "; it must be at least 1.");
    }
    if (maxSize > permits) {
      throw new ConfigurationException(
          label
              + " pool max size "
              + maxSize
              + " exceeds its budget class '"
              + budgetClass
              + "' of "
              + permits
              + " permits; lower the pool size or raise the class.");
    }
    if (minSize < 0 || minSize > maxSize) {
      throw new ConfigurationException(
          label
              + " pool min size is "
              + minSize
              + "; it must be between 0 and the max size "
              + maxSize
              + ".");
    }
    if (connectionTimeout.isZero() || connectionTimeout.isNegative()) {
      throw new ConfigurationException(
          label + " pool connection timeout must be positive (got " + connectionTimeout + ").");
    }
    if (idleTimeout.isNegative() || (minSize == 0 && idleTimeout.isZero())) {
      throw new ConfigurationException(
          label
              + " pool idle timeout must be positive when min size is 0, or idle connections would keep their permits forever.");
    }
    return this;
  }
}
