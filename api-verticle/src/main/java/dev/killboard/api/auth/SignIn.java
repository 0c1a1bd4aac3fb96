package dev.killboard.api.auth;

import dev.killboard.api.config.SsoSettings;
import dev.killboard.api.data.Timestamps;
import dev.killboard.api.data.UserRepository;
import dev.killboard.api.data.UserRepository.StoredUser;
import dev.killboard.api.data.UserRepository.TokenWrite;
import dev.killboard.api.errors.ApiException;
import dev.killboard.api.errors.ErrorCode;
import dev.killboard.api.errors.RateLimited;
import dev.killboard.api.jobs.QueueAccess;
import dev.killboard.api.limits.LeakyBuckets;
import dev.killboard.contracts.QueueNames;
import dev.killboard.contracts.UserKillmailsJob;
import dev.killboard.queue.Priority;
import dev.killboard.upstream.UpstreamMalformed;
import dev.killboard.upstream.UpstreamNotFound;
import dev.killboard.upstream.UpstreamRejected;
import dev.killboard.upstream.sso.SsoClient;
import dev.killboard.upstream.sso.SsoTokens;
import dev.killboard.upstream.sso.TokenCipher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EVE SSO sign-in flow shared by the GraphQL mutations and {@code GET /auth/callback}: the
 * authorize URL with a signed state, code exchange, refresh, storing the user with encrypted
 * tokens, and queueing the user's killmail sync (at most every 15 minutes, as the original).
 */
public final class SignIn {
  private static final Logger LOG = LoggerFactory.getLogger(SignIn.class);
  private static final long RESYNC_AFTER_MS = 15 * 60 * 1000L;
  private static final int MAX_CODE_LENGTH = 2048;

  private final SsoSettings settings;
  private final SsoClient sso;
  private final TokenAuthenticator verifier;
  private final UserRepository users;
  private final QueueAccess queues;
  private final TokenCipher cipher;
  private final LoginState states;
  private final LeakyBuckets ssoCalls;
  private final int ssoCallsPerMinute;

  /** The result of a sign-in or refresh. */
  public record Session(SsoTokens grant, Viewer viewer, StoredUser user) {}

  /** The GraphQL AuthUrl. */
  public record AuthUrl(String url, String state) {}

  /** A started sign-in: where to send the browser, and the nonce its sign-in cookie must hold. */
  public record Start(String authorizeUrl, String browserNonce) {}

  /**
   * Sign-in over {@code sso} (null when sign-in is off).
   *
   * @param ssoCalls the per-address buckets of calls to EVE SSO (one per process, sized to {@code
   *     ssoCallsPerMinute})
   */
  public SignIn(
      SsoSettings settings,
      SsoClient sso,
      TokenAuthenticator verifier,
      UserRepository users,
      QueueAccess queues,
      LeakyBuckets ssoCalls,
      int ssoCallsPerMinute) {
    this.ssoCalls = ssoCalls;
    this.ssoCallsPerMinute = ssoCallsPerMinute;
    this.settings = settings;
    this.sso = sso;
    this.verifier = verifier;
    this.users = users;
    this.queues = queues;
    this.cipher = settings.loginEnabled() ? new TokenCipher(settings.tokenKey()) : null;
    this.states =
        settings.loginEnabled() ? new LoginState(settings.tokenKey(), Clock.systemUTC()) : null;
  }

  private void requireEnabled() {
    if (!settings.loginEnabled()) {
      throw new ApiException(
          ErrorCode.NOT_SUPPORTED,
          "EVE SSO sign-in is not configured on this server (KILLBOARD_SSO_CLIENT_ID is not set)");
    }
  }

  public boolean enabled() {
    return settings.loginEnabled();
  }

  /**
   * The {@code login} mutation: the browser is sent to the API's own {@code /auth/login}, which
   * sets the sign-in cookie and redirects to EVE SSO with a state bound to it (a GraphQL answer to
   * a cross-origin fetch cannot set a cookie). {@code state} is an informational value bound to no
   * browser.
   */
  public AuthUrl login() {
    requireEnabled();
    return new AuthUrl(loginStartUrl(), states.issue(states.newBrowserNonce()));
  }

  /**
   * The API's sign-in start, next to the callback ({@code …/auth/callback} → {@code …/auth/login}).
   */
  public String loginStartUrl() {
    String callback = settings.callbackUrl();
    int slash = callback.lastIndexOf('/');
    return callback.substring(0, slash) + "/login";
  }

  /** Whether the sign-in cookie must be Secure (the API is reached over https). */
  public boolean secureCookie() {
    return settings.callbackUrl().startsWith("https:");
  }

  /**
   * {@code GET /auth/login}: a new browser nonce and the authorize URL with a state bound to it.
   */
  public Start start() {
    requireEnabled();
    String nonce = states.newBrowserNonce();
    return new Start(sso.authorizeUrl(states.issue(nonce), settings.scopes()), nonce);
  }

  /**
   * Exchanges the code from the SSO redirect; the state must be one this cluster issued to this
   * browser ({@code browserNonce}, from its sign-in cookie) in the last ten minutes, not used
   * before.
   */
  public Future<Session> completeWithCode(
      String code, String state, String browserNonce, String client) {
    requireEnabled();
    if (code == null || code.isBlank() || code.length() > MAX_CODE_LENGTH) {
      return Future.failedFuture(ApiException.badInput("code is missing or too long"));
    }
    LoginState.Verdict verdict = states.use(state, browserNonce);
    if (verdict != LoginState.Verdict.ACCEPTED) {
      return Future.failedFuture(
          new ApiException(
              ErrorCode.LOGIN_STATE_REJECTED,
              switch (verdict) {
                case NOT_ISSUED -> "state was not issued by this server; start the sign-in again";
                case EXPIRED ->
                    "state has expired (sign-ins must finish within "
                        + LoginState.LIFETIME.toMinutes()
                        + " minutes); start the sign-in again";
                case OTHER_BROWSER ->
                    "state belongs to another browser (no or another sign-in cookie): start the sign-in again in this browser";
                case ALREADY_USED -> "state was already used; start the sign-in again";
                case ACCEPTED -> throw new IllegalStateException();
              }));
    }
    RateLimited throttled = throttle(client);
    if (throttled != null) {
      return Future.failedFuture(throttled);
    }
    return sso.exchangeCode(code)
        .recover(e -> ssoFailure(e, "code"))
        .compose(this::store)
        .compose(session -> queueSync(session).map(session));
  }

  /**
   * RATE_LIMITED when {@code client} made its allowance of EVE SSO calls this minute, else null
   * (and counts one).
   */
  private RateLimited throttle(String client) {
    LeakyBuckets.Charge charge = ssoCalls.charge(client == null ? "unknown" : client, 1);
    return charge.allowed()
        ? null
        : new RateLimited(
            "At most "
                + ssoCallsPerMinute
                + " sign-ins and token refreshes per minute from one address; retry in "
                + charge.retryAfterSeconds()
                + " s",
            charge.retryAfterSeconds());
  }

  /** Trades a refresh token for a fresh access token and stores the new tokens. */
  public Future<Session> refresh(String refreshToken, String client) {
    requireEnabled();
    if (refreshToken == null || refreshToken.isBlank() || refreshToken.length() > MAX_CODE_LENGTH) {
      return Future.failedFuture(ApiException.badInput("refreshToken is missing or too long"));
    }
    RateLimited throttled = throttle(client);
    if (throttled != null) {
      return Future.failedFuture(throttled);
    }
    return sso.refresh(refreshToken)
        .recover(e -> ssoFailure(e, "refresh token"))
        .compose(this::store);
  }

  /**
   * The API's errors for a failed token request: the SSO refusing the grant is the client's
   * problem, the rest ours.
   */
  private static <T> Future<T> ssoFailure(Throwable e, String what) {
    if (e instanceof UpstreamRejected || e instanceof UpstreamNotFound) {
      return Future.failedFuture(
          new ApiException(ErrorCode.UNAUTHENTICATED, "EVE SSO refused the " + what));
    }
    if (e instanceof UpstreamMalformed) {
      return Future.failedFuture(
          new ApiException(ErrorCode.UPSTREAM_ERROR, "EVE SSO answered something unusable"));
    }
    LOG.warn("EVE SSO token request failed: {}", e.getMessage());
    return Future.failedFuture(
        new ApiException(ErrorCode.UPSTREAM_ERROR, "EVE SSO is not reachable"));
  }

  private Future<Session> store(SsoTokens grant) {
    return verifier
        .verify(grant.accessToken())
        .recover(
            e ->
                Future.failedFuture(
                    new ApiException(
                        ErrorCode.UPSTREAM_ERROR,
                        "EVE SSO issued a token that does not verify: " + e.getMessage())))
        .compose(
            viewer -> {
              OffsetDateTime expires =
                  Instant.now().plus(grant.expiresIn()).atOffset(ZoneOffset.UTC);
              TokenWrite write =
                  new TokenWrite(
                      viewer.characterId(),
                      viewer.characterName(),
                      viewer.ownerHash(),
                      cipher.encrypt(grant.accessToken(), viewer.characterId()),
                      grant.refreshToken() == null
                          ? null
                          : cipher.encrypt(grant.refreshToken(), viewer.characterId()),
                      expires,
                      viewer.scopes());
              return users.upsertLogin(write).map(user -> new Session(grant, viewer, user));
            });
  }

  private Future<Void> queueSync(Session session) {
    StoredUser user = session.user();
    long now = System.currentTimeMillis();
    boolean character =
        user.lastKillmailSyncAt() == null
            || now - user.lastKillmailSyncAt().toInstant().toEpochMilli() > RESYNC_AFTER_MS;
    boolean corporation =
        user.corporationId() != null
            && (user.lastCorpKillmailSyncAt() == null
                || now - user.lastCorpKillmailSyncAt().toInstant().toEpochMilli()
                    > RESYNC_AFTER_MS);
    if (!character && !corporation) {
      return Future.succeededFuture();
    }
    // A sign-in never fails because the queues are down: the periodic producers pick the user up
    // later.
    return queues
        .queue()
        .compose(
            q -> {
              Future<String> c =
                  character
                      ? q.enqueue(
                          QueueNames.ESI_USER_KILLMAILS, syncPayload(user, "login"), Priority.HIGH)
                      : Future.succeededFuture();
              Future<String> co =
                  corporation
                      ? q.enqueue(
                          QueueNames.ESI_CORPORATION_KILLMAILS,
                          UserKillmailsJob.corporation(user.characterId(), user.corporationId())
                              .toJson()
                              .mergeIn(syncPayload(user, "login")),
                          Priority.HIGH)
                      : Future.succeededFuture();
              return Future.all(c, co).<Void>mapEmpty();
            })
        .recover(
            e -> {
              LOG.warn(
                  "Could not queue the killmail sync of character {} after sign-in: {}",
                  user.characterId(),
                  e.getMessage());
              return Future.succeededFuture();
            });
  }

  /**
   * The payload of a user killmail sync job. It carries no token: the worker reads the user's
   * encrypted tokens from the users table.
   */
  public static JsonObject syncPayload(StoredUser user, String source) {
    return UserKillmailsJob.character(user.characterId())
        .toJson()
        .put("characterName", user.characterName())
        .put("source", source)
        .put("queuedAt", Timestamps.iso(Instant.now()));
  }
}
