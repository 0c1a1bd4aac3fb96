package dev.killboard.api.config;

import dev.killboard.config.Env;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one client may do: the cost-based rate limit (a leaky bucket per signed-in character, else
 * per address), the EVE SSO calls per minute per address, the admin characters (crawl mutations,
 * every user record) and whether {@code /metrics} is served on the public port.
 *
 * @param rateCapacity the cost a client may spend at once (the bucket's size)
 * @param rateLeakPerSecond the cost a client's bucket drains per second (what it may spend over
 *     time)
 * @param ssoCallsPerMinute sign-in and token-refresh calls (each one call to EVE SSO) per client
 *     address and minute
 * @param adminCharacterIds EVE character ids allowed to start crawls and read every user; empty:
 *     nobody
 * @param publicMetrics whether {@code GET /metrics} is served on the public port (the management
 *     port always serves it)
 */
public record ClientLimits(
    long rateCapacity,
    long rateLeakPerSecond,
    int ssoCallsPerMinute,
    Set<Integer> adminCharacterIds,
    boolean publicMetrics) {

  /**
   * Defaults: capacity 1,000,000, drain 20,000 per second, 5 SSO calls per minute, no admin,
   * metrics not public.
   */
  public static final long DEFAULT_RATE_CAPACITY = 1_000_000;

  public static final long DEFAULT_RATE_LEAK_PER_SECOND = 20_000;
  public static final int DEFAULT_SSO_CALLS_PER_MINUTE = 5;

  public ClientLimits {
    adminCharacterIds = Set.copyOf(adminCharacterIds);
  }

  /** Whether {@code characterId} is an admin. */
  public boolean isAdmin(int characterId) {
    return adminCharacterIds.contains(characterId);
  }

  static ClientLimits from(Env env, QueryLimits limits) {
    long capacity =
        env.longValue(
            "KILLBOARD_RATE_LIMIT_CAPACITY",
            DEFAULT_RATE_CAPACITY,
            1,
            Integer.MAX_VALUE,
            "the query cost a client may spend at once (its leaky bucket's size)");
    if (capacity < limits.maxComplexity()) {
      env.problem(
          "KILLBOARD_RATE_LIMIT_CAPACITY="
              + capacity
              + " is smaller than KILLBOARD_MAX_QUERY_COMPLEXITY="
              + limits.maxComplexity()
              + "; a query the API allows could never run. Raise the capacity (default "
              + DEFAULT_RATE_CAPACITY
              + ").");
    }
    long leak =
        env.longValue(
            "KILLBOARD_RATE_LIMIT_PER_SECOND",
            DEFAULT_RATE_LEAK_PER_SECOND,
            1,
            Integer.MAX_VALUE,
            "the query cost a client's bucket drains per second");
    int sso =
        env.integer(
            "KILLBOARD_SSO_CALLS_PER_MINUTE",
            DEFAULT_SSO_CALLS_PER_MINUTE,
            1,
            100_000,
            "sign-in and token-refresh calls per client address and minute");
    Set<Integer> admins = new LinkedHashSet<>();
    for (String id :
        env.list(
            "KILLBOARD_ADMIN_CHARACTER_IDS",
            List.of(),
            "EVE character ids allowed to start crawls and read every user (empty: nobody)")) {
      if (!id.matches("[1-9][0-9]{0,9}") || Long.parseLong(id) > Integer.MAX_VALUE) {
        env.problem(
            "KILLBOARD_ADMIN_CHARACTER_IDS contains '"
                + id
                + "', which is not an EVE character id; use"
                + " comma-separated positive numbers such as 2112625428,95465499 (empty: nobody is an admin).");
      } else {
        admins.add(Integer.parseInt(id));
      }
    }
    return new ClientLimits(
        capacity,
        leak,
        sso,
        admins,
        env.bool(
            "KILLBOARD_PUBLIC_METRICS_ENABLED",
            false,
            "whether GET /metrics is also served on the public port"));
  }

  @Override
  public String toString() {
    return "clients(rate="
        + rateCapacity
        + "/"
        + rateLeakPerSecond
        + "s, sso="
        + ssoCallsPerMinute
        + "/min, admins="
        + adminCharacterIds.size()
        + ", publicMetrics="
        + publicMetrics
        + ")";
  }
}
