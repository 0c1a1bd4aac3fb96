package dev.killboard.upstream.sso;

/** An access token failed verification; the message says why and never contains the token. */
public final class InvalidAccessToken extends RuntimeException {
  /** Why the token was refused. */
  public enum Reason {
    MALFORMED,
    UNSUPPORTED_ALGORITHM,
    UNKNOWN_KEY,
    BAD_SIGNATURE,
    EXPIRED,
    WRONG_ISSUER,
    WRONG_AUDIENCE,
    WRONG_SUBJECT
  }

  private final Reason reason;

  public InvalidAccessToken(Reason reason, String detail) {
    super(
        "EVE SSO access token refused: " + reason + (detail == null ? "" : " (" + detail + ")"),
        null,
        false,
        false);
    this.reason = reason;
  }

  /** Why the token was refused. */
  public Reason reason() {
    return reason;
  }
}
