package dev.killboard.cli.topology;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.DatabaseSettings;
import dev.killboard.budget.impl.ServerLimits;
import dev.killboard.schema.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The optional server check of {@code topology validate}: reads the server's limits (shared-pool's
 * {@link ServerLimits}) over one plain connection, outside the budget, and checks the budget fits
 * them. A server that does not answer in time is skipped with a note: validation must work on a
 * laptop without the database.
 */
final class ServerLimitsProbe {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private ServerLimitsProbe() {}

  /**
   * Findings about {@code budget} on the server of {@code env}; none but a note when no database
   * URL is set.
   */
  static TopologyCheck.Findings probe(Map<String, String> env, BudgetSettings budget) {
    if (isBlank(env.get(DatabaseUrl.URL)) && isBlank(env.get(DatabaseUrl.FALLBACK_URL))) {
      return note(
          "server limits not checked: neither KILLBOARD_DB_URL nor DATABASE_URL is set in the file or the environment");
    }
    DatabaseSettings db = budget.database();
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool =
          PgBuilder.pool()
              .connectingTo(db.connectOptions("killboard-topology-validate"))
              .with(new PoolOptions().setMaxSize(1))
              .using(vertx)
              .build();
      ServerLimits limits =
          ServerLimits.read(pool).await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return judge(limits, budget, db);
    } catch (Exception e) {
      // Never the URL: it may hold the password.
      return note(
          "server limits not checked: PostgreSQL at "
              + db.host()
              + ":"
              + db.port()
              + " did not answer within "
              + TIMEOUT.toSeconds()
              + " s ("
              + e.getClass().getSimpleName()
              + ")");
    } finally {
      // Nothing to wait for: the command exits after validating.
      vertx.close();
    }
  }

  static TopologyCheck.Findings judge(
      ServerLimits limits, BudgetSettings budget, DatabaseSettings db) {
    JsonObject server = limits.toJson();
    String role = server.getString("role");
    int allowed = limits.usableSlots() - budget.monitoringReserve();
    String where = "server " + db.host() + ":" + db.port() + ": ";
    String numbers =
        "max_connections="
            + limits.maxConnections()
            + " - superuser_reserved_connections="
            + server.getInteger("superuserReserved")
            + (server.getInteger("reserved") > 0
                ? " - reserved_connections=" + server.getInteger("reserved")
                : "")
            + " = "
            + limits.usableSlots()
            + " slots for role "
            + role
            + ", minus KILLBOARD_BUDGET_MONITORING_RESERVE="
            + budget.monitoringReserve()
            + " = "
            + allowed;
    if (budget.total() > allowed) {
      return new TopologyCheck.Findings(
          List.of(
              where
                  + "KILLBOARD_BUDGET_TOTAL="
                  + budget.total()
                  + " does not fit: "
                  + numbers
                  + ". Set KILLBOARD_BUDGET_TOTAL to "
                  + allowed
                  + " or less"),
          List.of(),
          List.of());
    }
    String fits = where + "the budget of " + budget.total() + " fits: " + numbers;
    int roleLimit = limits.roleLimit();
    if (roleLimit < 0 || roleLimit > budget.total()) {
      return new TopologyCheck.Findings(
          List.of(),
          List.of(
              where
                  + "role "
                  + role
                  + (roleLimit < 0
                      ? " has no CONNECTION LIMIT"
                      : " has CONNECTION LIMIT " + roleLimit + ", above the budget")
                  + "; as a backstop run as an admin: ALTER ROLE \""
                  + role
                  + "\" CONNECTION LIMIT "
                  + budget.total()
                  + ";"),
          List.of(fits));
    }
    return note(fits + "; role " + role + " has CONNECTION LIMIT " + roleLimit);
  }

  private static TopologyCheck.Findings note(String text) {
    return new TopologyCheck.Findings(List.of(), List.of(), List.of(text));
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
