package dev.killboard.upstream;

import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Settings of the upstream clients: base URLs, SSO application, User-Agent, timeouts, limits. */
public record UpstreamSettings(
    String esiBaseUrl,
    String zkbBaseUrl,
    String r2z2BaseUrl,
    String ssoBaseUrl,
    String ssoIssuer,
    String ssoJwksUrl,
    String ssoAuthorizeUrl,
    String ssoTokenUrl,
    Duration ssoJwksRefresh,
    Duration ssoJwksMinReload,
    String ssoClientId,
    Secret ssoClientSecret,
    String ssoCallbackUrl,
    String userAgent,
    Duration connectTimeout,
    Duration requestTimeout,
    int esiErrorLimitMargin,
    Duration esiMaxInlineWait,
    int esiCacheMaxEntries,
    int esiMaxPages,
    String esiCompatibilityDate,
    double zkbRequestsPerSecond,
    double r2z2RequestsPerSecond,
    Duration r2z2NotFoundWait) {
  public static final String SSO_CLIENT_ID = "KILLBOARD_SSO_CLIENT_ID";
  public static final String SSO_CLIENT_SECRET = "KILLBOARD_SSO_CLIENT_SECRET";
  public static final String SSO_CALLBACK_URL = "KILLBOARD_SSO_CALLBACK_URL";
  public static final String USER_AGENT = "KILLBOARD_USER_AGENT";

  /** An e-mail address or a URL: the contact ESI and zKillboard ask the User-Agent to name. */
  private static final Pattern CONTACT =
      Pattern.compile(
          "[^\\s@()<>,;]+@[^\\s@()<>,;]+\\.[A-Za-z]{2,}|(?i:https?://[^\\s()<>]+\\.[^\\s()<>]+)");

  /** Reads every upstream variable; the User-Agent is required. */
  public static UpstreamSettings from(Env env) {
    return from(env, null, null);
  }

  /** Reads every upstream variable, with defaults for the User-Agent and callback URL (or null). */
  public static UpstreamSettings from(Env env, String defaultUserAgent, String defaultCallback) {
    String esi =
        env.url("KILLBOARD_ESI_BASE_URL", "https://esi.evetech.net/latest").about("ESI's base URL");
    String zkb =
        env.url("KILLBOARD_ZKB_BASE_URL", "https://zkillboard.com/api")
            .about("zKillboard's API base URL");
    String r2z2 =
        env.url("KILLBOARD_R2Z2_BASE_URL", "https://r2z2.zkillboard.com/ephemeral")
            .about("R2Z2's base URL");
    String sso =
        env.url("KILLBOARD_SSO_BASE_URL", "https://login.eveonline.com")
            .about("EVE SSO's base URL");
    UpstreamSettings s =
        new UpstreamSettings(
            esi,
            zkb,
            r2z2,
            sso,
            env.string("KILLBOARD_SSO_ISSUER", sso)
                .about("the iss claim EVE access tokens must carry"),
            env.url("KILLBOARD_SSO_JWKS_URL", sso + "/oauth/jwks")
                .about("where the SSO publishes its signing keys"),
            env.url("KILLBOARD_SSO_AUTHORIZE_URL", sso + "/v2/oauth/authorize")
                .about("the OAuth authorize URL"),
            env.url("KILLBOARD_SSO_TOKEN_URL", sso + "/v2/oauth/token")
                .about("the OAuth token URL"),
            env.duration("KILLBOARD_SSO_JWKS_REFRESH", "1h", "10s", "7d")
                .about("how long fetched signing keys are used before they are fetched again"),
            env.duration("KILLBOARD_SSO_JWKS_MIN_RELOAD", "30s", "0s", "1h")
                .about(
                    "how soon a token naming an unknown signing key may make Killboard fetch the SSO's keys again"),
            env.string(SSO_CLIENT_ID, null)
                .about("the EVE developer application's client id (unset: no sign-in)"),
            env.secret(SSO_CLIENT_SECRET).about("the EVE developer application's secret"),
            env.url(SSO_CALLBACK_URL, defaultCallback).about("the registered SSO callback URL"),
            env.string(USER_AGENT, defaultUserAgent)
                .about("the User-Agent sent to every service; names a contact"),
            env.duration("KILLBOARD_UPSTREAM_CONNECT_TIMEOUT", "5s", "100ms", "2m")
                .about("TCP connect timeout towards ESI, zKillboard, R2Z2 and SSO"),
            env.duration("KILLBOARD_UPSTREAM_REQUEST_TIMEOUT", "15s", "100ms", "10m")
                .about("longest wait for an upstream answer (then the call fails as retryable)"),
            env.integer("KILLBOARD_ESI_ERROR_LIMIT_MARGIN", 10, 1, 99)
                .about(
                    "ESI allows about 100 errors per window and Killboard stops this many before 0"),
            env.duration("KILLBOARD_ESI_MAX_INLINE_WAIT", "5s", "0s", "2m")
                .about(
                    "a 429's Retry-After up to this long is waited out inside the call; longer fails it as retryable"),
            env.integer("KILLBOARD_ESI_CACHE_MAX_ENTRIES", 10_000, 0, 1_000_000)
                .about("most ESI answers kept for ETag / Expires (0: no cache)"),
            env.integer("KILLBOARD_ESI_MAX_PAGES", 500, 1, 100_000)
                .about("most pages a paged ESI route may report"),
            env.string("KILLBOARD_ESI_COMPATIBILITY_DATE", null)
                .about("the X-Compatibility-Date sent to ESI"),
            rate(env, "KILLBOARD_ZKB_REQUESTS_PER_SECOND", 2, zkb, "zkillboard.com", 10),
            rate(env, "KILLBOARD_R2Z2_REQUESTS_PER_SECOND", 10, r2z2, "r2z2.zkillboard.com", 15),
            env.duration("KILLBOARD_R2Z2_NOT_FOUND_WAIT", "6s", "1ms", "1h")
                .about("wait after an R2Z2 404 before asking for the same sequence again"));
    env.require(
        s.ssoIssuer().chars().noneMatch(Character::isISOControl),
        "KILLBOARD_SSO_ISSUER holds control characters; set it to the iss claim of EVE tokens, https://login.eveonline.com, or unset it to use KILLBOARD_SSO_BASE_URL.");
    env.require(
        (s.ssoClientId() == null) == (s.ssoClientSecret() == null),
        s.ssoClientId() == null
            ? "KILLBOARD_SSO_CLIENT_ID is not set but KILLBOARD_SSO_CLIENT_SECRET is; set both (from your application at https://developers.eveonline.com) or neither."
            : "KILLBOARD_SSO_CLIENT_SECRET is not set but KILLBOARD_SSO_CLIENT_ID is; set the secret of your EVE developer application (https://developers.eveonline.com) or unset the client id.");
    String agent = s.userAgent();
    if (agent == null) {
      env.problem(
          "KILLBOARD_USER_AGENT is not set; ESI and zKillboard ask every client to name a contact. Set it to something like 'Killboard/0.1 (admin@example.com)' or 'Killboard/0.1 (+https://example.com/contact)'.");
    } else if (agent.chars().anyMatch(Character::isISOControl) || agent.length() > 256) {
      env.problem(
          "KILLBOARD_USER_AGENT holds control characters or is longer than 256 characters; use one short line such as 'Killboard/0.1 (admin@example.com)'.");
    } else if (!CONTACT.matcher(agent).find()) {
      env.problem(
          "KILLBOARD_USER_AGENT='%s' names no contact; add an e-mail address or a URL, for example 'Killboard/0.1 (admin@example.com)'."
              .formatted(agent));
    }
    try {
      if (s.esiCompatibilityDate() != null) {
        LocalDate.parse(s.esiCompatibilityDate());
      }
    } catch (DateTimeParseException e) {
      env.problem(
          "KILLBOARD_ESI_COMPATIBILITY_DATE='%s' is not a date like 2025-08-26; set it to the ESI compatibility date you tested with, or unset it."
              .formatted(s.esiCompatibilityDate()));
    }
    env.require(
        s.r2z2NotFoundWait().toSeconds() >= 6 || !isHost(s.r2z2BaseUrl(), "r2z2.zkillboard.com"),
        "KILLBOARD_R2Z2_NOT_FOUND_WAIT=%s is below the 6s R2Z2 asks for after a 404; raise it to 6s or more (shorter waits are allowed only against other hosts, such as the local fake)."
            .formatted(Env.human(s.r2z2NotFoundWait())));
    return s;
  }

  private static double rate(
      Env env, String name, double def, String url, String host, double max) {
    double value = env.decimal(name, def, 0, 1000).about("requests per second to " + host);
    env.require(
        value <= max || !isHost(url, host),
        "%s=%s is above the %s requests per second %s tolerates (it bans abusive clients); lower it to %s."
            .formatted(name, value, max, host, def));
    return value;
  }

  private static boolean isHost(String url, String host) {
    return host.equalsIgnoreCase(URI.create(url).getHost()); // env.url checked that it parses
  }
}
