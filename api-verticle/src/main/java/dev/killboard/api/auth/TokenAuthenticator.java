package dev.killboard.api.auth;

import dev.killboard.upstream.sso.InvalidAccessToken;
import dev.killboard.upstream.sso.SsoCharacter;
import dev.killboard.upstream.sso.SsoTokenVerifier;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's view of an EVE SSO access token: verified by the shared {@link SsoTokenVerifier} (JWKS
 * cached and refreshed, issuer, audience, expiry, character subject), turned into a {@link Viewer}.
 * Refusals become {@link TokenRejected} with a short reason safe to show to the client; nothing of
 * the token is ever logged.
 */
public final class TokenAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(TokenAuthenticator.class);

  private final SsoTokenVerifier verifier;

  /** Authenticates through {@code verifier}, which this object does not own. */
  public TokenAuthenticator(SsoTokenVerifier verifier) {
    this.verifier = verifier;
  }

  /** The viewer of a bearer token; fails with {@link TokenRejected} saying why. */
  public Future<Viewer> verify(String token) {
    return verifier
        .verify(token)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                return viewer(ar.result());
              }
              Throwable e = ar.cause();
              if (e instanceof InvalidAccessToken invalid) {
                return Future.failedFuture(new TokenRejected(reason(invalid.reason())));
              }
              // The keys could not be fetched (SSO down, bad JWKS): not the client's fault, but its
              // token cannot be checked.
              LOG.warn("EVE SSO access token not verifiable: {}", e.getMessage());
              return Future.failedFuture(
                  new TokenRejected("the SSO's signing keys are not available"));
            });
  }

  private static Future<Viewer> viewer(SsoCharacter c) {
    if (c.characterId() > Integer.MAX_VALUE) {
      return Future.failedFuture(new TokenRejected("not a character token"));
    }
    return Future.succeededFuture(
        new Viewer(
            (int) c.characterId(),
            c.name(),
            c.owner() == null ? "" : c.owner(),
            c.scopes(),
            c.expiresAt()));
  }

  /**
   * The reasons the API has always given (the frontend refreshes its token on any UNAUTHENTICATED).
   */
  static String reason(InvalidAccessToken.Reason reason) {
    return switch (reason) {
      case EXPIRED -> "token expired";
      case UNKNOWN_KEY, BAD_SIGNATURE -> "invalid signature";
      case MALFORMED, UNSUPPORTED_ALGORITHM -> "malformed token";
      case WRONG_ISSUER -> "wrong issuer";
      case WRONG_AUDIENCE -> "wrong audience";
      case WRONG_SUBJECT -> "not a character token";
    };
  }

  /** A token that did not verify; the message is safe to show. */
  public static final class TokenRejected extends RuntimeException {
    public TokenRejected(String reason) {
      super(reason, null, false, false);
    }
  }
}
