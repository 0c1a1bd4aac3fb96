package dev.killboard.upstream;

import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every setting of the upstream clients, read by {@link #from(Env)}: base URLs, SSO application
 * credentials, the User-Agent (which must name a contact), timeouts and politeness limits. The
 * client secret never appears in {@link #toString()}.
 *
 * @param ssoIssuer the {@code iss} access tokens must carry (default: the SSO base URL)
 * @param ssoJwksMinReload the shortest time between two fetches of the signing keys caused by
 *     tokens naming an unknown key id: forged key ids cannot make Killboard hammer the SSO
 * @param ssoClientSecret the SSO application's secret, or null; never log it
 * @param esiErrorLimitMargin ESI calls stop while fewer than this many errors (plus calls in
 *     flight) are left
 * @param esiMaxInlineWait a 429's Retry-After up to this long is waited out inside the call
 * @param esiCacheMaxEntries most ESI answers kept for ETag / Expires (0 = no cache)
 * @param esiMaxPages most pages a paged ESI route may report in X-Pages (more is treated as
 *     malformed)
 * @param esiCompatibilityDate the {@code X-Compatibility-Date} sent to ESI, or null
 */
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
    String ssoClientSecret,
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

  /**
   * R2Z2 asks clients to wait at least this long after a 404 before asking for the same sequence
   * again.
   */
  public static final Duration R2Z2_MINIMUM_NOT_FOUND_WAIT = Duration.ofSeconds(6);

  private static final Pattern EMAIL =
      Pattern.compile("[^\\s@()<>,;]+@[^\\s@()<>,;]+\\.[A-Za-z]{2,}");
  private static final Pattern URL =
      Pattern.compile("https?://[^\\s()<>]+\\.[^\\s()<>]+", Pattern.CASE_INSENSITIVE);

  /** Reads every upstream variable; the User-Agent is required. */
  public static UpstreamSettings from(Env env) {
    return from(env, null, null);
  }

  /**
   * Reads every upstream variable with the given defaults for the User-Agent and the SSO callback
   * URL (or null).
   */
  public static UpstreamSettings from(Env env, String defaultUserAgent, String defaultCallback) {
    String esi =
        env.url("KILLBOARD_ESI_BASE_URL", "https://esi.evetech.net/latest", "ESI's base URL");
    String zkb =
        env.url(
            "KILLBOARD_ZKB_BASE_URL", "https://zkillboard.com/api", "zKillboard's API base URL");
    String r2z2 =
        env.url(
            "KILLBOARD_R2Z2_BASE_URL", "https://r2z2.zkillboard.com/ephemeral", "R2Z2's base URL");
    String sso =
        env.url("KILLBOARD_SSO_BASE_URL", "https://login.eveonline.com", "EVE SSO's base URL");
    String issuer =
        env.string("KILLBOARD_SSO_ISSUER", sso, "the iss claim EVE access tokens must carry");
    if (issuer.chars().anyMatch(Character::isISOControl)) {
      env.problem(
          "KILLBOARD_SSO_ISSUER holds control characters; set it to the iss claim of EVE tokens,"
              + " https://login.eveonline.com, or unset it to use KILLBOARD_SSO_BASE_URL.");
    }
    String jwks =
        env.url(
            "KILLBOARD_SSO_JWKS_URL",
            sso + "/oauth/jwks",
            "where the SSO publishes its signing keys");
    String authorize =
        env.url(
            "KILLBOARD_SSO_AUTHORIZE_URL", sso + "/v2/oauth/authorize", "the OAuth authorize URL");
    String token =
        env.url("KILLBOARD_SSO_TOKEN_URL", sso + "/v2/oauth/token", "the OAuth token URL");
    Duration refresh =
        env.duration(
            "KILLBOARD_SSO_JWKS_REFRESH",
            Duration.ofHours(1),
            Duration.ofSeconds(10),
            Duration.ofDays(7),
            "how long fetched signing keys are used before they are fetched again");
    Duration minReload =
        env.duration(
            "KILLBOARD_SSO_JWKS_MIN_RELOAD",
            Duration.ofSeconds(30),
            Duration.ZERO,
            Duration.ofHours(1),
            "how soon a token naming an unknown signing key may make Killboard fetch the SSO's keys again");
    String clientId =
        env.string(
            SSO_CLIENT_ID, null, "the EVE developer application's client id (unset: no sign-in)");
    String secret =
        Secret.reveal(env.secret(SSO_CLIENT_SECRET, "the EVE developer application's secret"));
    String callback = env.url(SSO_CALLBACK_URL, defaultCallback, "the registered SSO callback URL");
    if ((clientId == null) != (secret == null)) {
      env.problem(
          clientId == null
              ? SSO_CLIENT_ID
                  + " is not set but "
                  + SSO_CLIENT_SECRET
                  + " is; set both (from your application at"
                  + " https://developers.eveonline.com) or neither."
              : SSO_CLIENT_SECRET
                  + " is not set but "
                  + SSO_CLIENT_ID
                  + " is; set the secret of your EVE developer"
                  + " application (https://developers.eveonline.com) or unset the client id.");
    }
    String agent =
        env.string(
            USER_AGENT, defaultUserAgent, "the User-Agent sent to every service; names a contact");
    userAgentProblem(env, agent);
    Duration connect =
        env.duration(
            "KILLBOARD_UPSTREAM_CONNECT_TIMEOUT",
            Duration.ofSeconds(5),
            Duration.ofMillis(100),
            Duration.ofMinutes(2),
            "TCP connect timeout towards ESI, zKillboard, R2Z2 and SSO");
    Duration request =
        env.duration(
            "KILLBOARD_UPSTREAM_REQUEST_TIMEOUT",
            Duration.ofSeconds(15),
            Duration.ofMillis(100),
            Duration.ofMinutes(10),
            "longest wait for an upstream answer (then the call fails as retryable)");
    int margin =
        env.integer(
            "KILLBOARD_ESI_ERROR_LIMIT_MARGIN",
            10,
            1,
            99,
            "ESI allows about 100 errors per window and Killboard stops this many before 0");
    Duration inlineWait =
        env.duration(
            "KILLBOARD_ESI_MAX_INLINE_WAIT",
            Duration.ofSeconds(5),
            Duration.ZERO,
            Duration.ofMinutes(2),
            "a 429's Retry-After up to this long is waited out inside the call; longer fails it as retryable");
    int cache =
        env.integer(
            "KILLBOARD_ESI_CACHE_MAX_ENTRIES",
            10_000,
            0,
            1_000_000,
            "most ESI answers kept for ETag / Expires (0: no cache)");
    int pages =
        env.integer(
            "KILLBOARD_ESI_MAX_PAGES", 500, 1, 100_000, "most pages a paged ESI route may report");
    String date =
        env.string(
            "KILLBOARD_ESI_COMPATIBILITY_DATE", null, "the X-Compatibility-Date sent to ESI");
    if (date != null) {
      try {
        LocalDate.parse(date);
      } catch (DateTimeParseException e) {
        env.problem(
            "KILLBOARD_ESI_COMPATIBILITY_DATE='"
                + date
                + "' is not a date like 2025-08-26;"
                + " set it to the ESI compatibility date you tested with, or unset it.");
      }
    }
    double zkbRate = rate(env, "KILLBOARD_ZKB_REQUESTS_PER_SECOND", 2, zkb, "zkillboard.com", 10);
    double r2z2Rate =
        rate(env, "KILLBOARD_R2Z2_REQUESTS_PER_SECOND", 10, r2z2, "r2z2.zkillboard.com", 15);
    Duration notFound =
        env.duration(
            "KILLBOARD_R2Z2_NOT_FOUND_WAIT",
            R2Z2_MINIMUM_NOT_FOUND_WAIT,
            Duration.ofMillis(1),
            Duration.ofHours(1),
            "wait after an R2Z2 404 before asking for the same sequence again");
    if (isHost(r2z2, "r2z2.zkillboard.com")
        && notFound.compareTo(R2Z2_MINIMUM_NOT_FOUND_WAIT) < 0) {
      env.problem(
          "KILLBOARD_R2Z2_NOT_FOUND_WAIT="
              + Env.human(notFound)
              + " is below the 6s R2Z2 asks for after a"
              + " 404; raise it to 6s or more (shorter waits are allowed only against other hosts, such as the local fake).");
    }
    return new UpstreamSettings(
        esi,
        zkb,
        r2z2,
        sso,
        issuer,
        jwks,
        authorize,
        token,
        refresh,
        minReload,
        clientId,
        clientId == null ? null : secret,
        callback,
        agent,
        connect,
        request,
        margin,
        inlineWait,
        cache,
        pages,
        date,
        zkbRate,
        r2z2Rate,
        notFound);
  }

  /** Reads {@code env} and fails with every problem at once. */
  public static UpstreamSettings fromEnvironment(Map<String, String> env) {
    return Env.read(env, UpstreamSettings::from);
  }

  @Override
  public String toString() {
    return "UpstreamSettings{esi="
        + esiBaseUrl
        + ", zkb="
        + zkbBaseUrl
        + ", r2z2="
        + r2z2BaseUrl
        + ", sso="
        + ssoBaseUrl
        + ", issuer="
        + ssoIssuer
        + ", jwks="
        + ssoJwksUrl
        + ", authorize="
        + ssoAuthorizeUrl
        + ", token="
        + ssoTokenUrl
        + ", clientId="
        + (ssoClientId == null ? "unset" : ssoClientId)
        + ", clientSecret="
        + (ssoClientSecret == null ? "unset" : "****")
        + ", userAgent="
        + userAgent
        + ", timeouts="
        + connectTimeout.toMillis()
        + "/"
        + requestTimeout.toMillis()
        + "ms, esiMargin="
        + esiErrorLimitMargin
        + ", zkbRate="
        + zkbRequestsPerSecond
        + "/s, r2z2Rate="
        + r2z2RequestsPerSecond
        + "/s, r2z2Wait="
        + r2z2NotFoundWait.toMillis()
        + "ms}";
  }

  private static void userAgentProblem(Env env, String agent) {
    if (agent == null) {
      env.problem(
          USER_AGENT
              + " is not set; ESI and zKillboard ask every client to name a contact. Set it to"
              + " something like 'Killboard/0.1 (admin@example.com)' or 'Killboard/0.1 (+https://example.com/contact)'.");
    } else if (agent.chars().anyMatch(Character::isISOControl) || agent.length() > 256) {
      env.problem(
          USER_AGENT
              + " holds control characters or is longer than 256 characters; use one short line such"
              + " as 'Killboard/0.1 (admin@example.com)'.");
    } else if (!EMAIL.matcher(agent).find() && !URL.matcher(agent).find()) {
      env.problem(
          USER_AGENT
              + "='"
              + agent
              + "' names no contact; add an e-mail address or a URL, for example"
              + " 'Killboard/0.1 (admin@example.com)'.");
    }
  }

  private static double rate(
      Env env, String name, double def, String baseUrl, String realHost, double max) {
    double value = env.decimal(name, def, 0, 1000, "requests per second to " + realHost);
    if (isHost(baseUrl, realHost) && value > max) {
      env.problem(
          name
              + "="
              + value
              + " is above the "
              + max
              + " requests per second "
              + realHost
              + " tolerates"
              + " (it bans abusive clients); lower it to "
              + def
              + ".");
    }
    return value;
  }

  private static boolean isHost(String url, String host) {
    try {
      return url != null && host.equalsIgnoreCase(new URI(url).getHost());
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
