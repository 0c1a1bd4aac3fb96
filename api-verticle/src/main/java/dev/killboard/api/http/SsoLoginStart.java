package dev.killboard.api.http;

import dev.killboard.api.auth.SignIn;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /auth/login}: where the {@code login} mutation's URL sends the browser. Sets the
 * sign-in cookie ({@link LoginCookie}) and redirects to EVE SSO with a state bound to it, so only
 * this browser can finish the sign-in.
 */
public final class SsoLoginStart implements Handler<RoutingContext> {
  private final SignIn signIn;

  public SsoLoginStart(SignIn signIn) {
    this.signIn = signIn;
  }

  @Override
  public void handle(RoutingContext rc) {
    if (!signIn.enabled()) {
      rc.response()
          .setStatusCode(503)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .end(
              new JsonObject()
                  .put("error", "EVE SSO sign-in is not configured on this server")
                  .encode());
      return;
    }
    SignIn.Start start = signIn.start();
    LoginCookie.set(rc, start.browserNonce(), signIn.secureCookie());
    rc.response()
        .setStatusCode(302)
        .putHeader("Location", start.authorizeUrl())
        .putHeader("Cache-Control", "no-store")
        .end();
  }
}
