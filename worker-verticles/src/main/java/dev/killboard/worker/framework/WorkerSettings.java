package dev.killboard.worker.framework;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.config.Env;
import dev.killboard.queue.QueueSettings;
import dev.killboard.upstream.UpstreamSettings;

/** What a worker process needs, read together so one start-up message lists every bad setting. */
public record WorkerSettings(
    BudgetSettings budget,
    QueueSettings queue,
    UpstreamSettings upstream,
    int concurrency,
    boolean migrateOnStart) {
  /** Reads every setting a worker process needs. */
  public static WorkerSettings from(Env env) {
    return new WorkerSettings(
        BudgetSettings.from(env),
        QueueSettings.from(env),
        UpstreamSettings.from(env),
        env.integer("KILLBOARD_WORKER_CONCURRENCY", 2, 1, 16)
            .about("jobs one worker instance runs at once; 2 matches its 2-connection pool"),
        env.bool("KILLBOARD_MIGRATE_ON_START", true)
            .about(
                "whether the process brings the schema up to date at start, under Flyway's lock (false: the schema is migrated by other means)"));
  }
}
