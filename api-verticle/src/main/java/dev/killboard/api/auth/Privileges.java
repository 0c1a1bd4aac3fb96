package dev.killboard.api.auth;

import dev.killboard.api.config.ClientLimits;
import dev.killboard.api.errors.ApiException;
import dev.killboard.api.errors.ErrorCode;

/**
 * Who may do what beyond reading public data: admins (EVE character ids from {@code
 * KILLBOARD_ADMIN_CHARACTER_IDS}) start crawls that call ESI and read every user record; a
 * signed-in character reads its own record only.
 */
public final class Privileges {
  private final ClientLimits limits;

  public Privileges(ClientLimits limits) {
    this.limits = limits;
  }

  /** Whether the request's viewer is an admin (false when anonymous). */
  public boolean isAdmin(Authentication authentication) {
    Viewer viewer = authentication.viewer();
    return viewer != null && limits.isAdmin(viewer.characterId());
  }

  /**
   * The viewer when it is an admin; UNAUTHENTICATED when anonymous, FORBIDDEN when signed in as
   * someone else.
   */
  public Viewer requireAdmin(Authentication authentication, String what) {
    Viewer viewer = authentication.require();
    if (!limits.isAdmin(viewer.characterId())) {
      throw new ApiException(
          ErrorCode.FORBIDDEN,
          "Only the server's admins may "
              + what
              + " (their characters are listed in KILLBOARD_ADMIN_CHARACTER_IDS)");
    }
    return viewer;
  }
}
