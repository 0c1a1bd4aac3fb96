package dev.killboard.api.limits;

import dev.killboard.api.config.QueryLimits;
import java.util.Map;

/**
 * The sizes the cost model assumes for the lists that take no page arguments, one line per field
 * (docs/api.md, "Limits" has the table and the reasons). Bounds of the static universe are its real
 * maxima with headroom; lists that grow with the game (members of an alliance, attackers and items
 * of a killmail) take a large but typical size, and the response-size cap bounds the rare larger
 * answer.
 */
final class ListBounds {
  /** {@code Type.field} → the size assumed. */
  static final Map<String, Long> BOUNDS =
      Map.ofEntries(
          // An alliance rarely has more than a few hundred corporations (the largest ones: ~ 300).
          Map.entry("Alliance.corporations", 500L),
          // New Eden: at most ~ 20 constellations per region and ~ 12 systems per constellation
          // (wormhole space included).
          Map.entry("Region.constellations", 40L),
          Map.entry("Constellation.solarSystems", 30L),
          // A typical fight has under 20 attackers and a typical loss under 40 item stacks; blobs
          // are capped by the
          // response size (KILLBOARD_MAX_RESPONSE_BYTES).
          Map.entry("Killmail.attackers", 20L),
          Map.entry("Killmail.items", 40L),
          // Item groups of a category (Module, the largest: ~ 250) and types of a group (the
          // largest: ~ 600).
          Map.entry("Category.groups", 300L),
          Map.entry("ItemGroup.types", 700L),
          // Reference lists: 4 races with their bloodlines (~ 20).
          Map.entry("Query.races", 10L),
          Map.entry("Query.bloodlines", 30L),
          // The job queues of the original and the standalone workers.
          Map.entry("WorkerStatus.queues", 30L),
          Map.entry("WorkerStatus.standaloneWorkers", 10L));

  /** The size assumed for a list missing from the table (a unit test keeps the table complete). */
  static final long UNKNOWN = 100;

  private ListBounds() {}

  /** The size of list {@code field} of {@code type}, given its arguments. */
  static long sizeOf(String type, String field, Map<String, Object> arguments, QueryLimits limits) {
    if (field.equals("snapshots")) {
      // One snapshot per day asked for (default 30).
      return arguments.get("days") instanceof Number days ? Math.max(1, days.longValue()) : 30;
    }
    if (type.equals("Query") && field.equals("users")) {
      // Served at most one page.
      return limits.maxPageSize();
    }
    return BOUNDS.getOrDefault(type + "." + field, UNKNOWN);
  }
}
