package dev.killboard.upstream.sso;

import dev.killboard.upstream.JsonShape;
import dev.killboard.upstream.StatusOutcome;
import dev.killboard.upstream.UpstreamHttp;
import dev.killboard.upstream.UpstreamService;
import dev.killboard.upstream.UpstreamSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies EVE SSO access tokens locally: RS256 signature against the SSO's published keys (fetched
 * from the JWKS URL, cached, fetched again after the refresh interval or when a token names an
 * unknown key), issuer, the {@code "EVE Online"} audience (plus the client id when configured),
 * expiry and the {@code CHARACTER:EVE:<id>} subject. Refusals are {@link InvalidAccessToken}; an
 * unreachable key URL is an {@link dev.killboard.upstream.UpstreamRetryable}.
 */
public final class SsoTokenVerifier implements AutoCloseable {
  /** The audience every EVE access token carries. */
  public static final String EVE_AUDIENCE = "EVE Online";

  private static final Logger LOG = LoggerFactory.getLogger(SsoTokenVerifier.class);
  private static final Pattern SUBJECT = Pattern.compile("CHARACTER:EVE:(\\d{1,19})");
  private static final int MAX_TOKEN_LENGTH = 16_384;

  private final Vertx vertx;
  private final UpstreamSettings settings;
  private final UpstreamHttp http;
  private final String requiredAudience;
  private final Clock clock;
  private final Duration minReloadInterval;
  private final Set<String> issuers = new HashSet<>();
  private Future<Keys> current;
  private Future<Keys> loading;

  private record Keys(JWTAuth auth, Set<String> kids, Instant loadedAt) {}

  /**
   * A verifier requiring the configured client id (if any) as audience; unknown keys refetch at
   * most once per {@link UpstreamSettings#ssoJwksMinReload()}.
   */
  public SsoTokenVerifier(Vertx vertx, UpstreamSettings settings) {
    this(vertx, settings, settings.ssoClientId(), Clock.systemUTC(), settings.ssoJwksMinReload());
  }

  /**
   * A verifier requiring {@code requiredAudience} (null: only "EVE Online"); a token with an
   * unknown key id makes it fetch the keys again, at most once per {@code minReloadInterval}.
   */
  public SsoTokenVerifier(
      Vertx vertx,
      UpstreamSettings settings,
      String requiredAudience,
      Clock clock,
      Duration minReloadInterval) {
    this.vertx = vertx;
    this.settings = settings;
    this.http = new UpstreamHttp(vertx, settings);
    this.requiredAudience = requiredAudience;
    this.clock = clock;
    this.minReloadInterval = minReloadInterval;
    String issuer = settings.ssoIssuer();
    issuers.add(issuer);
    // EVE has issued both "login.eveonline.com" and "https://login.eveonline.com".
    if (issuer.startsWith("https://")) {
      issuers.add(issuer.substring("https://".length()));
    } else if (!issuer.contains("://")) {
      issuers.add("https://" + issuer);
    }
  }

  /** Verifies a token; completes with its character or fails with {@link InvalidAccessToken}. */
  public Future<SsoCharacter> verify(String accessToken) {
    String kid;
    try {
      kid = keyIdOf(accessToken);
    } catch (InvalidAccessToken e) {
      return Future.failedFuture(e);
    }
    return keys(false)
        .compose(
            keys -> {
              if (kid == null || keys.kids().contains(kid)) {
                return authenticate(keys, accessToken);
              }
              if (!Duration.between(keys.loadedAt(), clock.instant())
                  .minus(minReloadInterval)
                  .isNegative()) {
                return keys(true)
                    .compose(
                        fresh ->
                            fresh.kids().contains(kid)
                                ? authenticate(fresh, accessToken)
                                : Future.failedFuture(unknownKey()));
              }
              // Too soon to ask the SSO again: say what is wrong rather than try the token against
              // keys that cannot match.
              return Future.failedFuture(unknownKey());
            });
  }

  private static InvalidAccessToken unknownKey() {
    // The key id comes from the token: not echoed, it is the sender's text.
    return new InvalidAccessToken(
        InvalidAccessToken.Reason.UNKNOWN_KEY, "signed with a key the SSO has not published");
  }

  @Override
  public void close() {
    http.close();
  }

  private Future<SsoCharacter> authenticate(Keys keys, String token) {
    return keys.auth()
        .authenticate(new TokenCredentials(token))
        .transform(
            ar -> {
              if (ar.failed()) {
                Throwable e = ar.cause();
                InvalidAccessToken.Reason reason =
                    e instanceof NoSuchKeyIdException
                        ? InvalidAccessToken.Reason.UNKNOWN_KEY
                        : e instanceof SignatureException
                            ? InvalidAccessToken.Reason.BAD_SIGNATURE
                            : InvalidAccessToken.Reason.MALFORMED;
                return Future.failedFuture(
                    new InvalidAccessToken(reason, e.getClass().getSimpleName()));
              }
              try {
                return Future.succeededFuture(
                    character(ar.result().attributes().getJsonObject("accessToken")));
              } catch (InvalidAccessToken e) {
                return Future.failedFuture(e);
              }
            });
  }

  private SsoCharacter character(JsonObject claims) {
    if (claims == null) {
      throw new InvalidAccessToken(InvalidAccessToken.Reason.MALFORMED, "no claims");
    }
    if (!(claims.getValue("iss") instanceof String iss) || !issuers.contains(iss)) {
      throw new InvalidAccessToken(
          InvalidAccessToken.Reason.WRONG_ISSUER, "expected " + settings.ssoIssuer());
    }
    List<String> audience = strings(claims.getValue("aud"));
    if (!audience.contains(EVE_AUDIENCE)
        || (requiredAudience != null && !audience.contains(requiredAudience))) {
      throw new InvalidAccessToken(
          InvalidAccessToken.Reason.WRONG_AUDIENCE,
          "expected "
              + EVE_AUDIENCE
              + (requiredAudience == null ? "" : " and " + requiredAudience));
    }
    if (!(claims.getValue("exp") instanceof Number exp)) {
      throw new InvalidAccessToken(InvalidAccessToken.Reason.MALFORMED, "no exp claim");
    }
    Instant expiresAt = Instant.ofEpochSecond(exp.longValue());
    if (!clock.instant().isBefore(expiresAt)) {
      throw new InvalidAccessToken(InvalidAccessToken.Reason.EXPIRED, "expired at " + expiresAt);
    }
    Matcher subject = SUBJECT.matcher(claims.getValue("sub") instanceof String s ? s : "");
    if (!subject.matches()) {
      throw new InvalidAccessToken(
          InvalidAccessToken.Reason.WRONG_SUBJECT, "sub is not CHARACTER:EVE:<id>");
    }
    long characterId;
    try {
      characterId = Long.parseLong(subject.group(1));
    } catch (NumberFormatException e) {
      throw new InvalidAccessToken(
          InvalidAccessToken.Reason.WRONG_SUBJECT, "character id out of range");
    }
    if (!(claims.getValue("name") instanceof String name) || name.isBlank()) {
      throw new InvalidAccessToken(InvalidAccessToken.Reason.MALFORMED, "no name claim");
    }
    String owner = claims.getValue("owner") instanceof String o ? o : null;
    String azp = claims.getValue("azp") instanceof String a ? a : null;
    return new SsoCharacter(
        characterId, name, owner, strings(claims.getValue("scp")), expiresAt, azp);
  }

  private static List<String> strings(Object value) {
    List<String> list = new ArrayList<>();
    if (value instanceof String s) {
      list.add(s);
    } else if (value instanceof JsonArray a) {
      a.forEach(
          v -> {
            if (v instanceof String s) {
              list.add(s);
            }
          });
    }
    return List.copyOf(list);
  }

  /** Checks the token's outline and header before any key work; returns its key id (or null). */
  private static String keyIdOf(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidAccessToken(InvalidAccessToken.Reason.MALFORMED, "empty or too long");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      throw new InvalidAccessToken(InvalidAccessToken.Reason.MALFORMED, "not a signed JWT");
    }
    JsonObject header;
    try {
      header =
          new JsonObject(
              new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new InvalidAccessToken(
          InvalidAccessToken.Reason.MALFORMED, "header is not base64url JSON");
    }
    if (!"RS256".equals(header.getValue("alg"))) {
      throw new InvalidAccessToken(
          InvalidAccessToken.Reason.UNSUPPORTED_ALGORITHM, "only RS256 is accepted");
    }
    return header.getValue("kid") instanceof String kid ? kid : null;
  }

  private synchronized Future<Keys> keys(boolean reload) {
    Instant now = clock.instant();
    if (!reload
        && current != null
        && current.succeeded()
        && Duration.between(current.result().loadedAt(), now).compareTo(settings.ssoJwksRefresh())
            < 0) {
      return current;
    }
    if (loading != null) {
      return loading;
    }
    Future<Keys> previous = current;
    Future<Keys> attempt = fetchKeys();
    loading = attempt;
    attempt.onComplete(
        ar -> {
          synchronized (this) {
            loading = null;
            if (ar.succeeded()) {
              current = attempt;
            }
          }
        });
    // A failed refresh keeps the keys we had: EVE rotates rarely, and its outage must not log
    // everyone out.
    return attempt.recover(
        e -> {
          if (previous != null && previous.succeeded()) {
            LOG.warn(
                "EVE SSO keys could not be refreshed from {}, keeping the previous ones: {}",
                settings.ssoJwksUrl(),
                e.getMessage());
            return previous;
          }
          return Future.failedFuture(e);
        });
  }

  private Future<Keys> fetchKeys() {
    String url = settings.ssoJwksUrl();
    JsonShape shape = new JsonShape(UpstreamService.SSO, url);
    return UpstreamHttp.send(UpstreamService.SSO, url, http.get(url).send())
        .compose(
            response -> {
              if (response.statusCode() != 200) {
                return Future.failedFuture(
                    StatusOutcome.failure(UpstreamService.SSO, url, response));
              }
              JsonArray keys = shape.list(shape.object(response.body()), "", "keys");
              shape.atMost(keys, "keys", 50);
              JWTAuthOptions options =
                  new JWTAuthOptions().setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
              Set<String> kids = new HashSet<>();
              for (int i = 0; i < keys.size(); i++) {
                JsonObject key = shape.element(keys, "keys", i);
                boolean rsa =
                    "RSA".equals(key.getValue("kty"))
                        && "RS256".equals(key.getValue("alg", "RS256"))
                        && "sig".equals(key.getValue("use", "sig"));
                if (rsa
                    && key.getValue("n") instanceof String
                    && key.getValue("e") instanceof String) {
                  // Public parts only: a JWKS must never make us a signer.
                  JsonObject publicKey =
                      new JsonObject()
                          .put("kty", "RSA")
                          .put("alg", "RS256")
                          .put("use", "sig")
                          .put("n", key.getString("n"))
                          .put("e", key.getString("e"));
                  if (key.getValue("kid") instanceof String kid) {
                    publicKey.put("kid", kid);
                    kids.add(kid);
                  }
                  options.addJwk(publicKey);
                }
              }
              if (options.getJwks() == null || options.getJwks().isEmpty()) {
                return Future.failedFuture(shape.malformed("the JWKS holds no RS256 signing key"));
              }
              return Future.succeededFuture(
                  new Keys(JWTAuth.create(vertx, options), kids, clock.instant()));
            });
  }
}
