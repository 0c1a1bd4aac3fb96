package dev.killboard.upstream.sso;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Secret;
import dev.killboard.upstream.JsonShape;
import dev.killboard.upstream.StatusOutcome;
import dev.killboard.upstream.UpstreamHttp;
import dev.killboard.upstream.UpstreamRejected;
import dev.killboard.upstream.UpstreamService;
import dev.killboard.upstream.UpstreamSettings;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * EVE SSO's OAuth 2.0 endpoints: the authorize URL for the browser, the code exchange and the token
 * refresh (HTTP Basic with the application's client id and secret, which never appear in messages
 * or logs).
 */
public final class SsoClient implements AutoCloseable {
  private final UpstreamSettings settings;
  private final UpstreamHttp http;

  /** A client for the configured application; fails when client id or secret are not set. */
  public SsoClient(Vertx vertx, UpstreamSettings settings) {
    if (settings.ssoClientId() == null || settings.ssoClientSecret() == null) {
      throw new ConfigurationException(
          UpstreamSettings.SSO_CLIENT_ID
              + " and "
              + UpstreamSettings.SSO_CLIENT_SECRET
              + " must be set to use EVE SSO; create an application at https://developers.eveonline.com and copy both.");
    }
    this.settings = settings;
    this.http = new UpstreamHttp(vertx, settings);
  }

  /** The URL to send the browser to, returning to the configured callback URL. */
  public String authorizeUrl(String state, List<String> scopes) {
    if (settings.ssoCallbackUrl() == null) {
      throw new ConfigurationException(
          UpstreamSettings.SSO_CALLBACK_URL
              + " is not set; set it to the callback URL"
              + " registered for your application, such as https://killboard.example.com/auth/callback.");
    }
    return authorizeUrl(state, scopes, settings.ssoCallbackUrl());
  }

  /** The URL to send the browser to, returning to {@code redirectUri}. */
  public String authorizeUrl(String state, List<String> scopes, String redirectUri) {
    if (state == null || state.isBlank()) {
      throw new IllegalArgumentException(
          "state is required (it protects the callback against forgery)");
    }
    return settings.ssoAuthorizeUrl()
        + "?response_type=code&redirect_uri="
        + encode(redirectUri)
        + "&client_id="
        + encode(settings.ssoClientId())
        + "&scope="
        + encode(String.join(" ", scopes))
        + "&state="
        + encode(state);
  }

  /** Exchanges the code from the callback for tokens. */
  public Future<SsoTokens> exchangeCode(String code) {
    if (code == null || code.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException("an authorization code is required"));
    }
    return token(
        MultiMap.caseInsensitiveMultiMap()
            .add("grant_type", "authorization_code")
            .add("code", code));
  }

  /** Gets a fresh access token (and possibly a new refresh token) for a stored refresh token. */
  public Future<SsoTokens> refresh(String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException("a refresh token is required"));
    }
    return token(
        MultiMap.caseInsensitiveMultiMap()
            .add("grant_type", "refresh_token")
            .add("refresh_token", refreshToken));
  }

  private Future<SsoTokens> token(MultiMap form) {
    String url = settings.ssoTokenUrl();
    JsonShape shape = new JsonShape(UpstreamService.SSO, url);
    return UpstreamHttp.send(
            UpstreamService.SSO,
            url,
            http.post(url)
                .basicAuthentication(
                    settings.ssoClientId(), Secret.reveal(settings.ssoClientSecret()))
                .sendForm(form))
        .compose(
            response ->
                response.statusCode() == 200
                    ? Future.succeededFuture(tokens(shape, response))
                    : Future.failedFuture(failure(url, response)));
  }

  private static SsoTokens tokens(JsonShape s, HttpResponse<Buffer> response) {
    JsonObject body = s.object(response.body());
    String access = s.text(body, "", "access_token");
    String type = s.text(body, "", "token_type");
    if (!type.equalsIgnoreCase("Bearer")) {
      throw s.malformed("token_type is not Bearer");
    }
    long expiresIn = s.count(body, "", "expires_in");
    String refresh = s.optionalText(body, "", "refresh_token");
    return new SsoTokens(
        access,
        refresh == null || refresh.isBlank() ? null : refresh,
        Duration.ofSeconds(expiresIn),
        type);
  }

  /**
   * OAuth errors keep their code (invalid_grant: log in again; invalid_client: check the
   * credentials).
   */
  private static RuntimeException failure(String url, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status == 400 || status == 401) {
      String error = "unknown error";
      try {
        JsonObject body = response.bodyAsJsonObject();
        if (body != null && body.getValue("error") instanceof String e && e.length() <= 64) {
          error = e;
        }
      } catch (RuntimeException ignored) {
        // Not JSON: keep the generic text.
      }
      String hint =
          error.equals("invalid_client")
              ? "; check "
                  + UpstreamSettings.SSO_CLIENT_ID
                  + " and "
                  + UpstreamSettings.SSO_CLIENT_SECRET
              : error.equals("invalid_grant") ? "; the user must sign in again" : "";
      return new UpstreamRejected(UpstreamService.SSO, url, status, error + hint);
    }
    return StatusOutcome.failure(UpstreamService.SSO, url, response);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    http.close();
  }
}
