package dev.killboard.fake;

import java.util.Locale;
import java.util.Map;

/**
 * One request a fake received: its route, URI, headers (lower-case names) and, once answered, the
 * status sent.
 */
public final class RecordedRequest {
  private final String route;
  private final String method;
  private final String uri;
  private final Map<String, String> headers;
  private final long receivedNanos;
  private volatile int status;

  RecordedRequest(
      String route, String method, String uri, Map<String, String> headers, long receivedNanos) {
    this.route = route;
    this.method = method;
    this.uri = uri;
    this.headers = Map.copyOf(headers);
    this.receivedNanos = receivedNanos;
  }

  /** The route name (for example {@code FakeEsi.CHARACTER}), or {@code "unmatched"}. */
  public String route() {
    return route;
  }

  /** The HTTP method. */
  public String method() {
    return method;
  }

  /** Path and query as received. */
  public String uri() {
    return uri;
  }

  /** A request header (case-insensitive name), or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** {@link System#nanoTime()} when the request arrived. */
  public long receivedNanos() {
    return receivedNanos;
  }

  /** The status sent, or 0 while unanswered (or when the connection was dropped). */
  public int status() {
    return status;
  }

  void status(int status) {
    this.status = status;
  }

  @Override
  public String toString() {
    return method + " " + uri + " -> " + status;
  }
}
