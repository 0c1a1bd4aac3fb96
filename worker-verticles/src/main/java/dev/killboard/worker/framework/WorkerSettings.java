package dev.killboard.worker.framework;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.queue.QueueSettings;
import dev.killboard.upstream.UpstreamSettings;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything a worker verticle needs to start: the connection budget, the job queues and the
 * upstream services, read from the environment (optionally overlaid by the verticle config's {@code
 * env} object) and validated together, so one start-up message lists every bad setting.
 *
 * @param budget connection budget and database ({@code KILLBOARD_DB_*}, {@code KILLBOARD_BUDGET_*})
 * @param queue Redis job queues ({@code KILLBOARD_REDIS_*}, {@code KILLBOARD_QUEUE_*})
 * @param upstream ESI, zKillboard, R2Z2 and SSO ({@code KILLBOARD_ESI_*} ...)
 * @param concurrency jobs one worker instance runs at once ({@code KILLBOARD_WORKER_CONCURRENCY},
 *     1-16, default 2: the instance's pool has 2 connections)
 * @param migrateOnStart whether the process brings the schema up to date before its first worker
 *     starts ({@code KILLBOARD_MIGRATE_ON_START}, default {@code true}, as for the API)
 */
public record WorkerSettings(
    BudgetSettings budget,
    QueueSettings queue,
    UpstreamSettings upstream,
    int concurrency,
    boolean migrateOnStart) {
  /** Environment variable: jobs in flight per worker instance. */
  public static final String CONCURRENCY = "KILLBOARD_WORKER_CONCURRENCY";

  /** Environment variable: run the schema migrations at start (shared with the API). */
  public static final String MIGRATE_ON_START = "KILLBOARD_MIGRATE_ON_START";

  /** Reads every setting a worker process needs. */
  public static WorkerSettings from(Env env) {
    return new WorkerSettings(
        BudgetSettings.from(env),
        QueueSettings.from(env),
        UpstreamSettings.from(env),
        env.integer(
            CONCURRENCY,
            2,
            1,
            16,
            "jobs one worker instance runs at once; 2 matches its 2-connection pool"),
        env.bool(
            MIGRATE_ON_START,
            true,
            "whether the process brings the schema up to date at start, under"
                + " Flyway's lock (false: the schema is migrated by other means)"));
  }

  /**
   * Reads and checks every setting from {@code env}; one {@link ConfigurationException} lists each
   * problem.
   */
  public static WorkerSettings fromEnvironment(Map<String, String> env) {
    return Env.read(env, WorkerSettings::from);
  }

  /**
   * The process environment overlaid with the string values of {@code config.env} (used by tests
   * and -conf).
   */
  public static WorkerSettings fromConfig(JsonObject config) {
    return fromEnvironment(environment(config));
  }

  /** The process environment overlaid with the string values of {@code config.env}. */
  public static Map<String, String> environment(JsonObject config) {
    Map<String, String> env = new HashMap<>(System.getenv());
    JsonObject overlay = config == null ? null : config.getJsonObject("env");
    if (overlay != null) {
      overlay.forEach(
          e -> {
            if (e.getValue() == null) {
              env.remove(e.getKey());
            } else {
              env.put(e.getKey(), String.valueOf(e.getValue()));
            }
          });
    }
    return env;
  }
}
