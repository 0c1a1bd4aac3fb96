package dev.killboard.budget;

import dev.killboard.config.ConfigurationException;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The connection budget: how many physical connections the cluster may hold in all, split into classes.
 * Defaults fit a 22-slot managed PostgreSQL: api=5 + worker=16 = 21, one slot left for monitoring.
 */
public final class BudgetSettings {
  /** The server's usable slots on the 1 GiB plan (25 - 3 superuser-reserved) minus one for monitoring. */
  public static final int DEFAULT_TOTAL = 21;

  private final DatabaseSettings database;
  private final int total;
  private final Map<String, Integer> classes;
  private final int monitoringReserve;
  private final RoleLimitPolicy roleLimitPolicy;
  private final PoolProfile apiProfile;
  private final PoolProfile workerProfile;

  private BudgetSettings(DatabaseSettings database, int total, Map<String, Integer> classes, int monitoringReserve,
      RoleLimitPolicy roleLimitPolicy, PoolProfile apiProfile, PoolProfile workerProfile) {
    this.database = database;
    this.total = total;
    this.classes = Collections.unmodifiableMap(new LinkedHashMap<>(classes));
    this.monitoringReserve = monitoringReserve;
    this.roleLimitPolicy = roleLimitPolicy;
    this.apiProfile = apiProfile;
    this.workerProfile = workerProfile;
  }

  /** The defaults (api=5, worker=16, total 21, reserve 1, warn on role limit) for the given database. */
  public static BudgetSettings defaults(DatabaseSettings database) {
    Map<String, Integer> classes = new LinkedHashMap<>();
    classes.put(PoolProfile.API_CLASS, 5);
    classes.put(PoolProfile.WORKER_CLASS, 16);
    return new BudgetSettings(database, DEFAULT_TOTAL, classes, 1, RoleLimitPolicy.WARN, PoolProfile.api(), PoolProfile.worker());
  }

  /**
   * Reads the database settings and KILLBOARD_BUDGET_TOTAL, KILLBOARD_BUDGET_CLASSES ("api=5,worker=16"),
   * KILLBOARD_BUDGET_MONITORING_RESERVE, KILLBOARD_BUDGET_ROLE_LIMIT_CHECK (warn|fail|off) and the pool overrides
   * KILLBOARD_POOL_{API,WORKER}_{MAX,MIN,IDLE_TIMEOUT_SECONDS,CONNECT_TIMEOUT_SECONDS,MAX_LIFETIME_SECONDS}; validates them.
   */
  public static BudgetSettings fromEnv(Map<String, String> env) {
    BudgetSettings d = defaults(DatabaseSettings.fromEnv(env));
    int total = EnvValues.intValue(env, "KILLBOARD_BUDGET_TOTAL", d.total);
    Map<String, Integer> classes = d.classes;
    String rawClasses = env.get("KILLBOARD_BUDGET_CLASSES");
    if (rawClasses != null && !rawClasses.isBlank()) {
      classes = parseClasses(rawClasses);
    }
    int reserve = EnvValues.intValue(env, "KILLBOARD_BUDGET_MONITORING_RESERVE", d.monitoringReserve);
    String policy = env.getOrDefault("KILLBOARD_BUDGET_ROLE_LIMIT_CHECK", "warn").trim().toUpperCase(Locale.ROOT);
    RoleLimitPolicy roleLimit;
    try {
      roleLimit = RoleLimitPolicy.valueOf(policy);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("KILLBOARD_BUDGET_ROLE_LIMIT_CHECK='" + env.get("KILLBOARD_BUDGET_ROLE_LIMIT_CHECK")
          + "' must be warn, fail or off.");
    }
    return new BudgetSettings(d.database, total, classes, reserve, roleLimit,
        profileFromEnv(env, "API", d.apiProfile), profileFromEnv(env, "WORKER", d.workerProfile)).validate();
  }

  private static PoolProfile profileFromEnv(Map<String, String> env, String key, PoolProfile base) {
    String p = "KILLBOARD_POOL_" + key + "_";
    return base
        .withMaxSize(EnvValues.intValue(env, p + "MAX", base.maxSize()))
        .withMinSize(EnvValues.intValue(env, p + "MIN", base.minSize()))
        .withIdleTimeout(Duration.ofSeconds(EnvValues.intValue(env, p + "IDLE_TIMEOUT_SECONDS", (int) base.idleTimeout().toSeconds())))
        .withConnectionTimeout(Duration.ofSeconds(EnvValues.intValue(env, p + "CONNECT_TIMEOUT_SECONDS",
            (int) base.connectionTimeout().toSeconds())))
        .withMaxLifetime(Duration.ofSeconds(EnvValues.intValue(env, p + "MAX_LIFETIME_SECONDS", (int) base.maxLifetime().toSeconds())))
        .withPipelined(EnvValues.booleanValue(env, p + "PIPELINED", base.pipelined()));
  }

  static Map<String, Integer> parseClasses(String raw) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String part : raw.split(",")) {
      String item = part.trim();
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new ConfigurationException("KILLBOARD_BUDGET_CLASSES entry '" + item + "' must look like name=permits, e.g. api=5,worker=16.");
      }
      String name = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (!name.matches("[a-z][a-z0-9_-]*")) {
        throw new ConfigurationException("KILLBOARD_BUDGET_CLASSES class name '" + name + "' must be lower-case letters, digits, '-' or '_'.");
      }
      try {
        out.put(name, Integer.parseInt(item.substring(eq + 1).trim()));
      } catch (NumberFormatException e) {
        throw new ConfigurationException("KILLBOARD_BUDGET_CLASSES entry '" + item + "': permits must be a whole number.");
      }
    }
    return out;
  }

  /** Checks the arithmetic that needs no server: classes are positive and sum to at most the total. */
  public BudgetSettings validate() {
    if (total < 1) {
      throw new ConfigurationException("KILLBOARD_BUDGET_TOTAL=" + total + " must be at least 1.");
    }
    if (monitoringReserve < 0) {
      throw new ConfigurationException("KILLBOARD_BUDGET_MONITORING_RESERVE=" + monitoringReserve + " must be 0 or more.");
    }
    if (classes.isEmpty()) {
      throw new ConfigurationException("KILLBOARD_BUDGET_CLASSES defines no class; use e.g. api=5,worker=16.");
    }
    classes.forEach((name, permits) -> {
      if (permits < 1) {
        throw new ConfigurationException("KILLBOARD_BUDGET_CLASSES gives class '" + name + "' " + permits + " permits; each class needs at least 1.");
      }
    });
    int sum = classes.values().stream().mapToInt(Integer::intValue).sum();
    if (sum > total) {
      throw new ConfigurationException("KILLBOARD_BUDGET_CLASSES sums to " + sum + " (" + describeClasses()
          + ") but KILLBOARD_BUDGET_TOTAL is " + total + "; lower a class or raise the total (never above the server's usable slots).");
    }
    apiProfile.validate(this);
    workerProfile.validate(this);
    return this;
  }

  public String describeClasses() {
    return classes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }

  public DatabaseSettings database() { return database; }
  public int total() { return total; }
  public Map<String, Integer> classes() { return classes; }
  public int monitoringReserve() { return monitoringReserve; }
  public RoleLimitPolicy roleLimitPolicy() { return roleLimitPolicy; }
  public PoolProfile apiProfile() { return apiProfile; }
  public PoolProfile workerProfile() { return workerProfile; }

  public BudgetSettings withDatabase(DatabaseSettings db) {
    return new BudgetSettings(db, total, classes, monitoringReserve, roleLimitPolicy, apiProfile, workerProfile);
  }

  public BudgetSettings withTotal(int t) {
    return new BudgetSettings(database, t, classes, monitoringReserve, roleLimitPolicy, apiProfile, workerProfile);
  }

  public BudgetSettings withClasses(Map<String, Integer> c) {
    return new BudgetSettings(database, total, c, monitoringReserve, roleLimitPolicy, apiProfile, workerProfile);
  }

  public BudgetSettings withMonitoringReserve(int r) {
    return new BudgetSettings(database, total, classes, r, roleLimitPolicy, apiProfile, workerProfile);
  }

  public BudgetSettings withRoleLimitPolicy(RoleLimitPolicy p) {
    return new BudgetSettings(database, total, classes, monitoringReserve, p, apiProfile, workerProfile);
  }

  public BudgetSettings withApiProfile(PoolProfile p) {
    return new BudgetSettings(database, total, classes, monitoringReserve, roleLimitPolicy, p, workerProfile);
  }

  public BudgetSettings withWorkerProfile(PoolProfile p) {
    return new BudgetSettings(database, total, classes, monitoringReserve, roleLimitPolicy, apiProfile, p);
  }

  @Override
  public String toString() {
    return "budget total=" + total + " (" + describeClasses() + "), monitoring reserve=" + monitoringReserve + ", db " + database;
  }
}
