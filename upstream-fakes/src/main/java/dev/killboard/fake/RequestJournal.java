package dev.killboard.fake;

import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every request a fake received, with counters per route: what tests assert "was (not) sent"
 * against.
 */
public final class RequestJournal {
  /** The route name of requests no route matched. */
  public static final String UNMATCHED = "unmatched";

  private static final int KEPT = 20_000;

  private final List<RecordedRequest> requests = new ArrayList<>();
  private final Map<String, Integer> counts = new HashMap<>();
  private int total;

  synchronized RecordedRequest record(String route, HttpServerRequest request) {
    Map<String, String> headers = new HashMap<>();
    request
        .headers()
        .forEach(e -> headers.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
    RecordedRequest recorded =
        new RecordedRequest(
            route, request.method().name(), request.uri(), headers, System.nanoTime());
    if (requests.size() == KEPT) {
      // Long demo runs must not grow without bound; counters stay exact.
      requests.subList(0, KEPT / 2).clear();
    }
    requests.add(recorded);
    counts.merge(route, 1, Integer::sum);
    total++;
    return recorded;
  }

  /** Requests received for a route since start or the last {@link #clear()}. */
  public synchronized int count(String route) {
    return counts.getOrDefault(route, 0);
  }

  /** Requests received for every route. */
  public synchronized int total() {
    return total;
  }

  /** The recorded requests of a route, oldest first. */
  public synchronized List<RecordedRequest> of(String route) {
    return requests.stream().filter(r -> r.route().equals(route)).toList();
  }

  /** All recorded requests, oldest first. */
  public synchronized List<RecordedRequest> all() {
    return new ArrayList<>(requests);
  }

  /** The most recent request, or null. */
  public synchronized RecordedRequest last() {
    return requests.isEmpty() ? null : requests.get(requests.size() - 1);
  }

  /** Forgets every request and zeroes the counters. */
  public synchronized void clear() {
    requests.clear();
    counts.clear();
    total = 0;
  }
}
