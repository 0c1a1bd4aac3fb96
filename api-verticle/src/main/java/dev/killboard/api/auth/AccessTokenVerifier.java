package dev.killboard.api.auth;

import dev.killboard.api.config.SsoSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies EVE SSO access tokens locally: signature against the SSO's published keys (JWKS, fetched once and cached,
 * refreshed periodically and when a token names a key not seen yet), issuer, optional audience and expiry.
 * Nothing of the token is ever logged.
 */
public final class AccessTokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(AccessTokenVerifier.class);
  /** Shortest gap between two key fetches caused by unknown key ids, so a flood of forged tokens cannot hammer the SSO. */
  private static final long MIN_REFETCH_MS = 30_000;
  private static final int MAX_TOKEN_LENGTH = 8192;

  private final Vertx vertx;
  private final SsoSettings settings;
  private final SsoHttp http;
  private volatile KeySet keys;
  private volatile Future<KeySet> loading;
  private long timerId = -1;

  /** The keys in force and when they were fetched. */
  private record KeySet(JWTAuth auth, List<String> keyIds, long fetchedAt) {
  }

  public AccessTokenVerifier(Vertx vertx, SsoSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.http = new SsoHttp(vertx);
  }

  /** Starts the periodic key refresh; the first fetch happens on the first token (or here, when {@code eager}). */
  public Future<Void> start(boolean eager) {
    timerId = vertx.setPeriodic(settings.jwksRefreshSeconds() * 1000L, id -> refresh().onFailure(e ->
        LOG.warn("Refreshing EVE SSO signing keys from {} failed: {}", settings.jwksUrl(), e.getMessage())));
    if (!eager) {
      return Future.succeededFuture();
    }
    return refresh().<Void>mapEmpty().recover(e -> {
      // Not fatal: public queries need no keys, and the next token retries the fetch.
      LOG.warn("EVE SSO signing keys not available yet from {}: {}", settings.jwksUrl(), e.getMessage());
      return Future.succeededFuture();
    });
  }

  public Future<Void> stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    return http.close();
  }

  /** Verifies a bearer token; fails with {@link TokenRejected} saying why. */
  public Future<Viewer> verify(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH || token.chars().filter(c -> c == '.').count() != 2) {
      return Future.failedFuture(new TokenRejected("malformed token"));
    }
    String kid = keyIdOf(token);
    if (kid == null) {
      return Future.failedFuture(new TokenRejected("malformed token"));
    }
    KeySet current = keys;
    Future<KeySet> ready;
    if (current == null) {
      ready = refresh();
    } else if (!current.keyIds().contains(kid) && System.currentTimeMillis() - current.fetchedAt() > MIN_REFETCH_MS) {
      ready = refresh().recover(e -> Future.succeededFuture(current));
    } else {
      ready = Future.succeededFuture(current);
    }
    return ready
        .recover(e -> Future.failedFuture(new TokenRejected("the SSO's signing keys are not available")))
        .compose(set -> set.auth().authenticate(new TokenCredentials(token))
            .recover(e -> Future.failedFuture(new TokenRejected(reasonOf(e)))))
        .compose(this::toViewer);
  }

  private static String keyIdOf(String token) {
    try {
      String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
      JsonObject h = new JsonObject(header);
      String alg = h.getString("alg");
      if (alg == null || alg.equalsIgnoreCase("none") || alg.startsWith("HS")) {
        return null;
      }
      String kid = h.getString("kid");
      return kid == null ? "" : kid;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String reasonOf(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (m.contains("expired")) {
      return "token expired";
    }
    if (m.contains("issuer")) {
      return "wrong issuer";
    }
    if (m.contains("audience")) {
      return "wrong audience";
    }
    if (m.contains("signature") || m.contains("kid") || m.contains("key") || m.contains("algorithm")) {
      return "invalid signature";
    }
    return "invalid token";
  }

  private Future<Viewer> toViewer(User user) {
    // vertx-auth-jwt keeps the verified claims under attributes.accessToken (the principal holds the raw token).
    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
    String sub = claims.getString("sub", "");
    String[] parts = sub.split(":");
    Long exp = claims.getLong("exp");
    if (parts.length != 3 || !parts[0].equals("CHARACTER") || exp == null) {
      return Future.failedFuture(new TokenRejected("not a character token"));
    }
    int characterId;
    try {
      characterId = Integer.parseInt(parts[2]);
    } catch (NumberFormatException e) {
      return Future.failedFuture(new TokenRejected("not a character token"));
    }
    if (exp * 1000 < System.currentTimeMillis()) {
      return Future.failedFuture(new TokenRejected("token expired"));
    }
    List<String> scopes = new ArrayList<>();
    Object scp = claims.getValue("scp");
    if (scp instanceof JsonArray arr) {
      arr.forEach(s -> scopes.add(String.valueOf(s)));
    } else if (scp instanceof String s) {
      scopes.add(s);
    }
    return Future.succeededFuture(new Viewer(characterId, claims.getString("name", ""), claims.getString("owner", ""),
        List.copyOf(scopes), Instant.ofEpochSecond(exp)));
  }

  private synchronized Future<KeySet> refresh() {
    Future<KeySet> inFlight = loading;
    if (inFlight != null && !inFlight.isComplete()) {
      return inFlight;
    }
    Future<KeySet> f = http.get(settings.jwksUrl()).compose(reply -> {
      if (!reply.ok()) {
        return Future.failedFuture("JWKS answered HTTP " + reply.status());
      }
      return Future.succeededFuture(buildKeySet(reply.json()));
    });
    f.onSuccess(set -> keys = set);
    loading = f;
    return f;
  }

  private KeySet buildKeySet(JsonObject jwks) {
    JsonArray list = jwks.getJsonArray("keys", new JsonArray());
    JWTOptions jwtOptions = new JWTOptions().setIssuer(settings.issuer()).setLeeway(5);
    if (settings.audience() != null) {
      jwtOptions.addAudience(settings.audience());
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(jwtOptions);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonObject key = list.getJsonObject(i);
      // Only signature keys of asymmetric kinds: a symmetric key in a JWKS would let anyone holding it sign.
      String kty = key.getString("kty", "");
      if (!(kty.equals("RSA") || kty.equals("EC")) || "enc".equals(key.getString("use"))) {
        continue;
      }
      options.addJwk(key);
      ids.add(key.getString("kid", ""));
    }
    if (ids.isEmpty()) {
      throw new IllegalStateException("JWKS at " + settings.jwksUrl() + " holds no RSA or EC signing key");
    }
    JWTAuth auth = JWTAuth.create(vertx, options);
    LOG.info("EVE SSO signing keys loaded from {}: {}", settings.jwksUrl(), ids);
    return new KeySet(auth, List.copyOf(ids), System.currentTimeMillis());
  }

  /** A token that did not verify; the message is safe to show. */
  public static final class TokenRejected extends RuntimeException {
    public TokenRejected(String reason) {
      super(reason, null, false, false);
    }
  }
}
