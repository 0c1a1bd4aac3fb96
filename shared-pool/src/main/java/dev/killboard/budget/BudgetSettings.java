package dev.killboard.budget;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The connection budget: how many physical connections the cluster may hold in all, split into
 * classes. Defaults fit a 22-slot managed PostgreSQL: api=5 + worker=16 = 21, one slot left for
 * monitoring.
 */
public record BudgetSettings(
    DatabaseSettings database,
    int total,
    Map<String, Integer> classes,
    int monitoringReserve,
    RoleLimitPolicy roleLimitPolicy,
    PoolProfile apiProfile,
    PoolProfile workerProfile) {

  public BudgetSettings {
    classes = Collections.unmodifiableMap(new LinkedHashMap<>(classes));
  }

  /** The defaults (api=5, worker=16, total 21, reserve 1, warn on role limit) for {@code db}. */
  public static BudgetSettings defaults(DatabaseSettings db) {
    Map<String, Integer> classes = new TreeMap<>(Map.of("api", 5, "worker", 16));
    return new BudgetSettings(
        db, 21, classes, 1, RoleLimitPolicy.WARN, PoolProfile.api(), PoolProfile.worker());
  }

  /** Reads the database, the budget and the pool overrides, and {@link #validate}s them. */
  public static BudgetSettings from(Env env) {
    BudgetSettings settings =
        new BudgetSettings(
            DatabaseSettings.from(env),
            env.integer("KILLBOARD_BUDGET_TOTAL", 21, 1, 10_000)
                .about(
                    "physical connections the whole cluster may hold (never above the server's usable slots)"),
            parseClasses(
                env,
                env.list("KILLBOARD_BUDGET_CLASSES", List.of("api=5", "worker=16"))
                    .about("the budget split into classes, name=permits, comma-separated")),
            env.integer("KILLBOARD_BUDGET_MONITORING_RESERVE", 1, 0, 1000)
                .about("server slots left free for monitoring and psql"),
            env.choice("KILLBOARD_BUDGET_ROLE_LIMIT_CHECK", RoleLimitPolicy.WARN)
                .about(
                    "what happens when the application role has no CONNECTION LIMIT at or below the total"),
            profile(env, PoolProfile.api()),
            profile(env, PoolProfile.worker()));
    return env.valid() ? settings.check(env) : settings;
  }

  private static PoolProfile profile(Env env, PoolProfile base) {
    String p = "KILLBOARD_POOL_" + base.label().toUpperCase(Locale.ROOT) + "_";
    String of = " of the " + base.label() + " pools";
    return new PoolProfile(
        base.label(),
        base.budgetClass(),
        env.integer(p + "MAX", base.maxSize(), 1, 1000).about("most connections" + of),
        env.integer(p + "MIN", base.minSize(), 0, 1000).about("connections kept open" + of),
        env.duration(p + "IDLE_TIMEOUT", Env.human(base.idleTimeout()), "0s", "1d")
            .about("an idle connection" + of + " closes after this"),
        env.duration(p + "CONNECT_TIMEOUT", Env.human(base.connectionTimeout()), "1ms", "1h")
            .about("longest wait for a connection" + of),
        env.duration(p + "MAX_LIFETIME", Env.human(base.maxLifetime()), "0s", "1d")
            .about("a connection" + of + " is replaced after this"),
        env.bool(p + "PIPELINED", base.pipelined())
            .about("whether the " + base.label() + " pools pipeline"));
  }

  private static Map<String, Integer> parseClasses(Env env, List<String> items) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String item : items) {
      int eq = item.indexOf('=');
      String name = eq <= 0 ? "" : item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String permits = item.substring(eq + 1).trim();
      if (env.require(
              name.matches("[a-z][a-z0-9_-]*"),
              "KILLBOARD_BUDGET_CLASSES entry '%s' must look like name=permits with a lower-case name of letters, digits, '-' or '_', e.g. api=5,worker=16."
                  .formatted(item))
          && env.require(
              permits.matches("[+-]?\\d{1,9}"),
              "KILLBOARD_BUDGET_CLASSES entry '%s': permits must be a whole number."
                  .formatted(item))) {
        out.put(name, Integer.parseInt(permits));
      }
    }
    return out;
  }

  /** Checks classes and pool profiles; throws ConfigurationException naming what to change. */
  public BudgetSettings validate() {
    return Env.read(Map.of(), this::check);
  }

  private BudgetSettings check(Env env) {
    int sum = classes.values().stream().mapToInt(Integer::intValue).sum();
    env.require(
        !classes.isEmpty(), "KILLBOARD_BUDGET_CLASSES defines no class; use e.g. api=5,worker=16.");
    classes.forEach(
        (name, permits) ->
            env.require(
                permits >= 1,
                "KILLBOARD_BUDGET_CLASSES gives class '%s' %d permits; each class needs at least 1."
                    .formatted(name, permits)));
    env.require(
        sum <= total,
        "KILLBOARD_BUDGET_CLASSES sums to %d (%s) but KILLBOARD_BUDGET_TOTAL is %d; lower a class or raise the total (never above the server's usable slots)."
            .formatted(sum, describeClasses(), total));
    try {
      if (env.valid()) {
        apiProfile.validate(this);
        workerProfile.validate(this);
      }
    } catch (ConfigurationException e) {
      env.problem(e.getMessage());
    }
    return this;
  }

  public String describeClasses() {
    return classes.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /** The same budget for another database (the API's, with its own statement timeout). */
  public BudgetSettings withDatabase(DatabaseSettings db) {
    return new BudgetSettings(
        db, total, classes, monitoringReserve, roleLimitPolicy, apiProfile, workerProfile);
  }
}
