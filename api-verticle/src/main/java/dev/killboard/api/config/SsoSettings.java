package dev.killboard.api.config;

import java.util.Base64;
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

  private final String issuer;
  private final String jwksUrl;
  private final String audience;
  private final String authorizeUrl;
  private final String tokenUrl;
  private final String clientId;
  private final String clientSecret;
  private final String callbackUrl;
  private final String frontendUrl;
  private final List<String> scopes;
  private final int jwksRefreshSeconds;
  private final byte[] tokenKey;

  public SsoSettings(String issuer, String jwksUrl, String audience, String authorizeUrl, String tokenUrl, String clientId,
      String clientSecret, String callbackUrl, String frontendUrl, List<String> scopes, int jwksRefreshSeconds, byte[] tokenKey) {
    this.issuer = issuer;
    this.jwksUrl = jwksUrl;
    this.audience = audience;
    this.authorizeUrl = authorizeUrl;
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.callbackUrl = callbackUrl;
    this.frontendUrl = frontendUrl;
    this.scopes = List.copyOf(scopes);
    this.jwksRefreshSeconds = jwksRefreshSeconds;
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
    String callback = r.string("KILLBOARD_SSO_CALLBACK_URL", "http://localhost:8080/auth/callback");
    ApiSettings.requireHttpUrl("KILLBOARD_SSO_CALLBACK_URL", callback);
    byte[] key = null;
    if (clientId != null) {
      if (secret == null) {
        throw new ApiConfigException("KILLBOARD_SSO_CLIENT_SECRET is not set but KILLBOARD_SSO_CLIENT_ID is; set the secret of"
            + " your EVE developer application (https://developers.eveonline.com) or unset the client id to disable sign-in.");
      }
      key = tokenKey(r.optional("KILLBOARD_TOKEN_KEY"));
    }
    return new SsoSettings(issuer, jwks, r.optional("KILLBOARD_SSO_AUDIENCE"), authorize, token, clientId, secret, callback,
        frontend.endsWith("/") ? frontend.substring(0, frontend.length() - 1) : frontend,
        r.list("KILLBOARD_SSO_SCOPES", DEFAULT_SCOPES), r.integer("KILLBOARD_SSO_JWKS_REFRESH_SECONDS", 3600, 10, 86_400 * 7),
        key);
  }

  private static byte[] tokenKey(String raw) {
    if (raw == null) {
      throw new ApiConfigException("KILLBOARD_TOKEN_KEY is not set; EVE SSO sign-in stores tokens encrypted with it."
          + " Generate one with `openssl rand -base64 32` and keep it secret.");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(raw);
    } catch (IllegalArgumentException e) {
      throw new ApiConfigException("KILLBOARD_TOKEN_KEY is not valid base64; generate one with `openssl rand -base64 32`.");
    }
    if (key.length != 32) {
      throw new ApiConfigException("KILLBOARD_TOKEN_KEY decodes to " + key.length + " bytes; AES-256 needs exactly 32."
          + " Generate one with `openssl rand -base64 32`.");
    }
    return key;
  }

  /** True when the SSO login flow (client id, secret and token key) is configured. */
  public boolean loginEnabled() {
    return clientId != null;
  }

  public String issuer() { return issuer; }
  public String jwksUrl() { return jwksUrl; }
  /** Audience a token must carry, or null to accept any. */
  public String audience() { return audience; }
  public String authorizeUrl() { return authorizeUrl; }
  public String tokenUrl() { return tokenUrl; }
  public String clientId() { return clientId; }
  public String clientSecret() { return clientSecret; }
  public String callbackUrl() { return callbackUrl; }
  public String frontendUrl() { return frontendUrl; }
  public List<String> scopes() { return scopes; }
  public int jwksRefreshSeconds() { return jwksRefreshSeconds; }
  /** The AES-256 key for stored tokens (a copy), or null when login is off. */
  public byte[] tokenKey() { return tokenKey == null ? null : tokenKey.clone(); }

  @Override
  public String toString() {
    return "sso(issuer=" + issuer + ", jwks=" + jwksUrl + ", login=" + (loginEnabled() ? "on, client " + clientId : "off") + ")";
  }
}
