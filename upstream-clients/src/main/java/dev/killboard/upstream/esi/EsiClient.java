package dev.killboard.upstream.esi;

import dev.killboard.contracts.EsiKillmail;
import dev.killboard.upstream.JsonShape;
import dev.killboard.upstream.StatusOutcome;
import dev.killboard.upstream.UpstreamHttp;
import dev.killboard.upstream.UpstreamRetryable;
import dev.killboard.upstream.UpstreamService;
import dev.killboard.upstream.UpstreamSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed ESI calls returning validated JSON. Every call passes the {@link ErrorLimitGate} (so
 * Killboard stops before ESI's error limit reaches 0, and sends nothing after a 420 until the
 * reset), honours 429 Retry-After (short waits inline, longer ones as {@link UpstreamRetryable}),
 * serves fresh answers from an ETag/Expires cache and revalidates stale ones with If-None-Match.
 * Failures are {@link dev.killboard.upstream.UpstreamNotFound} (404), {@link UpstreamRetryable}
 * (5xx, timeouts, 420, 429), {@link dev.killboard.upstream.UpstreamMalformed} or {@link
 * dev.killboard.upstream.UpstreamRejected}.
 */
public final class EsiClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EsiClient.class);
  private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{40}");
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

  private final Vertx vertx;
  private final UpstreamSettings settings;
  private final UpstreamHttp http;
  private final ErrorLimitGate gate;
  private final Clock clock;
  private final EsiCache cache;
  private Instant rateLimitedUntil = Instant.MIN;

  /** One request with what is known about it. */
  private record Call(String url, String token, boolean cacheable, EsiCache.Entry cached) {}

  /** A usable answer: its body and X-Pages. */
  private record Answer(Buffer body, int pages) {}

  /** A client with a process-local error-limit gate and the system clock. */
  public EsiClient(Vertx vertx, UpstreamSettings settings) {
    this(
        vertx,
        settings,
        new LocalErrorLimitGate(Clock.systemUTC(), settings.esiErrorLimitMargin()),
        Clock.systemUTC());
  }

  /**
   * A client with a given gate (for example a cluster-wide one) and clock (cache expiry, rate-limit
   * waits).
   */
  public EsiClient(Vertx vertx, UpstreamSettings settings, ErrorLimitGate gate, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.http = new UpstreamHttp(vertx, settings);
    this.gate = gate;
    this.clock = clock;
    this.cache = new EsiCache(settings.esiCacheMaxEntries());
  }

  // ---- entities
  // --------------------------------------------------------------------------------------------------

  /** {@code /characters/{id}/}: name, corporation_id, alliance_id?, ... */
  public Future<JsonObject> character(long id) {
    return guarded(() -> object("/characters/" + positive(id) + "/", true, EsiShapes::character));
  }

  /** {@code /corporations/{id}/}: name, ticker, member_count, alliance_id?, ceo_id, ... */
  public Future<JsonObject> corporation(long id) {
    return guarded(
        () -> object("/corporations/" + positive(id) + "/", true, EsiShapes::corporation));
  }

  /** {@code /alliances/{id}/}: name, ticker, executor_corporation_id? (absent when closed), ... */
  public Future<JsonObject> alliance(long id) {
    return guarded(() -> object("/alliances/" + positive(id) + "/", true, EsiShapes::alliance));
  }

  /** {@code /alliances/}: the id of every alliance (one unpaged array). */
  public Future<List<Long>> allianceIds() {
    return guarded(() -> array("/alliances/", (s, a) -> s.ids(a, "")));
  }

  /** {@code /alliances/{id}/corporations/}: member corporation ids. */
  public Future<List<Long>> allianceCorporations(long allianceId) {
    return guarded(
        () ->
            array("/alliances/" + positive(allianceId) + "/corporations/", (s, a) -> s.ids(a, "")));
  }

  /** {@code /universe/types/{id}/}. */
  public Future<JsonObject> type(long id) {
    return guarded(
        () ->
            object(
                "/universe/types/" + positive(id) + "/", true, (s, o) -> EsiShapes.type(s, o, id)));
  }

  /** One page of {@code /universe/types/} (type ids) with X-Pages. */
  public Future<EsiPage<Long>> typeIdsPage(int page) {
    return guarded(() -> page("/universe/types/", page, null, (s, a) -> s.ids(a, "")));
  }

  /** Every type id: page 1, then every further page X-Pages announces. */
  public Future<List<Long>> allTypeIds() {
    return allPages(this::typeIdsPage);
  }

  /** One page of {@code /universe/groups/} with X-Pages. */
  public Future<EsiPage<Long>> groupIdsPage(int page) {
    return guarded(() -> page("/universe/groups/", page, null, (s, a) -> s.ids(a, "")));
  }

  /** Every group id: page 1, then every further page X-Pages announces. */
  public Future<List<Long>> allGroupIds() {
    return allPages(this::groupIdsPage);
  }

  /** {@code /universe/groups/{id}/}. */
  public Future<JsonObject> group(long id) {
    return guarded(
        () ->
            object(
                "/universe/groups/" + positive(id) + "/",
                true,
                (s, o) -> EsiShapes.group(s, o, id)));
  }

  /** {@code /universe/categories/}: the id of every item category (one unpaged array). */
  public Future<List<Long>> categoryIds() {
    return guarded(() -> array("/universe/categories/", (s, a) -> s.ids(a, "")));
  }

  /** {@code /universe/categories/{id}/}. */
  public Future<JsonObject> category(long id) {
    return guarded(
        () ->
            object(
                "/universe/categories/" + positive(id) + "/",
                true,
                (s, o) -> EsiShapes.category(s, o, id)));
  }

  /** {@code /universe/regions/}: every region id. */
  public Future<List<Long>> regionIds() {
    return guarded(() -> array("/universe/regions/", (s, a) -> s.ids(a, "")));
  }

  /** {@code /universe/regions/{id}/}. */
  public Future<JsonObject> region(long id) {
    return guarded(
        () ->
            object(
                "/universe/regions/" + positive(id) + "/",
                true,
                (s, o) -> EsiShapes.region(s, o, id)));
  }

  /** {@code /universe/constellations/}: every constellation id. */
  public Future<List<Long>> constellationIds() {
    return guarded(() -> array("/universe/constellations/", (s, a) -> s.ids(a, "")));
  }

  /** {@code /universe/constellations/{id}/}. */
  public Future<JsonObject> constellation(long id) {
    return guarded(
        () ->
            object(
                "/universe/constellations/" + positive(id) + "/",
                true,
                (s, o) -> EsiShapes.constellation(s, o, id)));
  }

  /** {@code /universe/systems/}: every solar system id. */
  public Future<List<Long>> systemIds() {
    return guarded(() -> array("/universe/systems/", (s, a) -> s.ids(a, "")));
  }

  /** {@code /universe/systems/{id}/}. */
  public Future<JsonObject> system(long id) {
    return guarded(
        () ->
            object(
                "/universe/systems/" + positive(id) + "/",
                true,
                (s, o) -> EsiShapes.system(s, o, id)));
  }

  /** {@code /universe/races/}. */
  public Future<JsonArray> races() {
    return guarded(() -> array("/universe/races/", EsiShapes::races));
  }

  /** {@code /universe/bloodlines/}. */
  public Future<JsonArray> bloodlines() {
    return guarded(() -> array("/universe/bloodlines/", EsiShapes::bloodlines));
  }

  // ---- killmails
  // -------------------------------------------------------------------------------------------------

  /**
   * {@code /killmails/{id}/{hash}/}: the full killmail, typed and checked (not cached: each is read
   * once).
   */
  public Future<EsiKillmail> killmail(long id, String hash) {
    if (hash == null || !HASH.matcher(hash).matches()) {
      return Future.failedFuture(
          new IllegalArgumentException("a killmail hash is 40 hex characters"));
    }
    return guarded(
        () ->
            object(
                "/killmails/" + positive(id) + "/" + hash + "/",
                false,
                (s, o) -> EsiShapes.killmail(s, o, id, hash)));
  }

  /**
   * One page of {@code /characters/{id}/killmails/recent/} read with the character's access token.
   */
  public Future<EsiPage<KillmailRef>> characterRecentKillmails(
      long characterId, String accessToken, int page) {
    return guarded(
        () ->
            page(
                "/characters/" + positive(characterId) + "/killmails/recent/",
                page,
                token(accessToken),
                EsiShapes::killmailRefs));
  }

  /** Every page of a character's recent killmails (ESI: the last 90 days), newest first. */
  public Future<List<KillmailRef>> allCharacterRecentKillmails(
      long characterId, String accessToken) {
    return allPages(page -> characterRecentKillmails(characterId, accessToken, page));
  }

  /** One page of {@code /corporations/{id}/killmails/recent/} (a director's token). */
  public Future<EsiPage<KillmailRef>> corporationRecentKillmails(
      long corporationId, String accessToken, int page) {
    return guarded(
        () ->
            page(
                "/corporations/" + positive(corporationId) + "/killmails/recent/",
                page,
                token(accessToken),
                EsiShapes::killmailRefs));
  }

  /** Every page of a corporation's recent killmails. */
  public Future<List<KillmailRef>> allCorporationRecentKillmails(
      long corporationId, String accessToken) {
    return allPages(page -> corporationRecentKillmails(corporationId, accessToken, page));
  }

  // ---- state
  // -----------------------------------------------------------------------------------------------------

  /** The error-limit gate in use. */
  public ErrorLimitGate gate() {
    return gate;
  }

  /** Cache figures. */
  public EsiCacheStats cacheStats() {
    return new EsiCacheStats(cache.size(), cache.hits(), cache.revalidations());
  }

  @Override
  public void close() {
    http.close();
  }

  // ---- plumbing
  // --------------------------------------------------------------------------------------------------

  private <T> Future<T> object(
      String path, boolean cacheable, BiFunction<JsonShape, JsonObject, T> check) {
    String url = settings.esiBaseUrl() + path;
    JsonShape shape = new JsonShape(UpstreamService.ESI, url);
    return fetch(url, null, cacheable)
        .map(answer -> check.apply(shape, shape.object(answer.body())));
  }

  private <T> Future<T> array(String path, BiFunction<JsonShape, JsonArray, T> check) {
    String url = settings.esiBaseUrl() + path;
    JsonShape shape = new JsonShape(UpstreamService.ESI, url);
    return fetch(url, null, true).map(answer -> check.apply(shape, shape.array(answer.body())));
  }

  private <T> Future<EsiPage<T>> page(
      String path, int page, String token, BiFunction<JsonShape, JsonArray, List<T>> check) {
    if (page < 1) {
      return Future.failedFuture(new IllegalArgumentException("ESI pages start at 1, got " + page));
    }
    String url = settings.esiBaseUrl() + path + "?page=" + page;
    JsonShape shape = new JsonShape(UpstreamService.ESI, url);
    return fetch(url, token, token == null)
        .map(
            answer ->
                new EsiPage<>(
                    check.apply(shape, shape.array(answer.body())), page, answer.pages()));
  }

  private <T> Future<List<T>> allPages(IntFunction<Future<EsiPage<T>>> fetchPage) {
    return fetchPage
        .apply(1)
        .compose(
            first -> {
              List<T> all = new ArrayList<>(first.items());
              return remainingPages(fetchPage, 2, first.pages(), all).map(v -> all);
            });
  }

  private <T> Future<Void> remainingPages(
      IntFunction<Future<EsiPage<T>>> fetchPage, int next, int pages, List<T> all) {
    if (next > pages) {
      return Future.succeededFuture();
    }
    return fetchPage
        .apply(next)
        .compose(
            p -> {
              all.addAll(p.items());
              return remainingPages(fetchPage, next + 1, pages, all);
            });
  }

  private Future<Answer> fetch(String url, String token, boolean cacheable) {
    EsiCache.Entry cached = cacheable ? cache.get(url) : null;
    if (cached != null && cached.freshAt(clock.instant())) {
      cache.countHit();
      return Future.succeededFuture(new Answer(cached.body(), cached.pages()));
    }
    Call call = new Call(url, token, cacheable, cached);
    return rateLimitPause(url).compose(v -> attempt(call, true));
  }

  /** Waits out (or fails fast on) the Retry-After of an earlier 429. */
  private Future<Void> rateLimitPause(String url) {
    Duration remaining;
    synchronized (this) {
      remaining = Duration.between(clock.instant(), rateLimitedUntil);
    }
    if (remaining.isNegative() || remaining.isZero()) {
      return Future.succeededFuture();
    }
    if (remaining.compareTo(settings.esiMaxInlineWait()) <= 0) {
      return delay(remaining);
    }
    return Future.failedFuture(
        new UpstreamRetryable(
            UpstreamService.ESI,
            url,
            UpstreamRetryable.Reason.RATE_LIMITED,
            remaining,
            "an earlier 429 asked to wait",
            null));
  }

  private Future<Answer> attempt(Call call, boolean mayWaitInline) {
    return gate.acquire()
        .compose(
            admitted -> {
              Future<HttpResponse<Buffer>> sent;
              try {
                sent = request(call).send();
              } catch (RuntimeException e) {
                // Admitted but never sent: give the slot back, or the gate would count it in flight
                // forever.
                return gate.release(ErrorLimitObservation.notSent())
                    .transform(x -> Future.failedFuture(e));
              }
              return sent.transform(
                  ar -> {
                    ErrorLimitObservation seen =
                        ar.succeeded()
                            ? ErrorLimitObservation.of(ar.result())
                            : ErrorLimitObservation.noResponse();
                    // The gate must hear about every admitted request, whatever happened to it.
                    Future<Void> released =
                        gate.release(seen)
                            .recover(
                                e -> {
                                  LOG.warn(
                                      "ESI error-limit gate could not record an answer: {}",
                                      e.toString());
                                  return Future.succeededFuture();
                                });
                    return released.compose(
                        x ->
                            ar.succeeded()
                                ? answer(call, ar.result(), mayWaitInline)
                                : Future.failedFuture(
                                    UpstreamHttp.transportFailure(
                                        UpstreamService.ESI, call.url(), ar.cause())));
                  });
            });
  }

  private HttpRequest<Buffer> request(Call call) {
    HttpRequest<Buffer> request = http.get(call.url());
    if (call.cached() != null && call.cached().etag() != null) {
      request.putHeader("If-None-Match", call.cached().etag());
    }
    if (call.token() != null) {
      request.bearerTokenAuthentication(call.token());
    }
    if (settings.esiCompatibilityDate() != null) {
      request.putHeader("X-Compatibility-Date", settings.esiCompatibilityDate());
    }
    return request;
  }

  private Future<Answer> answer(Call call, HttpResponse<Buffer> response, boolean mayWaitInline) {
    int status = response.statusCode();
    if (status == 200) {
      int pages;
      try {
        pages = pages(call.url(), response);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      Buffer body = response.body() == null ? Buffer.buffer() : response.body();
      if (call.cacheable()) {
        cache.put(
            call.url(),
            new EsiCache.Entry(body, response.getHeader("ETag"), expiresAt(response), pages));
      }
      return Future.succeededFuture(new Answer(body, pages));
    }
    if (status == 304 && call.cached() != null) {
      cache.countRevalidation();
      String etag =
          response.getHeader("ETag") != null ? response.getHeader("ETag") : call.cached().etag();
      cache.put(
          call.url(),
          new EsiCache.Entry(
              call.cached().body(), etag, expiresAt(response), call.cached().pages()));
      return Future.succeededFuture(new Answer(call.cached().body(), call.cached().pages()));
    }
    if (status == 304) {
      return Future.failedFuture(
          new JsonShape(UpstreamService.ESI, call.url())
              .malformed("304 Not Modified, but no cached copy was revalidated"));
    }
    if (status == 420) {
      LOG.warn("ESI answered 420 (error limit spent); nothing is sent until the window resets");
    }
    if (status == 429) {
      Duration wait = StatusOutcome.retryAfter(response, Duration.ofSeconds(1));
      synchronized (this) {
        Instant until = clock.instant().plus(wait);
        rateLimitedUntil = until.isAfter(rateLimitedUntil) ? until : rateLimitedUntil;
      }
      if (mayWaitInline && wait.compareTo(settings.esiMaxInlineWait()) <= 0) {
        return delay(wait).compose(v -> attempt(call, false));
      }
    }
    if (status == 404 && call.cached() != null) {
      cache.remove(call.url());
    }
    return Future.failedFuture(StatusOutcome.failure(UpstreamService.ESI, call.url(), response));
  }

  private int pages(String url, HttpResponse<Buffer> response) {
    String header = response.getHeader("X-Pages");
    if (header == null) {
      return 1;
    }
    int pages;
    try {
      pages = Integer.parseInt(header.trim());
    } catch (NumberFormatException e) {
      pages = -1;
    }
    if (pages < 1 || pages > settings.esiMaxPages()) {
      throw new JsonShape(UpstreamService.ESI, url)
          .malformed(
              "X-Pages '"
                  + (header.length() > 20 ? header.substring(0, 20) : header)
                  + "' is not a page count from 1 to "
                  + settings.esiMaxPages());
    }
    return pages;
  }

  /**
   * Expiry on our clock: ESI's Expires minus its Date, so clock skew between us and ESI does not
   * matter.
   */
  private Instant expiresAt(HttpResponse<Buffer> response) {
    Instant expires = httpDate(response.getHeader("Expires"));
    if (expires == null) {
      return null;
    }
    Instant date = httpDate(response.getHeader("Date"));
    Instant now = clock.instant();
    Duration ttl = Duration.between(date != null ? date : now, expires);
    return ttl.isNegative() ? now : now.plus(ttl);
  }

  private static Instant httpDate(String value) {
    if (value == null) {
      return null;
    }
    try {
      return ZonedDateTime.parse(value.trim(), HTTP_DATE).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private Future<Void> delay(Duration wait) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, wait.toMillis()), id -> promise.complete());
    return promise.future();
  }

  /** Argument errors become failed futures, like every other failure of this client. */
  private static <T> Future<T> guarded(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  private static long positive(long id) {
    if (id <= 0) {
      throw new IllegalArgumentException("ESI ids are positive, got " + id);
    }
    return id;
  }

  private static String token(String accessToken) {
    if (accessToken == null
        || accessToken.isBlank()
        || accessToken.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("an access token is required for this ESI route");
    }
    return accessToken;
  }
}
