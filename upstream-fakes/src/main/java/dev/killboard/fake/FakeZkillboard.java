package dev.killboard.fake;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A local zKillboard history API: {@code /api/characterID/{id}/page/{n}/} (also corporationID,
 * allianceID) answers {@code [{killmail_id, zkb}]}, newest first, an empty array past the last
 * page; {@code /api/history/{yyyyMMdd}.json} answers {@code {"<killmail_id>": "<hash>"}} for one
 * UTC day. The trailing slash is required (404 without it), a User-Agent too (403), and the body is
 * gzipped when the client accepts gzip.
 */
public final class FakeZkillboard extends FakeServer {
  /** Route name of the history pages. */
  public static final String HISTORY = "/{kind}ID/{id}/page/{n}/";

  /** Route name of the per-day id → hash dump. */
  public static final String DAY_HASHES = "/history/{yyyyMMdd}.json";

  /** The path prefix of the API. */
  public static final String PREFIX = "/api";

  private final FakeUniverse universe;
  private final int pageSize;
  private final AtomicInteger gzipped = new AtomicInteger();

  /** A fake zKillboard with zKillboard's page size of 200. */
  public FakeZkillboard(Vertx vertx, FakeUniverse universe) {
    this(vertx, universe, 200);
  }

  /**
   * A fake zKillboard with another page size (smaller pages exercise paging with small universes).
   */
  public FakeZkillboard(Vertx vertx, FakeUniverse universe, int pageSize) {
    super(vertx);
    this.universe = universe;
    this.pageSize = Math.max(1, pageSize);
  }

  @Override
  public String baseUrl() {
    return origin() + PREFIX;
  }

  /** Entries per page. */
  public int pageSize() {
    return pageSize;
  }

  /** Answers sent gzip-encoded. */
  public int gzippedResponses() {
    return gzipped.get();
  }

  @Override
  public void mount(Router router) {
    String kinds = "(?<kind>characterID|corporationID|allianceID)/(?<id>\\d{1,18})/";
    route(
        router,
        HttpMethod.GET,
        "^" + PREFIX + "/" + kinds + "page/(?<page>\\d{1,6})/$",
        HISTORY,
        this::history);
    route(router, HttpMethod.GET, "^" + PREFIX + "/" + kinds + "$", HISTORY, this::history);
    route(
        router,
        HttpMethod.GET,
        "^" + PREFIX + "/history/(?<day>\\d{8})\\.json$",
        DAY_HASHES,
        this::dayHashes);
    fallback(
        router,
        "^" + PREFIX + "(/.*)?$",
        ctx ->
            ctx.response()
                .setStatusCode(404)
                .putHeader("Content-Type", "application/json; charset=UTF-8")
                .end(
                    "{\"error\":\"Invalid request. Check the URL: zKillboard requires the trailing slash.\"}"));
  }

  private void history(RoutingContext ctx) {
    String agent = ctx.request().getHeader("User-Agent");
    if (agent == null || agent.isBlank()) {
      ctx.response().setStatusCode(403).end("A User-Agent with contact details is required.");
      return;
    }
    long id = Long.parseLong(ctx.pathParam("id"));
    String pageParam = ctx.pathParam("page");
    int page = pageParam == null ? 1 : Integer.parseInt(pageParam);
    List<Long> ids =
        switch (ctx.pathParam("kind")) {
          case "characterID" -> universe.killmailsOfCharacter(id);
          case "corporationID" -> universe.killmailsOfCorporation(id);
          default -> universe.killmailsOfAlliance(id);
        };
    JsonArray body = new JsonArray();
    int from = (Math.max(page, 1) - 1) * pageSize;
    for (int i = from; i < Math.min(ids.size(), from + pageSize); i++) {
      universe.killmail(ids.get(i)).ifPresent(km -> body.add(km.zkillboardEntry()));
    }
    byte[] json = body.encode().getBytes(StandardCharsets.UTF_8);
    HttpServerResponse response =
        ctx.response()
            .putHeader("Content-Type", "application/json; charset=UTF-8")
            .putHeader("Vary", "Accept-Encoding");
    String accept = ctx.request().getHeader("Accept-Encoding");
    if (accept != null && accept.toLowerCase(Locale.ROOT).contains("gzip")) {
      gzipped.incrementAndGet();
      response.putHeader("Content-Encoding", "gzip").end(Buffer.buffer(gzip(json)));
    } else {
      response.end(Buffer.buffer(json));
    }
  }

  /** {@code {"<killmail_id>": "<hash>"}} of every killmail whose time falls on that UTC day. */
  private void dayHashes(RoutingContext ctx) {
    String agent = ctx.request().getHeader("User-Agent");
    if (agent == null || agent.isBlank()) {
      ctx.response().setStatusCode(403).end("A User-Agent with contact details is required.");
      return;
    }
    java.time.LocalDate day;
    try {
      day =
          java.time.LocalDate.parse(
              ctx.pathParam("day"), java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
    } catch (java.time.format.DateTimeParseException e) {
      ctx.response().setStatusCode(404).end("{\"error\":\"Invalid date\"}");
      return;
    }
    io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject();
    for (Long id : universe.killmailIds()) {
      universe
          .killmail(id)
          .ifPresent(
              km -> {
                java.time.LocalDate on =
                    java.time.OffsetDateTime.parse(km.esi().getString("killmail_time"))
                        .atZoneSameInstant(java.time.ZoneOffset.UTC)
                        .toLocalDate();
                if (on.equals(day)) {
                  body.put(Long.toString(km.killmailId()), km.hash());
                }
              });
    }
    ctx.response().putHeader("Content-Type", "application/json; charset=UTF-8").end(body.encode());
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
