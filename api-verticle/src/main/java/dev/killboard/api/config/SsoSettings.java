package dev.killboard.api.config;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.upstream.UpstreamSettings;
import dev.killboard.upstream.sso.TokenCipher;
import java.util.List;

/**
 * EVE SSO: where tokens are verified and, with a client id, the login flow and the key that
 * encrypts stored tokens.
 */
public record SsoSettings(
    UpstreamSettings upstream,
    String audience,
    String frontendUrl,
    List<String> scopes,
    byte[] tokenKey) {

  /**
   * The callback defaults to KILLBOARD_PUBLIC_URL + /auth/callback, else to this process's own host
   * (a wildcard: localhost) and port, so that a changed KILLBOARD_HTTP_PORT still works.
   */
  static SsoSettings from(Env env, String httpHost, int httpPort) {
    String publicUrl =
        env.url("KILLBOARD_PUBLIC_URL", null)
            .about("the address users reach the API at, behind a proxy");
    String host =
        List.of("0.0.0.0", "::", "[::]").contains(httpHost)
            ? "localhost"
            : httpHost.contains(":") && !httpHost.startsWith("[") ? "[" + httpHost + "]" : httpHost;
    // Port 0 (a random port, tests only) cannot be known here.
    String callback =
        publicUrl != null
            ? publicUrl + "/auth/callback"
            : "http://" + host + ":" + (httpPort == 0 ? 8080 : httpPort) + "/auth/callback";
    // The SSO, unlike ESI, asks for no contact.
    UpstreamSettings upstream =
        UpstreamSettings.from(
            env, "Killboard-API/0.1 (sign-in only; contact unset@example.invalid)", callback);
    String frontend =
        env.url("KILLBOARD_FRONTEND_URL", "http://localhost:3000")
            .about("where sign-in sends the browser back");
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
        env.string("KILLBOARD_SSO_AUDIENCE", null).about("an audience tokens must carry"),
        frontend,
        env.list(
                "KILLBOARD_SSO_SCOPES",
                List.of(
                    "publicData",
                    "esi-killmails.read_killmails.v1",
                    "esi-killmails.read_corporation_killmails.v1",
                    "esi-fittings.read_fittings.v1",
                    "esi-fittings.write_fittings.v1",
                    "esi-characters.read_medals.v1"))
            .about("the scopes sign-in asks for"),
        key);
  }

  /** True when the SSO login flow (client id, secret and token key) is configured. */
  public boolean loginEnabled() {
    return upstream.ssoClientId() != null;
  }

  public String callbackUrl() {
    return upstream.ssoCallbackUrl();
  }

  /** The AES-256 key for stored tokens (a copy), or null when login is off. */
  public byte[] tokenKey() {
    return tokenKey == null ? null : tokenKey.clone();
  }
}
