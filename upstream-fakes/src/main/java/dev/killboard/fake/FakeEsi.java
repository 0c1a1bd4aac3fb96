package dev.killboard.fake;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A local ESI ({@code /latest/...}) serving a {@link FakeUniverse}: the routes Killboard's workers
 * call, with ESI's error limit (counted, 420 at 0 until the window resets), ETag / If-None-Match →
 * 304, Expires, X-Pages and Bearer-token checks against a {@link FakeSso}. Route names are the
 * constants below (paths after {@code /latest}).
 */
public final class FakeEsi extends FakeServer {
  public static final String CHARACTER = "/characters/{id}/";
  public static final String CORPORATION = "/corporations/{id}/";
  public static final String ALLIANCES = "/alliances/";
  public static final String ALLIANCE = "/alliances/{id}/";
  public static final String ALLIANCE_CORPORATIONS = "/alliances/{id}/corporations/";
  public static final String TYPES = "/universe/types/";
  public static final String TYPE = "/universe/types/{id}/";
  public static final String GROUPS = "/universe/groups/";
  public static final String GROUP = "/universe/groups/{id}/";
  public static final String CATEGORIES = "/universe/categories/";
  public static final String CATEGORY = "/universe/categories/{id}/";
  public static final String REGIONS = "/universe/regions/";
  public static final String REGION = "/universe/regions/{id}/";
  public static final String CONSTELLATIONS = "/universe/constellations/";
  public static final String CONSTELLATION = "/universe/constellations/{id}/";
  public static final String SYSTEMS = "/universe/systems/";
  public static final String SYSTEM = "/universe/systems/{id}/";
  public static final String RACES = "/universe/races/";
  public static final String BLOODLINES = "/universe/bloodlines/";
  public static final String CHARACTER_RECENT_KILLMAILS = "/characters/{id}/killmails/recent/";
  public static final String CORPORATION_RECENT_KILLMAILS = "/corporations/{id}/killmails/recent/";
  public static final String KILLMAIL = "/killmails/{id}/{hash}/";

  /** The path prefix of the versioned API. */
  public static final String PREFIX = "/latest";

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final String ID = "(?<id>\\d{1,18})";

  private final FakeUniverse universe;
  private final FakeSso sso;
  private final Options options;
  private final EsiErrorWindow errors;

  /** Settings of the fake ESI. */
  public static final class Options {
    private int errorLimit = 100;
    private Duration errorWindow = Duration.ofSeconds(60);
    private int cacheSeconds = 300;
    private int groupsPageSize = 5;
    private int typesPageSize = 25;
    private int recentKillmailsPageSize = 50;
    private Clock clock = Clock.systemUTC();

    /** Errors allowed per window (ESI: 100). */
    public Options errorLimit(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("errorLimit must be >= 1");
      }
      this.errorLimit = value;
      return this;
    }

    /** Length of the error window (ESI: about a minute). */
    public Options errorWindow(Duration value) {
      if (value.toMillis() < 1) {
        throw new IllegalArgumentException("errorWindow must be positive");
      }
      this.errorWindow = value;
      return this;
    }

    /** Seconds added to the answer time for {@code Expires}. */
    public Options cacheSeconds(int value) {
      this.cacheSeconds = value;
      return this;
    }

    /** Ids per page of {@code /universe/groups/} (ESI: 1000; small here so paging is exercised). */
    public Options groupsPageSize(int value) {
      this.groupsPageSize = Math.max(1, value);
      return this;
    }

    /** Ids per page of {@code /universe/types/} (ESI: 1000; small here so paging is exercised). */
    public Options typesPageSize(int value) {
      this.typesPageSize = Math.max(1, value);
      return this;
    }

    /** Entries per page of the recent-killmails routes (ESI: 1000). */
    public Options recentKillmailsPageSize(int value) {
      this.recentKillmailsPageSize = Math.max(1, value);
      return this;
    }

    /** The clock for the error window, Date and Expires. */
    public Options clock(Clock value) {
      this.clock = Objects.requireNonNull(value);
      return this;
    }
  }

  /**
   * A fake ESI; {@code sso} verifies Bearer tokens (null: authenticated routes always answer 401).
   */
  public FakeEsi(Vertx vertx, FakeUniverse universe, FakeSso sso, Options options) {
    super(vertx);
    this.universe = universe;
    this.sso = sso;
    this.options = options;
    this.errors = new EsiErrorWindow(options.errorLimit, options.errorWindow, options.clock);
  }

  @Override
  public String baseUrl() {
    return origin() + PREFIX;
  }

  // ---- error limit test API
  // ------------------------------------------------------------------------------------------

  /** Errors left in the current window. */
  public int errorLimitRemain() {
    return errors.remain();
  }

  /** The lowest {@code X-ESI-Error-Limit-Remain} sent since start or {@link #resetErrorLimit()}. */
  public int lowestErrorLimitRemainSent() {
    return errors.lowestSent();
  }

  /** Errors counted since start or {@link #resetErrorLimit()}. */
  public long errorsCounted() {
    return errors.errorsCounted();
  }

  /** 420 answers sent since start or {@link #resetErrorLimit()}. */
  public long errorLimitedAnswers() {
    return errors.blockedAnswers();
  }

  /** Sets the errors left (as if other clients on the same IP had spent some). */
  public void setErrorLimitRemain(int remain) {
    errors.setRemain(remain);
  }

  /** Spends the whole error budget: every route answers 420 until the window resets. */
  public void exhaustErrorLimit() {
    errors.setRemain(0);
  }

  /** Starts a fresh window with the full budget and zeroed statistics. */
  public void resetErrorLimit() {
    errors.reset();
  }

  // ---- routes
  // ----------------------------------------------------------------------------------------------------

  @Override
  public void mount(Router router) {
    entity(
        router, "/characters/" + ID + "/", CHARACTER, universe::character, "Character not found");
    entity(
        router,
        "/corporations/" + ID + "/",
        CORPORATION,
        universe::corporation,
        "Corporation not found");
    get(
        router,
        "/alliances/",
        ALLIANCES,
        ctx -> respond(ctx, new JsonArray(universe.allianceIds()), 0));
    entity(router, "/alliances/" + ID + "/", ALLIANCE, universe::alliance, "Alliance not found");
    get(
        router,
        "/alliances/" + ID + "/corporations/",
        ALLIANCE_CORPORATIONS,
        ctx -> {
          Optional<List<Long>> members = universe.allianceCorporations(id(ctx));
          if (members.isEmpty()) {
            error(ctx, 404, "Alliance not found");
          } else {
            respond(ctx, new JsonArray(members.get()), 0);
          }
        });
    get(
        router,
        "/universe/types/",
        TYPES,
        ctx -> paged(ctx, universe.typeIds(), options.typesPageSize, id -> id));
    entity(router, "/universe/types/" + ID + "/", TYPE, universe::type, "Type not found");
    get(
        router,
        "/universe/groups/",
        GROUPS,
        ctx -> paged(ctx, universe.groupIds(), options.groupsPageSize, id -> id));
    entity(router, "/universe/groups/" + ID + "/", GROUP, universe::group, "Group not found");
    get(
        router,
        "/universe/categories/",
        CATEGORIES,
        ctx -> respond(ctx, new JsonArray(universe.categoryIds()), 0));
    entity(
        router,
        "/universe/categories/" + ID + "/",
        CATEGORY,
        universe::category,
        "Category not found");
    get(
        router,
        "/universe/regions/",
        REGIONS,
        ctx -> respond(ctx, new JsonArray(universe.regionIds()), 0));
    entity(router, "/universe/regions/" + ID + "/", REGION, universe::region, "Region not found");
    get(
        router,
        "/universe/constellations/",
        CONSTELLATIONS,
        ctx -> respond(ctx, new JsonArray(universe.constellationIds()), 0));
    entity(
        router,
        "/universe/constellations/" + ID + "/",
        CONSTELLATION,
        universe::constellation,
        "Constellation not found");
    get(
        router,
        "/universe/systems/",
        SYSTEMS,
        ctx -> respond(ctx, new JsonArray(universe.systemIds()), 0));
    entity(router, "/universe/systems/" + ID + "/", SYSTEM, universe::system, "System not found");
    get(router, "/universe/races/", RACES, ctx -> respond(ctx, universe.races(), 0));
    get(router, "/universe/bloodlines/", BLOODLINES, ctx -> respond(ctx, universe.bloodlines(), 0));
    get(
        router,
        "/characters/" + ID + "/killmails/recent/",
        CHARACTER_RECENT_KILLMAILS,
        this::characterRecent);
    get(
        router,
        "/corporations/" + ID + "/killmails/recent/",
        CORPORATION_RECENT_KILLMAILS,
        this::corporationRecent);
    get(router, "/killmails/" + ID + "/(?<hash>[^/]{1,128})/", KILLMAIL, this::killmail);
    fallback(router, "^" + PREFIX + "/.*", ctx -> error(ctx, 404, "Not found"));
  }

  @Override
  protected boolean admit(RoutingContext ctx, String route) {
    HttpServerResponse response = ctx.response();
    if (errors.blocked()) {
      response
          .setStatusCode(420)
          .putHeader("X-ESI-Error-Limit-Remain", "0")
          .putHeader("X-ESI-Error-Limit-Reset", Long.toString(errors.resetSeconds()))
          .putHeader("Content-Type", "application/json; charset=UTF-8")
          .end(
              new JsonObject()
                  .put(
                      "error",
                      "This software has exceeded the error limit for ESI. If you are a user, please"
                          + " contact the maintainer of this software. If you are a developer/maintainer, please make a greater effort"
                          + " in the future to receive valid responses. For tips on how, come have a chat with us in #esi on"
                          + " tweetfleet slack.")
                  .encode());
      return false;
    }
    ctx.addHeadersEndHandler(
        v -> {
          long[] state = errors.answered(response.getStatusCode());
          response.putHeader("X-ESI-Error-Limit-Remain", Long.toString(state[0]));
          response.putHeader("X-ESI-Error-Limit-Reset", Long.toString(state[1]));
        });
    return true;
  }

  private void get(
      Router router, String pathRegex, String name, io.vertx.core.Handler<RoutingContext> handler) {
    route(router, HttpMethod.GET, "^" + PREFIX + pathRegex + "$", name, handler);
  }

  private void entity(
      Router router,
      String pathRegex,
      String name,
      Function<Long, Optional<JsonObject>> lookup,
      String notFound) {
    get(
        router,
        pathRegex,
        name,
        ctx -> {
          Optional<JsonObject> found = lookup.apply(id(ctx));
          if (found.isEmpty()) {
            error(ctx, 404, notFound);
          } else {
            respond(ctx, found.get(), 0);
          }
        });
  }

  private void characterRecent(RoutingContext ctx) {
    long characterId = id(ctx);
    withToken(
        ctx,
        FakeSso.SCOPE_CHARACTER_KILLMAILS,
        tokenCharacter -> {
          if (tokenCharacter.longValue() != characterId) {
            error(ctx, 403, "Token is not valid for this character");
            return;
          }
          paged(
              ctx,
              universe.killmailsOfCharacter(characterId),
              options.recentKillmailsPageSize,
              this::recentEntry);
        });
  }

  private void corporationRecent(RoutingContext ctx) {
    long corporationId = id(ctx);
    withToken(
        ctx,
        FakeSso.SCOPE_CORPORATION_KILLMAILS,
        tokenCharacter -> {
          // EVE requires the Director role; the fake grants it to the corporation's CEO.
          boolean director =
              universe
                  .corporation(corporationId)
                  .map(c -> tokenCharacter.equals(c.getLong("ceo_id")))
                  .orElse(false);
          if (!director) {
            error(ctx, 403, "Character does not have required role(s)");
            return;
          }
          paged(
              ctx,
              universe.killmailsOfCorporation(corporationId),
              options.recentKillmailsPageSize,
              this::recentEntry);
        });
  }

  private Object recentEntry(Long killmailId) {
    String hash = universe.killmail(killmailId).map(FakeKillmail::hash).orElseThrow();
    return new JsonObject().put("killmail_id", killmailId).put("killmail_hash", hash);
  }

  private void killmail(RoutingContext ctx) {
    long killmailId = id(ctx);
    Optional<FakeKillmail> km = universe.killmail(killmailId);
    if (km.isEmpty()) {
      error(ctx, 404, "Killmail not found");
    } else if (!km.get().hash().equals(ctx.pathParam("hash"))) {
      error(ctx, 422, "Invalid killmail_id and/or killmail_hash");
    } else {
      respond(ctx, km.get().esi(), 0);
    }
  }

  private void withToken(RoutingContext ctx, String scope, Consumer<Long> onValid) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      error(ctx, 401, "Authorization not provided");
      return;
    }
    if (sso == null) {
      error(ctx, 401, "Authorization not valid");
      return;
    }
    sso.verifyAccessToken(header.substring(7).trim())
        .onComplete(
            ar -> {
              if (ar.failed()) {
                error(ctx, 401, "Authorization not valid");
                return;
              }
              JsonObject claims = ar.result();
              Object scp = claims.getValue("scp");
              boolean hasScope =
                  scp instanceof String s
                      ? s.equals(scope)
                      : scp instanceof JsonArray a && a.contains(scope);
              String sub = claims.getString("sub", "");
              if (!hasScope || !sub.startsWith("CHARACTER:EVE:")) {
                error(ctx, 403, "Token is not valid for scope(s): " + scope);
                return;
              }
              onValid.accept(Long.parseLong(sub.substring("CHARACTER:EVE:".length())));
            });
  }

  private <T> void paged(RoutingContext ctx, List<T> all, int pageSize, Function<T, Object> entry) {
    String raw = ctx.request().getParam("page", "1");
    int page;
    try {
      page = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      page = 0;
    }
    if (page < 1) {
      error(ctx, 400, "Invalid page: " + (raw.length() > 20 ? raw.substring(0, 20) : raw));
      return;
    }
    int pages = Math.max(1, (all.size() + pageSize - 1) / pageSize);
    if (page > pages) {
      error(ctx, 404, "Requested page does not exist!");
      return;
    }
    JsonArray body = new JsonArray();
    all.subList((page - 1) * pageSize, Math.min(all.size(), page * pageSize))
        .forEach(v -> body.add(entry.apply(v)));
    respond(ctx, body, pages);
  }

  /** A 200 with ESI's caching headers, or a 304 when the client already holds this body. */
  private void respond(RoutingContext ctx, Object json, int pages) {
    Buffer body =
        Buffer.buffer(json instanceof JsonObject o ? o.encode() : ((JsonArray) json).encode());
    String etag = "\"" + sha256(body) + "\"";
    Instant now = options.clock.instant();
    HttpServerResponse response =
        ctx.response()
            .putHeader("ETag", etag)
            .putHeader("Date", HTTP_DATE.format(now))
            .putHeader("Expires", HTTP_DATE.format(now.plusSeconds(options.cacheSeconds)))
            .putHeader("Cache-Control", "public");
    if (pages > 0) {
      response.putHeader("X-Pages", Integer.toString(pages));
    }
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    if (ifNoneMatch != null && List.of(ifNoneMatch.split("\\s*,\\s*")).contains(etag)) {
      response.setStatusCode(304).end();
      return;
    }
    response
        .setStatusCode(200)
        .putHeader("Content-Type", "application/json; charset=UTF-8")
        .end(body);
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=UTF-8")
        .end(new JsonObject().put("error", message).encode());
  }

  private static long id(RoutingContext ctx) {
    return Long.parseLong(ctx.pathParam("id"));
  }

  private static String sha256(Buffer body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes());
      return HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JRE", e);
    }
  }
}
