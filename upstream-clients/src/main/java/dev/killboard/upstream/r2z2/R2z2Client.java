package dev.killboard.upstream.r2z2;

import dev.killboard.contracts.EsiKillmail;
import dev.killboard.contracts.Zkb;
import dev.killboard.upstream.JsonShape;
import dev.killboard.upstream.RequestPacer;
import dev.killboard.upstream.StatusOutcome;
import dev.killboard.upstream.UpstreamHttp;
import dev.killboard.upstream.UpstreamRetryable;
import dev.killboard.upstream.UpstreamService;
import dev.killboard.upstream.UpstreamSettings;
import dev.killboard.upstream.esi.EsiShapes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * zKillboard's R2Z2 live feed: {@link #currentSequence()} reads {@code sequence.json}; {@link
 * #fetch(long)} reads {@code {N}.json}, empty when N is not published yet (404). Requests are paced
 * below the feed's ban threshold; a 403 (ban) is retryable after an hour unless the feed says
 * otherwise.
 */
public final class R2z2Client implements AutoCloseable {
  private static final Duration BAN_WAIT = Duration.ofHours(1);

  private final UpstreamSettings settings;
  private final UpstreamHttp http;
  private final RequestPacer pacer;

  /** A client pacing itself at {@link UpstreamSettings#r2z2RequestsPerSecond()}. */
  public R2z2Client(Vertx vertx, UpstreamSettings settings) {
    this.settings = settings;
    this.http = new UpstreamHttp(vertx, settings);
    this.pacer = new RequestPacer(vertx, settings.r2z2RequestsPerSecond());
  }

  /** The sequence {@code sequence.json} reports (it may lag behind the newest published one). */
  public Future<Long> currentSequence() {
    String url = settings.r2z2BaseUrl() + "/sequence.json";
    JsonShape shape = new JsonShape(UpstreamService.R2Z2, url);
    return get(url)
        .compose(
            response ->
                response.statusCode() == 200
                    ? Future.succeededFuture(
                        shape.id(shape.object(response.body()), "", "sequence"))
                    : Future.failedFuture(failure(url, response)));
  }

  /** The entry with this sequence, or empty when it is not published (yet). */
  public Future<Optional<R2z2Killmail>> fetch(long sequence) {
    if (sequence <= 0) {
      return Future.failedFuture(
          new IllegalArgumentException("R2Z2 sequences are positive, got " + sequence));
    }
    String url = settings.r2z2BaseUrl() + "/" + sequence + ".json";
    JsonShape shape = new JsonShape(UpstreamService.R2Z2, url);
    return get(url)
        .compose(
            response -> {
              if (response.statusCode() == 404) {
                return Future.succeededFuture(Optional.empty());
              }
              if (response.statusCode() != 200) {
                return Future.failedFuture(failure(url, response));
              }
              JsonObject entry = shape.object(response.body());
              long killmailId = shape.id(entry, "", "killmail_id");
              String hash = shape.hash(entry, "", "hash");
              EsiKillmail killmail =
                  EsiShapes.killmail(shape, shape.child(entry, "", "esi"), killmailId, hash);
              JsonObject zkbJson = shape.child(entry, "", "zkb");
              Zkb zkb = shape.contract(() -> Zkb.fromJson(zkbJson, "zkb").requireHash("zkb"));
              if (!hash.equalsIgnoreCase(zkb.hash())) {
                throw shape.malformed("'hash' and 'zkb.hash' differ");
              }
              return Future.succeededFuture(
                  Optional.of(new R2z2Killmail(sequence, killmail.withZkb(zkb))));
            });
  }

  private Future<HttpResponse<Buffer>> get(String url) {
    return pacer
        .next()
        .compose(v -> UpstreamHttp.send(UpstreamService.R2Z2, url, http.get(url).send()));
  }

  private static RuntimeException failure(String url, HttpResponse<Buffer> response) {
    if (response.statusCode() == 403) {
      return new UpstreamRetryable(
          UpstreamService.R2Z2,
          url,
          UpstreamRetryable.Reason.BANNED,
          StatusOutcome.retryAfter(response, BAN_WAIT),
          "R2Z2 bans clients that poll too fast",
          null);
    }
    return StatusOutcome.failure(UpstreamService.R2Z2, url, response);
  }

  @Override
  public void close() {
    http.close();
  }
}
