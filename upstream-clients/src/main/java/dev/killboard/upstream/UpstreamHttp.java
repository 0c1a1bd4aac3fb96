package dev.killboard.upstream;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side every client shares: one {@link WebClient} with the configured User-Agent, timeouts
 * and gzip support, and the mapping of transport failures (timeouts, refused or dropped
 * connections) to {@link UpstreamRetryable}.
 */
public final class UpstreamHttp implements AutoCloseable {
  private final WebClient client;
  private final long requestTimeoutMs;

  /** A client for these settings. */
  public UpstreamHttp(Vertx vertx, UpstreamSettings settings) {
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setUserAgent(settings.userAgent())
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .setDecompressionSupported(true)
                .setFollowRedirects(false)
                .setKeepAlive(true));
    this.requestTimeoutMs = settings.requestTimeout().toMillis();
  }

  /** A GET with the request timeout applied. */
  public HttpRequest<Buffer> get(String url) {
    return client.getAbs(url).timeout(requestTimeoutMs);
  }

  /** A POST with the request timeout applied. */
  public HttpRequest<Buffer> post(String url) {
    return client.postAbs(url).timeout(requestTimeoutMs);
  }

  /**
   * Sends a request; a failure without an answer becomes an {@link UpstreamRetryable} naming the
   * endpoint.
   */
  public static Future<HttpResponse<Buffer>> send(
      UpstreamService service, String endpoint, Future<HttpResponse<Buffer>> sent) {
    return sent.recover(e -> Future.failedFuture(transportFailure(service, endpoint, e)));
  }

  /** Classifies a failure that left no HTTP answer. */
  public static UpstreamRetryable transportFailure(
      UpstreamService service, String endpoint, Throwable e) {
    if (e instanceof UpstreamRetryable r) {
      return r;
    }
    boolean timeout = e instanceof TimeoutException || e.getCause() instanceof TimeoutException;
    String detail =
        e instanceof HttpClosedException
            ? "connection closed before the answer"
            : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return new UpstreamRetryable(
        service,
        endpoint,
        timeout ? UpstreamRetryable.Reason.TIMEOUT : UpstreamRetryable.Reason.CONNECTION,
        Duration.ZERO,
        detail,
        e);
  }

  @Override
  public void close() {
    client.close();
  }
}
