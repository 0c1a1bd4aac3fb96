package dev.killboard.fake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local EVE SSO (OAuth 2.0): {@code /v2/oauth/authorize} redirects back with a code, {@code
 * /v2/oauth/token} exchanges codes and refresh tokens (HTTP Basic client credentials), {@code
 * /oauth/jwks} publishes the RS256 key. Access tokens are RS256 JWTs shaped like EVE's. Tests mint
 * valid, expired and wrongly signed tokens directly.
 */
public final class FakeSso extends FakeServer {
  /** Route names (and paths). */
  public static final String AUTHORIZE = "/v2/oauth/authorize";

  public static final String TOKEN = "/v2/oauth/token";
  public static final String JWKS = "/oauth/jwks";
  public static final String METADATA = "/.well-known/oauth-authorization-server";

  /** EVE's issuer. */
  public static final String DEFAULT_ISSUER = "https://login.eveonline.com";

  /** The audience every EVE access token carries besides the client id. */
  public static final String EVE_AUDIENCE = "EVE Online";

  /** Scope of {@code /characters/{id}/killmails/recent/}. */
  public static final String SCOPE_CHARACTER_KILLMAILS = "esi-killmails.read_killmails.v1";

  /** Scope of {@code /corporations/{id}/killmails/recent/}. */
  public static final String SCOPE_CORPORATION_KILLMAILS =
      "esi-killmails.read_corporation_killmails.v1";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final FakeUniverse universe;
  private final Options options;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>();
  private final List<SsoSigningKey> published = new ArrayList<>();
  private volatile JWTAuth signer;
  private volatile JWTAuth verifier;
  private volatile SsoSigningKey current;
  private volatile JWTAuth foreignSigner;
  private volatile long loginCharacter;
  private int keyGeneration = 1;

  /** Settings of the fake SSO; the defaults suit tests. */
  public static final class Options {
    private String issuer = DEFAULT_ISSUER;
    private String clientId = "killboard-fake-client";
    private String clientSecret = "killboard-fake-secret";
    private String callbackUrl;
    private Duration accessTokenLifetime = Duration.ofSeconds(1199);
    private boolean rotateRefreshTokens = true;
    private Clock clock = Clock.systemUTC();

    /** The {@code iss} claim (default {@value FakeSso#DEFAULT_ISSUER}). */
    public Options issuer(String value) {
      this.issuer = Objects.requireNonNull(value);
      return this;
    }

    /** The application's client id. */
    public Options clientId(String value) {
      this.clientId = Objects.requireNonNull(value);
      return this;
    }

    /** The application's client secret. */
    public Options clientSecret(String value) {
      this.clientSecret = Objects.requireNonNull(value);
      return this;
    }

    /** The only accepted {@code redirect_uri}; null accepts any. */
    public Options callbackUrl(String value) {
      this.callbackUrl = value;
      return this;
    }

    /** Lifetime of issued access tokens (EVE: 1199 s). */
    public Options accessTokenLifetime(Duration value) {
      this.accessTokenLifetime = Objects.requireNonNull(value);
      return this;
    }

    /** Whether a refresh replaces the refresh token (the old one stops working). Default true. */
    public Options rotateRefreshTokens(boolean value) {
      this.rotateRefreshTokens = value;
      return this;
    }

    /** The clock for token times and code expiry. */
    public Options clock(Clock value) {
      this.clock = Objects.requireNonNull(value);
      return this;
    }
  }

  private record Grant(long characterId, List<String> scopes, Instant expiresAt) {}

  /**
   * A fake SSO whose logins are universe characters; generates its signing key (call off the event
   * loop).
   */
  public FakeSso(Vertx vertx, FakeUniverse universe, Options options) {
    super(vertx);
    this.universe = universe;
    this.options = options;
    this.loginCharacter = universe == null ? 90_000_001L : universe.playerCharacterIds().get(0);
    installKey(SsoSigningKey.generate("JWT-Signature-Key"));
  }

  @Override
  public String baseUrl() {
    return origin();
  }

  /** The {@code iss} claim of issued tokens. */
  public String issuer() {
    return options.issuer;
  }

  /** The accepted client id. */
  public String clientId() {
    return options.clientId;
  }

  /** The accepted client secret. */
  public String clientSecret() {
    return options.clientSecret;
  }

  @Override
  public void mount(Router router) {
    route(router, HttpMethod.GET, "^" + AUTHORIZE + "/?$", AUTHORIZE, this::authorize);
    router.post(TOKEN).handler(BodyHandler.create().setBodyLimit(64 * 1024));
    route(router, HttpMethod.POST, "^" + TOKEN + "/?$", TOKEN, this::token);
    route(router, HttpMethod.GET, "^" + JWKS + "/?$", JWKS, ctx -> json(ctx, 200, jwks()));
    route(
        router,
        HttpMethod.GET,
        "^" + METADATA.replace(".", "\\.") + "$",
        METADATA,
        ctx -> json(ctx, 200, metadata()));
  }

  // ---- test API
  // ----------------------------------------------------------------------------------------------------

  /** Makes the next browser logins authenticate as this character. */
  public void loginAs(long characterId) {
    this.loginCharacter = characterId;
  }

  /** EVE-shaped claims for a character: lifetime may be negative for an already expired token. */
  public JsonObject claimsFor(long characterId, List<String> scopes, Duration lifetime) {
    Instant now = options.clock.instant();
    long exp = now.plus(lifetime).getEpochSecond();
    long iat = Math.min(now.getEpochSecond(), exp - options.accessTokenLifetime.toSeconds());
    Object scp = scopes.size() == 1 ? scopes.get(0) : new JsonArray(new ArrayList<>(scopes));
    return new JsonObject()
        .put("scp", scp)
        .put("jti", UUID.randomUUID().toString())
        .put("kid", current.kid())
        .put("sub", "CHARACTER:EVE:" + characterId)
        .put("azp", options.clientId)
        .put("tenant", "tranquility")
        .put("tier", "live")
        .put("region", "world")
        .put("aud", new JsonArray().add(options.clientId).add(EVE_AUDIENCE))
        .put("name", characterName(characterId))
        .put("owner", ownerHash(characterId))
        .put("exp", exp)
        .put("iat", iat)
        .put("iss", options.issuer);
  }

  /** Signs arbitrary claims with the published key. */
  public String sign(JsonObject claims) {
    return signer.generateToken(claims.copy(), new JWTOptions().setAlgorithm("RS256"));
  }

  /**
   * Signs claims with a key that is not published but carries the published key id: signature
   * checks must fail.
   */
  public synchronized String signWithForeignKey(JsonObject claims) {
    if (foreignSigner == null) {
      foreignSigner =
          JWTAuth.create(
              vertx,
              new JWTAuthOptions().addJwk(SsoSigningKey.generate(current.kid()).privateJwk()));
    }
    return foreignSigner.generateToken(claims.copy(), new JWTOptions().setAlgorithm("RS256"));
  }

  /** A valid access token with the standard lifetime. */
  public String mintAccessToken(long characterId, List<String> scopes) {
    return sign(claimsFor(characterId, scopes, options.accessTokenLifetime));
  }

  /** An access token that expired a minute ago. */
  public String mintExpiredAccessToken(long characterId, List<String> scopes) {
    return sign(claimsFor(characterId, scopes, Duration.ofMinutes(-1)));
  }

  /** A well-formed, unexpired token whose signature does not verify against the published keys. */
  public String mintWronglySignedAccessToken(long characterId, List<String> scopes) {
    return signWithForeignKey(claimsFor(characterId, scopes, options.accessTokenLifetime));
  }

  /**
   * A refresh token the token endpoint accepts, as if the character had logged in with these
   * scopes.
   */
  public String issueRefreshToken(long characterId, List<String> scopes) {
    String token = randomToken();
    refreshTokens.put(token, new Grant(characterId, List.copyOf(scopes), Instant.MAX));
    return token;
  }

  /** Makes a refresh token invalid (the user revoked the application). */
  public void revokeRefreshToken(String refreshToken) {
    refreshTokens.remove(refreshToken);
  }

  /**
   * Replaces the signing key (new key id); the old public key stays published, as during EVE's key
   * rotation.
   */
  public synchronized void rotateSigningKey() {
    installKey(SsoSigningKey.generate("JWT-Signature-Key-" + (++keyGeneration)));
  }

  /** Key id of the current signing key. */
  public String signingKeyId() {
    return current.kid();
  }

  /**
   * Verifies an access token as ESI does: published key, issuer, {@value #EVE_AUDIENCE} audience,
   * expiry. Completes with the claims.
   */
  public Future<JsonObject> verifyAccessToken(String token) {
    return verifier
        .authenticate(new TokenCredentials(token))
        .map(user -> user.attributes().getJsonObject("accessToken"));
  }

  /** The JWKS document. */
  public synchronized JsonObject jwks() {
    JsonArray keys = new JsonArray();
    published.forEach(k -> keys.add(k.publicJwk()));
    return new JsonObject().put("keys", keys).put("SkipUnresolvedJsonWebKeys", true);
  }

  // ---- routes
  // ------------------------------------------------------------------------------------------------------

  private void authorize(RoutingContext ctx) {
    String responseType = ctx.request().getParam("response_type");
    String clientId = ctx.request().getParam("client_id");
    String redirect = ctx.request().getParam("redirect_uri");
    String state = ctx.request().getParam("state");
    String scope = ctx.request().getParam("scope", "");
    String problem =
        !"code".equals(responseType)
            ? "response_type must be 'code'"
            : !options.clientId.equals(clientId)
                ? "unknown client_id"
                : redirect == null || redirect.isBlank()
                    ? "redirect_uri is required"
                    : options.callbackUrl != null && !options.callbackUrl.equals(redirect)
                        ? "redirect_uri does not match the application"
                        : state == null || state.isBlank() ? "state is required" : null;
    if (problem != null) {
      ctx.response()
          .setStatusCode(400)
          .putHeader("Content-Type", "text/plain; charset=UTF-8")
          .end(problem);
      return;
    }
    String code = randomToken();
    codes.put(
        code,
        new Grant(
            loginCharacter,
            splitScopes(scope),
            options.clock.instant().plus(Duration.ofMinutes(5))));
    String location =
        redirect
            + (redirect.contains("?") ? "&" : "?")
            + "code="
            + encode(code)
            + "&state="
            + encode(state);
    ctx.response().setStatusCode(302).putHeader("Location", location).end();
  }

  private void token(RoutingContext ctx) {
    if (!clientAuthenticated(ctx.request().getHeader("Authorization"))) {
      json(ctx, 401, oauthError("invalid_client", "Client authentication failed"));
      return;
    }
    String grantType = ctx.request().getFormAttribute("grant_type");
    if ("authorization_code".equals(grantType)) {
      String code = ctx.request().getFormAttribute("code");
      Grant grant = code == null ? null : codes.remove(code);
      if (grant == null || grant.expiresAt().isBefore(options.clock.instant())) {
        json(
            ctx,
            400,
            oauthError("invalid_grant", "Authorization code is invalid, expired or already used"));
        return;
      }
      json(ctx, 200, tokenResponse(grant, null));
    } else if ("refresh_token".equals(grantType)) {
      String refresh = ctx.request().getFormAttribute("refresh_token");
      Grant grant = refresh == null ? null : refreshTokens.get(refresh);
      if (grant == null) {
        json(ctx, 400, oauthError("invalid_grant", "Refresh token is invalid or revoked"));
        return;
      }
      json(ctx, 200, tokenResponse(grant, refresh));
    } else {
      json(
          ctx,
          400,
          oauthError(
              "unsupported_grant_type", "grant_type must be authorization_code or refresh_token"));
    }
  }

  private JsonObject tokenResponse(Grant grant, String usedRefreshToken) {
    String refresh = usedRefreshToken;
    if (refresh == null || options.rotateRefreshTokens) {
      if (refresh != null) {
        refreshTokens.remove(refresh);
      }
      refresh = randomToken();
      refreshTokens.put(refresh, new Grant(grant.characterId(), grant.scopes(), Instant.MAX));
    }
    String access =
        sign(claimsFor(grant.characterId(), grant.scopes(), options.accessTokenLifetime));
    return new JsonObject()
        .put("access_token", access)
        .put("expires_in", options.accessTokenLifetime.toSeconds())
        .put("token_type", "Bearer")
        .put("refresh_token", refresh);
  }

  private boolean clientAuthenticated(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
      return decoded.equals(options.clientId + ":" + options.clientSecret);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private JsonObject metadata() {
    String o = origin();
    return new JsonObject()
        .put("issuer", options.issuer)
        .put("authorization_endpoint", o + AUTHORIZE)
        .put("token_endpoint", o + TOKEN)
        .put("jwks_uri", o + JWKS)
        .put("response_types_supported", new JsonArray().add("code").add("token"))
        .put("token_endpoint_auth_methods_supported", new JsonArray().add("client_secret_basic"))
        .put("token_endpoint_auth_signing_alg_values_supported", new JsonArray().add("RS256"));
  }

  private synchronized void installKey(SsoSigningKey key) {
    published.add(key);
    current = key;
    signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key.privateJwk()));
    JWTAuthOptions verify =
        new JWTAuthOptions()
            .setJWTOptions(
                new JWTOptions().setIssuer(options.issuer).setAudience(List.of(EVE_AUDIENCE)));
    published.forEach(k -> verify.addJwk(k.publicJwk()));
    verifier = JWTAuth.create(vertx, verify);
  }

  private String characterName(long characterId) {
    return universe == null
        ? "Character " + characterId
        : universe
            .character(characterId)
            .map(c -> c.getString("name"))
            .orElse("Character " + characterId);
  }

  /** EVE's owner hash changes when a character is sold; here it is derived from the id only. */
  private static String ownerHash(long characterId) {
    return Base64.getEncoder()
        .encodeToString(("owner-of-" + characterId).getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> splitScopes(String scope) {
    List<String> list = new ArrayList<>();
    for (String s : scope.trim().split("\\s+")) {
      if (!s.isEmpty()) {
        list.add(s);
      }
    }
    return List.copyOf(list);
  }

  private static JsonObject oauthError(String error, String description) {
    return new JsonObject().put("error", error).put("error_description", description);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=UTF-8")
        .end(body.encode());
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
