package dev.killboard.api.dataloaders;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Reference data kept across requests for a short time: regions, constellations, systems, types,
 * groups and categories change only on static-data imports or when a worker fills in a type, yet
 * every killmail page asks for them at three or four levels. A batch then queries only the ids not
 * cached; an id that was not found is not remembered (a type filled in later shows at once). Each
 * kind holds at most {@code maxEntries} and starts over when full.
 */
public final class ReferenceCache {
  private record Entry(Object value, long expiresAt) {}

  private final Map<String, Map<Integer, Entry>> kinds = new ConcurrentHashMap<>();
  private final long ttlNanos;
  private final int maxEntries;

  public ReferenceCache(Duration ttl, int maxEntries) {
    if (ttl.isNegative() || ttl.isZero() || maxEntries < 1) {
      throw new IllegalArgumentException("reference cache needs a positive time to live and size");
    }
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
  }

  /**
   * The values of {@code ids}: cached ones at once, the rest through {@code load} (and then
   * cached).
   */
  public Future<Map<Integer, Object>> through(
      String kind, Set<Integer> ids, Function<Set<Integer>, Future<Map<Integer, Object>>> load) {
    Map<Integer, Entry> cache = kinds.computeIfAbsent(kind, k -> new ConcurrentHashMap<>());
    long now = System.nanoTime();
    Map<Integer, Object> out = new HashMap<>(ids.size() * 2);
    Set<Integer> missing = null;
    for (Integer id : ids) {
      Entry e = cache.get(id);
      if (e != null && e.expiresAt - now > 0) {
        out.put(id, e.value);
      } else {
        if (missing == null) {
          missing = new HashSet<>();
        }
        missing.add(id);
      }
    }
    if (missing == null) {
      return Future.succeededFuture(out);
    }
    return load.apply(missing)
        .map(
            found -> {
              if (cache.size() + found.size() > maxEntries) {
                cache.clear();
              }
              long expires = System.nanoTime() + ttlNanos;
              found.forEach(
                  (id, value) -> {
                    if (value != null) {
                      cache.put(id, new Entry(value, expires));
                    }
                  });
              out.putAll(found);
              return out;
            });
  }
}
