package dev.killboard.budget;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The connection budget: how many physical connections the cluster may hold in all, split into
 * classes, read by {@link #from(Env)}. Defaults fit a 22-slot managed PostgreSQL: api=5 + worker=16
 * = 21, one slot left for monitoring.
 */
public record BudgetSettings(
    DatabaseSettings database,
    int total,
    Map<String, Integer> classes,
    int monitoringReserve,
    RoleLimitPolicy roleLimitPolicy,
    PoolProfile apiProfile,
    PoolProfile workerProfile) {
  /**
   * The server's usable slots on the 1 GiB plan (25 - 3 superuser-reserved) minus one for
   * monitoring.
   */
  public static final int DEFAULT_TOTAL = 21;

  public BudgetSettings {
    classes = Collections.unmodifiableMap(new LinkedHashMap<>(classes));
  }

  /**
   * The defaults (api=5, worker=16, total 21, reserve 1, warn on role limit) for the given
   * database.
   */
  public static BudgetSettings defaults(DatabaseSettings database) {
    return new BudgetSettings(
        database,
        DEFAULT_TOTAL,
        defaultClasses(),
        1,
        RoleLimitPolicy.WARN,
        PoolProfile.api(),
        PoolProfile.worker());
  }

  /**
   * Reads the database, the budget and the pool overrides, and checks the arithmetic that needs no
   * server.
   */
  public static BudgetSettings from(Env env) {
    DatabaseSettings database = DatabaseSettings.from(env);
    int total =
        env.integer(
            "KILLBOARD_BUDGET_TOTAL",
            DEFAULT_TOTAL,
            1,
            10_000,
            "physical connections the whole cluster may hold (never above the server's usable slots)");
    Map<String, Integer> classes =
        parseClasses(
            env,
            env.list(
                "KILLBOARD_BUDGET_CLASSES",
                List.of("api=5", "worker=16"),
                "the budget split into classes, name=permits, comma-separated"));
    int reserve =
        env.integer(
            "KILLBOARD_BUDGET_MONITORING_RESERVE",
            1,
            0,
            1000,
            "server slots left free for monitoring and psql");
    RoleLimitPolicy policy =
        env.choice(
            "KILLBOARD_BUDGET_ROLE_LIMIT_CHECK",
            RoleLimitPolicy.WARN,
            "what happens when the application role has no CONNECTION LIMIT at or below the total");
    BudgetSettings settings =
        new BudgetSettings(
            database,
            total,
            classes,
            reserve,
            policy,
            profile(env, "API", PoolProfile.api()),
            profile(env, "WORKER", PoolProfile.worker()));
    if (env.valid()) {
      try {
        settings.validate();
      } catch (ConfigurationException e) {
        e.problems().forEach(env::problem);
      }
    }
    return settings;
  }

  /** Reads {@code env} and fails with every problem at once. */
  public static BudgetSettings fromEnv(Map<String, String> env) {
    return Env.read(env, BudgetSettings::from);
  }

  private static PoolProfile profile(Env env, String key, PoolProfile base) {
    String p = "KILLBOARD_POOL_" + key + "_";
    String of = " of the " + base.label() + " pools";
    return base.withMaxSize(
            env.integer(p + "MAX", base.maxSize(), 1, 1000, "most connections" + of))
        .withMinSize(env.integer(p + "MIN", base.minSize(), 0, 1000, "connections kept open" + of))
        .withIdleTimeout(
            env.duration(
                p + "IDLE_TIMEOUT",
                base.idleTimeout(),
                Duration.ZERO,
                Duration.ofDays(1),
                "an idle connection" + of + " closes after this"))
        .withConnectionTimeout(
            env.duration(
                p + "CONNECT_TIMEOUT",
                base.connectionTimeout(),
                Duration.ofMillis(1),
                Duration.ofHours(1),
                "longest wait for a connection" + of))
        .withMaxLifetime(
            env.duration(
                p + "MAX_LIFETIME",
                base.maxLifetime(),
                Duration.ZERO,
                Duration.ofDays(1),
                "a connection" + of + " is replaced after this"))
        .withPipelined(
            env.bool(
                p + "PIPELINED",
                base.pipelined(),
                "whether the " + base.label() + " pools pipeline"));
  }

  private static Map<String, Integer> defaultClasses() {
    Map<String, Integer> classes = new LinkedHashMap<>();
    classes.put(PoolProfile.API_CLASS, 5);
    classes.put(PoolProfile.WORKER_CLASS, 16);
    return classes;
  }

  private static Map<String, Integer> parseClasses(Env env, List<String> items) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String item : items) {
      int eq = item.indexOf('=');
      String name = eq <= 0 ? "" : item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (!name.matches("[a-z][a-z0-9_-]*")) {
        env.problem(
            "KILLBOARD_BUDGET_CLASSES entry '"
                + item
                + "' must look like name=permits with a lower-case"
                + " name of letters, digits, '-' or '_', e.g. api=5,worker=16.");
        continue;
      }
      try {
        out.put(name, Integer.parseInt(item.substring(eq + 1).trim()));
      } catch (NumberFormatException e) {
        env.problem(
            "KILLBOARD_BUDGET_CLASSES entry '" + item + "': permits must be a whole number.");
      }
    }
    return out.isEmpty() && !env.valid() ? defaultClasses() : out;
  }

  /**
   * Checks the arithmetic that needs no server: classes are positive and sum to at most the total.
   */
  public BudgetSettings validate() {
    if (classes.isEmpty()) {
      throw new ConfigurationException(
          "KILLBOARD_BUDGET_CLASSES defines no class; use e.g. api=5,worker=16.");
    }
    classes.forEach(
        (name, permits) -> {
          if (permits < 1) {
            throw new ConfigurationException(
                "KILLBOARD_BUDGET_CLASSES gives class '"
                    + name
                    + "' "
                    + permits
                    + " permits; each class needs at least 1.");
          }
        });
    int sum = classes.values().stream().mapToInt(Integer::intValue).sum();
    if (sum > total) {
      throw new ConfigurationException(
          "KILLBOARD_BUDGET_CLASSES sums to "
              + sum
              + " ("
              + describeClasses()
              + ") but KILLBOARD_BUDGET_TOTAL is "
              + total
              + "; lower a class or raise the total (never above the server's"
              + " usable slots).");
    }
    apiProfile.validate(this);
    workerProfile.validate(this);
    return this;
  }

  public String describeClasses() {
    return classes.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  public BudgetSettings withDatabase(DatabaseSettings db) {
    return new BudgetSettings(
        db, total, classes, monitoringReserve, roleLimitPolicy, apiProfile, workerProfile);
  }

  public BudgetSettings withTotal(int t) {
    return new BudgetSettings(
        database, t, classes, monitoringReserve, roleLimitPolicy, apiProfile, workerProfile);
  }

  public BudgetSettings withClasses(Map<String, Integer> c) {
    return new BudgetSettings(
        database, total, c, monitoringReserve, roleLimitPolicy, apiProfile, workerProfile);
  }

  public BudgetSettings withRoleLimitPolicy(RoleLimitPolicy p) {
    return new BudgetSettings(
        database, total, classes, monitoringReserve, p, apiProfile, workerProfile);
  }

  @Override
  public String toString() {
    return "budget total="
        + total
        + " ("
        + describeClasses()
        + "), monitoring reserve="
        + monitoringReserve
        + ", db "
        + database;
  }
}
