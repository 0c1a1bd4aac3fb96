package dev.killboard.budget.impl;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.RoleLimitPolicy;
import dev.killboard.config.ConfigurationException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the budget against the real server: its usable slots and the application role's CONNECTION
 * LIMIT backstop.
 */
public final class ServerLimits {
  private static final Logger LOG = LoggerFactory.getLogger(ServerLimits.class);

  private static final String QUERY =
      "SELECT current_setting('max_connections')::int AS max_connections,"
          + " current_setting('superuser_reserved_connections')::int AS superuser_reserved,"
          + " COALESCE(current_setting('reserved_connections', true), '0')::int AS reserved,"
          + " r.rolconnlimit AS role_limit, r.rolsuper AS superuser, current_user AS role"
          + " FROM pg_roles r WHERE r.rolname = current_user";

  private final int maxConnections;
  private final int superuserReserved;
  private final int reserved;
  private final int roleLimit;
  private final boolean superuser;
  private final String role;

  private ServerLimits(Row row) {
    this.maxConnections = row.getInteger("max_connections");
    this.superuserReserved = row.getInteger("superuser_reserved");
    this.reserved = row.getInteger("reserved");
    this.roleLimit = row.getInteger("role_limit");
    this.superuser = row.getBoolean("superuser");
    this.role = row.getString("role");
  }

  private ServerLimits(JsonObject json) {
    this.maxConnections = json.getInteger("maxConnections");
    this.superuserReserved = json.getInteger("superuserReserved");
    this.reserved = json.getInteger("reserved");
    this.roleLimit = json.getInteger("roleLimit");
    this.superuser = json.getBoolean("superuser");
    this.role = json.getString("role");
  }

  /**
   * The limits as the cluster records them, so members started later need no connection to check
   * them.
   */
  public JsonObject toJson() {
    return new JsonObject()
        .put("maxConnections", maxConnections)
        .put("superuserReserved", superuserReserved)
        .put("reserved", reserved)
        .put("roleLimit", roleLimit)
        .put("superuser", superuser)
        .put("role", role);
  }

  public static ServerLimits fromJson(JsonObject json) {
    return new ServerLimits(json);
  }

  /** Reads the limits through {@code pool} (one governed connection). */
  public static Future<ServerLimits> read(Pool pool) {
    return pool.query(QUERY).execute().map(rows -> new ServerLimits(rows.iterator().next()));
  }

  /** Slots a non-superuser role can use. */
  public int usableSlots() {
    return maxConnections - superuserReserved - reserved;
  }

  /**
   * Fails when the budget cannot fit the server; warns or fails (per policy) when the role limit
   * does not back it up.
   */
  public void check(BudgetSettings settings) {
    int allowed = usableSlots() - settings.monitoringReserve();
    if (settings.total() > allowed) {
      throw new ConfigurationException(
          "KILLBOARD_BUDGET_TOTAL="
              + settings.total()
              + " does not fit the server: max_connections="
              + maxConnections
              + " - superuser_reserved_connections="
              + superuserReserved
              + (reserved > 0 ? " - reserved_connections=" + reserved : "")
              + " leaves "
              + usableSlots()
              + " slots for role "
              + role
              + ", minus KILLBOARD_BUDGET_MONITORING_RESERVE="
              + settings.monitoringReserve()
              + " = "
              + allowed
              + ". Set KILLBOARD_BUDGET_TOTAL to "
              + allowed
              + " or less (and the classes to fit).");
    }
    LOG.info(
        "Connection budget fits the server: {} of {} usable slots (max_connections={}, superuser_reserved_connections={}{})"
            + " with {} kept free for monitoring",
        settings.total(),
        usableSlots(),
        maxConnections,
        superuserReserved,
        reserved > 0 ? ", reserved_connections=" + reserved : "",
        settings.monitoringReserve());
    if (superuser) {
      LOG.warn(
          "Role {} is a superuser: it can take the reserved slots too and no CONNECTION LIMIT applies to it. Run Killboard"
              + " as a plain LOGIN role.",
          role);
    }
    checkRoleLimit(settings);
  }

  private void checkRoleLimit(BudgetSettings settings) {
    RoleLimitPolicy policy = settings.roleLimitPolicy();
    if (policy == RoleLimitPolicy.OFF) {
      return;
    }
    String problem = null;
    if (roleLimit < 0) {
      problem = "Role " + role + " has no CONNECTION LIMIT";
    } else if (roleLimit > settings.total()) {
      problem =
          "Role "
              + role
              + " has CONNECTION LIMIT "
              + roleLimit
              + ", above the budget of "
              + settings.total();
    }
    if (problem == null) {
      LOG.info("Role {} has CONNECTION LIMIT {}: the server backs the budget up", role, roleLimit);
      return;
    }
    String advice =
        problem
            + "; as a backstop against anything that bypasses the budget, run as an admin: ALTER ROLE \""
            + role
            + "\" CONNECTION LIMIT "
            + settings.total()
            + ";  (KILLBOARD_BUDGET_ROLE_LIMIT_CHECK=warn|fail|off)";
    if (policy == RoleLimitPolicy.FAIL) {
      throw new ConfigurationException(advice);
    }
    LOG.warn(advice);
  }

  public int maxConnections() {
    return maxConnections;
  }

  public int roleLimit() {
    return roleLimit;
  }
}
