package dev.killboard.worker.framework;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.queue.QueueSettings;
import dev.killboard.upstream.UpstreamSettings;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a worker verticle needs to start: the connection budget, the job queues and the upstream services,
 * read from the environment (optionally overlaid by the verticle config's {@code env} object) and validated together,
 * so one start-up message lists every bad setting.
 *
 * @param budget      connection budget and database ({@code KILLBOARD_DB_*}, {@code KILLBOARD_BUDGET_*})
 * @param queue       Redis job queues ({@code KILLBOARD_REDIS_*}, {@code KILLBOARD_QUEUE_*})
 * @param upstream    ESI, zKillboard, R2Z2 and SSO ({@code KILLBOARD_ESI_*} ...)
 * @param concurrency jobs one worker instance runs at once ({@code KILLBOARD_WORKER_CONCURRENCY}, 1-16, default 2:
 *                    the instance's pool has 2 connections)
 * @param migrateOnStart whether the process brings the schema up to date before its first worker starts
 *                    ({@code KILLBOARD_MIGRATE_ON_START}, default {@code true}, as for the API)
 */
public record WorkerSettings(BudgetSettings budget, QueueSettings queue, UpstreamSettings upstream, int concurrency,
    boolean migrateOnStart) {
  /** Environment variable: jobs in flight per worker instance. */
  public static final String CONCURRENCY = "KILLBOARD_WORKER_CONCURRENCY";
  /** Environment variable: run the schema migrations at start (shared with the API). */
  public static final String MIGRATE_ON_START = "KILLBOARD_MIGRATE_ON_START";

  /** Reads and validates every setting from {@code env}; throws {@link WorkerConfigException} listing each problem. */
  public static WorkerSettings fromEnvironment(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    BudgetSettings budget = null;
    QueueSettings queue = null;
    UpstreamSettings upstream = null;
    try {
      budget = BudgetSettings.fromEnv(env).validate();
    } catch (RuntimeException e) {
      problems.add(e.getMessage());
    }
    try {
      queue = QueueSettings.fromEnvironment(env);
    } catch (RuntimeException e) {
      problems.add(e.getMessage());
    }
    try {
      upstream = UpstreamSettings.fromEnvironment(env);
    } catch (RuntimeException e) {
      problems.add(e.getMessage());
    }
    int concurrency = 2;
    String raw = env.get(CONCURRENCY);
    if (raw != null && !raw.isBlank()) {
      try {
        concurrency = Integer.parseInt(raw.trim());
      } catch (NumberFormatException e) {
        concurrency = -1;
      }
      if (concurrency < 1 || concurrency > 16) {
        problems.add(CONCURRENCY + "='" + raw + "' is invalid: set a whole number from 1 to 16 (jobs one worker"
            + " instance runs at once; 2 matches its 2-connection pool), or unset it for 2.");
      }
    }
    boolean migrateOnStart = true;
    String migrate = env.get(MIGRATE_ON_START);
    if (migrate != null && !migrate.isBlank()) {
      switch (migrate.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "true" -> migrateOnStart = true;
        case "false" -> migrateOnStart = false;
        default -> problems.add(MIGRATE_ON_START + "='" + migrate + "' is invalid: set true (the default: bring the"
            + " schema up to date at start, under Flyway's lock) or false (the schema is migrated by other means).");
      }
    }
    if (!problems.isEmpty()) {
      throw new WorkerConfigException("Killboard worker cannot start, invalid configuration:\n  - "
          + String.join("\n  - ", problems));
    }
    return new WorkerSettings(budget, queue, upstream, concurrency, migrateOnStart);
  }

  /** The process environment overlaid with the string values of {@code config.env} (used by tests and -conf). */
  public static WorkerSettings fromConfig(JsonObject config) {
    return fromEnvironment(environment(config));
  }

  /** The process environment overlaid with the string values of {@code config.env}. */
  public static Map<String, String> environment(JsonObject config) {
    Map<String, String> env = new HashMap<>(System.getenv());
    JsonObject overlay = config == null ? null : config.getJsonObject("env");
    if (overlay != null) {
      overlay.forEach(e -> {
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
