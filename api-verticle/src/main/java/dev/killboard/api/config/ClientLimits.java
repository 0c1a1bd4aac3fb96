package dev.killboard.api.config;

import dev.killboard.config.Env;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one client may do: spend query cost from a leaky bucket (per signed-in character, else per
 * address), call EVE SSO, run admin mutations (crawls, every user record), read public metrics.
 */
public record ClientLimits(
    long rateCapacity,
    long rateLeakPerSecond,
    int ssoCallsPerMinute,
    Set<Integer> adminCharacterIds,
    boolean publicMetrics) {
  public static final long DEFAULT_RATE_CAPACITY = 1_000_000;

  public boolean isAdmin(int characterId) {
    return adminCharacterIds.contains(characterId);
  }

  static ClientLimits from(Env env, QueryLimits limits) {
    long capacity =
        env.longValue("KILLBOARD_RATE_LIMIT_CAPACITY", DEFAULT_RATE_CAPACITY, 1, Integer.MAX_VALUE)
            .about("the query cost a client may spend at once (its leaky bucket's size)");
    env.require(
        capacity >= limits.maxComplexity(),
        "KILLBOARD_RATE_LIMIT_CAPACITY=%d is smaller than KILLBOARD_MAX_QUERY_COMPLEXITY=%d; a query the API allows could never run. Raise the capacity (default %d)."
            .formatted(capacity, limits.maxComplexity(), DEFAULT_RATE_CAPACITY));
    return new ClientLimits(
        capacity,
        env.longValue("KILLBOARD_RATE_LIMIT_PER_SECOND", 20_000, 1, Integer.MAX_VALUE)
            .about("the query cost a client's bucket drains per second"),
        env.integer("KILLBOARD_SSO_CALLS_PER_MINUTE", 5, 1, 100_000)
            .about("sign-in and token-refresh calls per client address and minute"),
        env
            .list("KILLBOARD_ADMIN_CHARACTER_IDS", List.of())
            .about("EVE character ids allowed to start crawls and read every user (empty: nobody)")
            .stream()
            .filter(
                id ->
                    env.require(
                        id.matches("[1-9][0-9]{0,9}") && Long.parseLong(id) <= Integer.MAX_VALUE,
                        "KILLBOARD_ADMIN_CHARACTER_IDS contains '%s', which is not an EVE character id; use comma-separated positive numbers such as 2112625428,95465499 (empty: nobody is an admin)."
                            .formatted(id)))
            .map(Integer::valueOf)
            .collect(Collectors.toUnmodifiableSet()),
        env.bool("KILLBOARD_PUBLIC_METRICS_ENABLED", false)
            .about("whether GET /metrics is also served on the public port"));
  }
}
