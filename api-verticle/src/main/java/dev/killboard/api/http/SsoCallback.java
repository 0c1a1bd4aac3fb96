package dev.killboard.api.http;

import dev.killboard.api.auth.SignIn;
import dev.killboard.api.config.SsoSettings;
import dev.killboard.api.errors.ApiException;
import dev.killboard.api.errors.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /auth/callback?code&state}: where EVE SSO sends the browser back. Exchanges the code,
 * stores the user, then redirects to the frontend's {@code /auth/success} with the original's query
 * parameters ({@code token}, {@code refresh_token}, {@code expires_in}, {@code character_name},
 * {@code character_id}).
 */
public final class SsoCallback implements Handler<RoutingContext> {
  private final SignIn signIn;
  private final SsoSettings settings;

  public SsoCallback(SignIn signIn, SsoSettings settings) {
    this.signIn = signIn;
    this.settings = settings;
  }

  @Override
  public void handle(RoutingContext rc) {
    String code = rc.queryParams().get("code");
    String state = rc.queryParams().get("state");
    if (code == null || code.isEmpty() || state == null || state.isEmpty()) {
      json(rc, 400, new JsonObject().put("error", "Missing code or state parameter"));
      return;
    }
    if (!signIn.enabled()) {
      json(
          rc,
          503,
          new JsonObject().put("error", "EVE SSO sign-in is not configured on this server"));
      return;
    }
    signIn
        .completeWithCode(code, state, LoginCookie.of(rc.request()), ClientAddress.of(rc))
        .onSuccess(
            session -> {
              LoginCookie.clear(rc, signIn.secureCookie());
              String location =
                  settings.frontendUrl()
                      + "/auth/success"
                      + "?token="
                      + enc(session.grant().accessToken())
                      + "&refresh_token="
                      + enc(
                          session.grant().refreshToken() == null
                              ? ""
                              : session.grant().refreshToken())
                      + "&expires_in="
                      + session.grant().expiresIn().toSeconds()
                      + "&character_name="
                      + enc(session.viewer().characterName())
                      + "&character_id="
                      + session.viewer().characterId();
              rc.response()
                  .setStatusCode(302)
                  .putHeader("Location", location)
                  .putHeader("Cache-Control", "no-store")
                  .end();
            })
        .onFailure(
            e -> {
              ApiException api =
                  e instanceof ApiException a
                      ? a
                      : new ApiException(ErrorCode.UPSTREAM_ERROR, "Authentication failed");
              int status =
                  switch (api.code()) {
                    case BAD_USER_INPUT, UNAUTHENTICATED, LOGIN_STATE_REJECTED -> 400;
                    case RATE_LIMITED -> 429;
                    case UPSTREAM_ERROR, SERVICE_UNAVAILABLE -> 502;
                    default -> 500;
                  };
              if (e instanceof dev.killboard.api.errors.RateLimited limited) {
                rc.response().putHeader("Retry-After", Long.toString(limited.retryAfterSeconds()));
              }
              json(
                  rc,
                  status,
                  new JsonObject()
                      .put("error", "Authentication failed")
                      .put("message", api.getMessage())
                      .put("code", api.code().name()));
            });
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }
}
