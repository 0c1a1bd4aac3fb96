package dev.killboard.upstream.esi;

import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ESI answers by URL, with their ETag and expiry: fresh entries are served without a request; stale
 * ones are revalidated with {@code If-None-Match} (a 304 renews them). Least recently used entries
 * go first. Thread-safe.
 */
final class EsiCache {
  /** One cached answer. */
  record Entry(Buffer body, String etag, Instant expiresAt, int pages) {
    boolean freshAt(Instant now) {
      return expiresAt != null && now.isBefore(expiresAt);
    }
  }

  private final int maxEntries;
  private final Map<String, Entry> entries;
  private long hits;
  private long revalidations;

  EsiCache(int maxEntries) {
    this.maxEntries = maxEntries;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > EsiCache.this.maxEntries;
          }
        };
  }

  synchronized Entry get(String url) {
    return maxEntries == 0 ? null : entries.get(url);
  }

  synchronized void put(String url, Entry entry) {
    if (maxEntries > 0 && (entry.etag() != null || entry.expiresAt() != null)) {
      entries.put(url, entry);
    }
  }

  synchronized void remove(String url) {
    entries.remove(url);
  }

  synchronized void countHit() {
    hits++;
  }

  synchronized void countRevalidation() {
    revalidations++;
  }

  synchronized int size() {
    return entries.size();
  }

  synchronized long hits() {
    return hits;
  }

  synchronized long revalidations() {
    return revalidations;
  }
}
