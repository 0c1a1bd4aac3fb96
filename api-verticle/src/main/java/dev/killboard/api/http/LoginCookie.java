package dev.killboard.api.http;

import dev.killboard.api.auth.LoginState;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The sign-in cookie: the browser nonce a sign-in's OAuth state is bound to. HttpOnly;
 * SameSite=Lax, so the browser sends it on the SSO's top-level redirect back to {@code
 * /auth/callback} but not on cross-site requests; Secure when the API is reached over https; it
 * lives as long as a state and is cleared once used.
 */
public final class LoginCookie {
  public static final String NAME = "killboard_login";

  private LoginCookie() {}

  static void set(RoutingContext rc, String nonce, boolean secure) {
    rc.response()
        .addCookie(
            Cookie.cookie(NAME, nonce)
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.LAX)
                .setSecure(secure)
                .setPath("/")
                .setMaxAge(LoginState.LIFETIME.toSeconds()));
  }

  static void clear(RoutingContext rc, boolean secure) {
    rc.response()
        .addCookie(
            Cookie.cookie(NAME, "")
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.LAX)
                .setSecure(secure)
                .setPath("/")
                .setMaxAge(0));
  }

  /** The nonce the request's cookie holds, or null. */
  public static String of(HttpServerRequest request) {
    Cookie cookie = request.getCookie(NAME);
    return cookie == null ? null : cookie.getValue();
  }
}
