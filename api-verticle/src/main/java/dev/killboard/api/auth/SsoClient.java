package dev.killboard.api.auth;

import dev.killboard.api.config.SsoSettings;
import dev.killboard.api.errors.ApiException;
import dev.killboard.api.errors.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The EVE SSO OAuth endpoints the login flow uses: the authorize URL, code exchange and token refresh. */
public final class SsoClient {
  /** What the SSO's token endpoint answers. */
  public record TokenGrant(String accessToken, String refreshToken, int expiresIn) {
    @Override
    public String toString() {
      return "TokenGrant[expiresIn=" + expiresIn + "]";
    }
  }

  private final SsoSettings settings;
  private final SsoHttp http;

  public SsoClient(Vertx vertx, SsoSettings settings) {
    this.settings = settings;
    this.http = new SsoHttp(vertx);
  }

  /** The URL the browser is sent to, carrying {@code state}. */
  public String authorizeUrl(String state) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("redirect_uri", settings.callbackUrl());
    q.put("client_id", settings.clientId());
    q.put("scope", String.join(" ", settings.scopes()));
    q.put("state", state);
    return settings.authorizeUrl() + "?" + form(q);
  }

  /** Exchanges an authorization code. */
  public Future<TokenGrant> exchangeCode(String code) {
    return grant(Map.of("grant_type", "authorization_code", "code", code), "code");
  }

  /** Gets a fresh access token for a refresh token. */
  public Future<TokenGrant> refresh(String refreshToken) {
    return grant(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken), "refresh token");
  }

  private Future<TokenGrant> grant(Map<String, String> params, String what) {
    String basic = "Basic " + Base64.getEncoder().encodeToString(
        (settings.clientId() + ":" + settings.clientSecret()).getBytes(StandardCharsets.UTF_8));
    return http.postForm(settings.tokenUrl(), basic, form(params))
        .recover(e -> Future.failedFuture(new ApiException(ErrorCode.UPSTREAM_ERROR, "EVE SSO is not reachable")))
        .compose(reply -> {
          if (reply.status() >= 400 && reply.status() < 500) {
            return Future.failedFuture(new ApiException(ErrorCode.UNAUTHENTICATED, "EVE SSO refused the " + what));
          }
          if (!reply.ok()) {
            return Future.failedFuture(new ApiException(ErrorCode.UPSTREAM_ERROR, "EVE SSO answered HTTP " + reply.status()));
          }
          JsonObject body;
          try {
            body = reply.json();
          } catch (RuntimeException e) {
            return Future.failedFuture(new ApiException(ErrorCode.UPSTREAM_ERROR, "EVE SSO answered something that is not JSON"));
          }
          String access = body.getString("access_token");
          Integer expires = body.getInteger("expires_in");
          if (access == null || expires == null) {
            return Future.failedFuture(new ApiException(ErrorCode.UPSTREAM_ERROR, "EVE SSO's answer lacks a token"));
          }
          return Future.succeededFuture(new TokenGrant(access, body.getString("refresh_token"), expires));
        });
  }

  private static String form(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public Future<Void> close() {
    return http.close();
  }
}
