package dev.killboard.api.auth;

import dev.killboard.api.errors.ApiException;

/**
 * What a request proved about its caller: nobody (no token), a {@link Viewer}, or a token that
 * failed verification (kept so operations that need a user can say why they refuse). Public
 * operations treat a failed token as anonymous, as the original does; no data of any user is ever
 * served on it.
 */
public final class Authentication {
  private static final Authentication ANONYMOUS = new Authentication(null, null);

  private final Viewer viewer;
  private final String failure;

  private Authentication(Viewer viewer, String failure) {
    this.viewer = viewer;
    this.failure = failure;
  }

  public static Authentication anonymous() {
    return ANONYMOUS;
  }

  public static Authentication of(Viewer viewer) {
    return new Authentication(viewer, null);
  }

  public static Authentication failed(String reason) {
    return new Authentication(null, reason);
  }

  /** The viewer, or null. */
  public Viewer viewer() {
    return viewer;
  }

  /** Why the presented token was refused, or null. */
  public String failure() {
    return failure;
  }

  /** The viewer; throws UNAUTHENTICATED (with the token's failure reason) when there is none. */
  public Viewer require() {
    if (viewer == null) {
      throw ApiException.unauthenticated(failure);
    }
    return viewer;
  }
}
