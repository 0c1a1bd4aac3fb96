package dev.killboard.api.config;

import dev.killboard.config.ConfigurationException;
import dev.killboard.upstream.UpstreamSettings;
import dev.killboard.upstream.sso.TokenCipher;
import java.time.Duration;
import java.util.List;

/**
 * EVE SSO: where tokens are verified (issuer, JWKS) and, when a client id is set, the application credentials for
 * the login flow plus the key that encrypts stored tokens. Secrets never appear in toString.
 */
public final class SsoSettings {
  /** Scopes the original killboard asks for. */
  public static final List<String> DEFAULT_SCOPES = List.of("publicData", "esi-killmails.read_killmails.v1",
      "esi-killmails.read_corporation_killmails.v1", "esi-fittings.read_fittings.v1", "esi-fittings.write_fittings.v1",
      "esi-characters.read_medals.v1");

  /** The User-Agent toward EVE SSO when KILLBOARD_USER_AGENT is unset: the SSO, unlike ESI, asks for no contact. */
  static final String DEFAULT_USER_AGENT = "Killboard-API/0.1 (sign-in only; contact unset@example.invalid)";

  private final UpstreamSettings upstream;
  private final String audience;
  private final String frontendUrl;
  private final List<String> scopes;
  private final byte[] tokenKey;

  /**
   * SSO settings over {@code upstream} (issuer, JWKS, authorize/token URLs, client credentials, callback) plus what only
   * the API uses.
   */
  public SsoSettings(UpstreamSettings upstream, String audience, String frontendUrl, List<String> scopes, byte[] tokenKey) {
    this.upstream = upstream;
    this.audience = audience;
    this.frontendUrl = frontendUrl;
    this.scopes = List.copyOf(scopes);
    this.tokenKey = tokenKey == null ? null : tokenKey.clone();
  }

  static SsoSettings fromEnv(EnvReader r) {
    String base = r.string("KILLBOARD_SSO_BASE_URL", "https://login.eveonline.com");
    ApiSettings.requireHttpUrl("KILLBOARD_SSO_BASE_URL", base);
    String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    String issuer = r.string("KILLBOARD_SSO_ISSUER", trimmed);
    String jwks = r.string("KILLBOARD_SSO_JWKS_URL", trimmed + "/oauth/jwks");
    String authorize = r.string("KILLBOARD_SSO_AUTHORIZE_URL", trimmed + "/v2/oauth/authorize");
    String token = r.string("KILLBOARD_SSO_TOKEN_URL", trimmed + "/v2/oauth/token");
    ApiSettings.requireHttpUrl("KILLBOARD_SSO_JWKS_URL", jwks);
    ApiSettings.requireHttpUrl("KILLBOARD_SSO_AUTHORIZE_URL", authorize);
    ApiSettings.requireHttpUrl("KILLBOARD_SSO_TOKEN_URL", token);
    String frontend = r.string("KILLBOARD_FRONTEND_URL", "http://localhost:3000");
    ApiSettings.requireHttpUrl("KILLBOARD_FRONTEND_URL", frontend);
    String clientId = r.optional("KILLBOARD_SSO_CLIENT_ID");
    String secret = r.optional("KILLBOARD_SSO_CLIENT_SECRET");
    String callback = r.string("KILLBOARD_SSO_CALLBACK_URL", defaultCallback(r));
    ApiSettings.requireHttpUrl("KILLBOARD_SSO_CALLBACK_URL", callback);
    byte[] key = null;
    if (clientId != null) {
      if (secret == null) {
        throw new ApiConfigException("KILLBOARD_SSO_CLIENT_SECRET is not set but KILLBOARD_SSO_CLIENT_ID is; set the secret of"
            + " your EVE developer application (https://developers.eveonline.com) or unset the client id to disable sign-in.");
      }
      key = tokenKey(r.optional(TokenCipher.KEY_VARIABLE));
    }
    int refreshSeconds = r.integer("KILLBOARD_SSO_JWKS_REFRESH_SECONDS", 3600, 10, 86_400 * 7);
    int minReloadSeconds = r.integer(UpstreamSettings.SSO_JWKS_MIN_RELOAD_SECONDS, 30, 0, 3600);
    UpstreamSettings upstream;
    try {
      // Only the SSO part of the upstream settings is used here; ESI and zKillboard keep their defaults, unused.
      upstream = UpstreamSettings.builder().ssoBaseUrl(trimmed).ssoIssuer(issuer).ssoJwksUrl(jwks)
          .ssoAuthorizeUrl(authorize).ssoTokenUrl(token).ssoJwksRefresh(Duration.ofSeconds(refreshSeconds))
          .ssoJwksMinReload(Duration.ofSeconds(minReloadSeconds))
          .ssoClientId(clientId).ssoClientSecret(clientId == null ? null : secret).ssoCallbackUrl(callback)
          .userAgent(r.string(UpstreamSettings.USER_AGENT, DEFAULT_USER_AGENT)).build();
    } catch (ConfigurationException e) {
      throw new ApiConfigException(e.getMessage());
    }
    return new SsoSettings(upstream, r.optional("KILLBOARD_SSO_AUDIENCE"),
        frontend.endsWith("/") ? frontend.substring(0, frontend.length() - 1) : frontend,
        r.list("KILLBOARD_SSO_SCOPES", DEFAULT_SCOPES), key);
  }

  /**
   * Where EVE SSO sends the browser back when KILLBOARD_SSO_CALLBACK_URL is unset: under KILLBOARD_PUBLIC_URL (the
   * address users reach the API at, behind a proxy), else this process's own HTTP host and port, so that a changed
   * KILLBOARD_HTTP_PORT does not leave the login ending on a dead port. A wildcard host becomes localhost.
   */
  static String defaultCallback(EnvReader r) {
    String publicUrl = r.optional("KILLBOARD_PUBLIC_URL");
    if (publicUrl != null) {
      ApiSettings.requireHttpUrl("KILLBOARD_PUBLIC_URL", publicUrl);
      return publicUrl.replaceAll("/+$", "") + "/auth/callback";
    }
    String host = r.string("KILLBOARD_HTTP_HOST", "0.0.0.0");
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    int port = r.integer("KILLBOARD_HTTP_PORT", 8080, 0, 65535);
    // Port 0 (a random port, tests only) cannot be known here.
    return "http://" + host + ":" + (port == 0 ? 8080 : port) + "/auth/callback";
  }

  private static byte[] tokenKey(String raw) {
    try {
      return TokenCipher.parseKey(raw);
    } catch (ConfigurationException e) {
      throw new ApiConfigException(e.getMessage());
    }
  }

  /** True when the SSO login flow (client id, secret and token key) is configured. */
  public boolean loginEnabled() {
    return upstream.ssoClientId() != null;
  }

  /** The settings the shared EVE SSO client and token verifier (upstream-clients) run on. */
  public UpstreamSettings upstream() { return upstream; }
  public String issuer() { return upstream.ssoIssuer(); }
  public String jwksUrl() { return upstream.ssoJwksUrl(); }
  /** Audience a token must carry besides "EVE Online", or null for none. */
  public String audience() { return audience; }
  public String authorizeUrl() { return upstream.ssoAuthorizeUrl(); }
  public String tokenUrl() { return upstream.ssoTokenUrl(); }
  public String clientId() { return upstream.ssoClientId(); }
  public String callbackUrl() { return upstream.ssoCallbackUrl(); }
  public String frontendUrl() { return frontendUrl; }
  public List<String> scopes() { return scopes; }
  public int jwksRefreshSeconds() { return (int) upstream.ssoJwksRefresh().toSeconds(); }
  /** The AES-256 key for stored tokens (a copy), or null when login is off. */
  public byte[] tokenKey() { return tokenKey == null ? null : tokenKey.clone(); }

  @Override
  public String toString() {
    return "sso(issuer=" + issuer() + ", jwks=" + jwksUrl() + ", login=" + (loginEnabled() ? "on, client " + clientId() : "off")
        + ")";
  }
}
