package dev.killboard.api.config;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.upstream.UpstreamSettings;
import dev.killboard.upstream.sso.TokenCipher;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * EVE SSO: where tokens are verified (issuer, JWKS) and, when a client id is set, the application
 * credentials for the login flow plus the key that encrypts stored tokens. Secrets never appear in
 * toString.
 */
public record SsoSettings(
    UpstreamSettings upstream,
    String audience,
    String frontendUrl,
    List<String> scopes,
    byte[] tokenKey) {
  /** Scopes the original killboard asks for. */
  public static final List<String> DEFAULT_SCOPES =
      List.of(
          "publicData",
          "esi-killmails.read_killmails.v1",
          "esi-killmails.read_corporation_killmails.v1",
          "esi-fittings.read_fittings.v1",
          "esi-fittings.write_fittings.v1",
          "esi-characters.read_medals.v1");

  /**
   * The User-Agent toward EVE SSO when KILLBOARD_USER_AGENT is unset: the SSO, unlike ESI, asks for
   * no contact.
   */
  static final String DEFAULT_USER_AGENT =
      "Killboard-API/0.1 (sign-in only; contact unset@example.invalid)";

  /**
   * Reads the SSO variables; the callback URL defaults to KILLBOARD_PUBLIC_URL (the address users
   * reach the API at, behind a proxy) + /auth/callback, else this process's own HTTP host and port,
   * so that a changed KILLBOARD_HTTP_PORT does not leave the login ending on a dead port. A
   * wildcard host becomes localhost.
   */
  static SsoSettings from(Env env, String httpHost, int httpPort) {
    String publicUrl =
        env.url("KILLBOARD_PUBLIC_URL", null, "the address users reach the API at, behind a proxy");
    String host =
        httpHost.equals("0.0.0.0") || httpHost.equals("::") || httpHost.equals("[::]")
            ? "localhost"
            : httpHost.contains(":") && !httpHost.startsWith("[") ? "[" + httpHost + "]" : httpHost;
    // Port 0 (a random port, tests only) cannot be known here.
    String callback =
        publicUrl != null
            ? publicUrl + "/auth/callback"
            : "http://" + host + ":" + (httpPort == 0 ? 8080 : httpPort) + "/auth/callback";
    UpstreamSettings upstream = UpstreamSettings.from(env, DEFAULT_USER_AGENT, callback);
    String frontend =
        env.url(
            "KILLBOARD_FRONTEND_URL",
            "http://localhost:3000",
            "where sign-in sends the browser back");
    byte[] key = null;
    String raw = TokenCipher.key(env);
    if (upstream.ssoClientId() != null && upstream.ssoClientSecret() != null) {
      try {
        key = TokenCipher.parseKey(raw);
      } catch (ConfigurationException e) {
        e.problems().forEach(env::problem);
      }
    }
    return new SsoSettings(
        upstream,
        env.string("KILLBOARD_SSO_AUDIENCE", null, "an audience tokens must carry"),
        frontend,
        env.list("KILLBOARD_SSO_SCOPES", DEFAULT_SCOPES, "the scopes sign-in asks for"),
        key);
  }

  static boolean isHttpUrl(String value) {
    try {
      URI uri = new URI(value);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** True when the SSO login flow (client id, secret and token key) is configured. */
  public boolean loginEnabled() {
    return upstream.ssoClientId() != null;
  }

  public String issuer() {
    return upstream.ssoIssuer();
  }

  public String jwksUrl() {
    return upstream.ssoJwksUrl();
  }

  public String authorizeUrl() {
    return upstream.ssoAuthorizeUrl();
  }

  public String tokenUrl() {
    return upstream.ssoTokenUrl();
  }

  public String clientId() {
    return upstream.ssoClientId();
  }

  public String callbackUrl() {
    return upstream.ssoCallbackUrl();
  }

  public int jwksRefreshSeconds() {
    return (int) upstream.ssoJwksRefresh().toSeconds();
  }

  /** The AES-256 key for stored tokens (a copy), or null when login is off. */
  public byte[] tokenKey() {
    return tokenKey == null ? null : tokenKey.clone();
  }

  @Override
  public String toString() {
    return "sso(issuer="
        + issuer()
        + ", jwks="
        + jwksUrl()
        + ", login="
        + (loginEnabled() ? "on, client " + clientId() : "off")
        + ")";
  }
}
