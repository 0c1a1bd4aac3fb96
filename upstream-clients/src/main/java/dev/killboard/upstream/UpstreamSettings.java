package dev.killboard.upstream;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every setting of the upstream clients, validated at start-up: base URLs, SSO application credentials, the
 * User-Agent (which must name a contact), timeouts and politeness limits. Each setting has an environment variable
 * (see {@link #fromEnvironment(Map)}); a wrong value fails with a message naming the variable and what to change.
 * The client secret never appears in {@link #toString()}.
 */
public final class UpstreamSettings {
  public static final String ESI_BASE_URL = "KILLBOARD_ESI_BASE_URL";
  public static final String ZKB_BASE_URL = "KILLBOARD_ZKB_BASE_URL";
  public static final String R2Z2_BASE_URL = "KILLBOARD_R2Z2_BASE_URL";
  public static final String SSO_BASE_URL = "KILLBOARD_SSO_BASE_URL";
  public static final String SSO_ISSUER = "KILLBOARD_SSO_ISSUER";
  public static final String SSO_JWKS_URL = "KILLBOARD_SSO_JWKS_URL";
  public static final String SSO_AUTHORIZE_URL = "KILLBOARD_SSO_AUTHORIZE_URL";
  public static final String SSO_TOKEN_URL = "KILLBOARD_SSO_TOKEN_URL";
  public static final String SSO_JWKS_REFRESH_SECONDS = "KILLBOARD_SSO_JWKS_REFRESH_SECONDS";
  public static final String SSO_JWKS_MIN_RELOAD_SECONDS = "KILLBOARD_SSO_JWKS_MIN_RELOAD_SECONDS";
  public static final String SSO_CLIENT_ID = "KILLBOARD_SSO_CLIENT_ID";
  public static final String SSO_CLIENT_SECRET = "KILLBOARD_SSO_CLIENT_SECRET";
  public static final String SSO_CALLBACK_URL = "KILLBOARD_SSO_CALLBACK_URL";
  public static final String USER_AGENT = "KILLBOARD_USER_AGENT";
  public static final String CONNECT_TIMEOUT_MS = "KILLBOARD_UPSTREAM_CONNECT_TIMEOUT_MS";
  public static final String REQUEST_TIMEOUT_MS = "KILLBOARD_UPSTREAM_REQUEST_TIMEOUT_MS";
  public static final String ESI_ERROR_LIMIT_MARGIN = "KILLBOARD_ESI_ERROR_LIMIT_MARGIN";
  public static final String ESI_MAX_INLINE_WAIT_MS = "KILLBOARD_ESI_MAX_INLINE_WAIT_MS";
  public static final String ESI_CACHE_MAX_ENTRIES = "KILLBOARD_ESI_CACHE_MAX_ENTRIES";
  public static final String ESI_MAX_PAGES = "KILLBOARD_ESI_MAX_PAGES";
  public static final String ESI_COMPATIBILITY_DATE = "KILLBOARD_ESI_COMPATIBILITY_DATE";
  public static final String ZKB_REQUESTS_PER_SECOND = "KILLBOARD_ZKB_REQUESTS_PER_SECOND";
  public static final String R2Z2_REQUESTS_PER_SECOND = "KILLBOARD_R2Z2_REQUESTS_PER_SECOND";
  public static final String R2Z2_NOT_FOUND_WAIT_MS = "KILLBOARD_R2Z2_NOT_FOUND_WAIT_MS";

  /** R2Z2 asks clients to wait at least this long after a 404 before asking for the same sequence again. */
  public static final Duration R2Z2_MINIMUM_NOT_FOUND_WAIT = Duration.ofSeconds(6);

  private static final Pattern EMAIL = Pattern.compile("[^\\s@()<>,;]+@[^\\s@()<>,;]+\\.[A-Za-z]{2,}");
  private static final Pattern URL = Pattern.compile("https?://[^\\s()<>]+\\.[^\\s()<>]+", Pattern.CASE_INSENSITIVE);

  private final String esiBaseUrl;
  private final String zkbBaseUrl;
  private final String r2z2BaseUrl;
  private final String ssoBaseUrl;
  private final String ssoIssuer;
  private final String ssoJwksUrl;
  private final String ssoAuthorizeUrl;
  private final String ssoTokenUrl;
  private final Duration ssoJwksRefresh;
  private final Duration ssoJwksMinReload;
  private final String ssoClientId;
  private final String ssoClientSecret;
  private final String ssoCallbackUrl;
  private final String userAgent;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final int esiErrorLimitMargin;
  private final Duration esiMaxInlineWait;
  private final int esiCacheMaxEntries;
  private final int esiMaxPages;
  private final String esiCompatibilityDate;
  private final double zkbRequestsPerSecond;
  private final double r2z2RequestsPerSecond;
  private final Duration r2z2NotFoundWait;

  private UpstreamSettings(Builder b) {
    this.esiBaseUrl = trimSlash(b.esiBaseUrl);
    this.zkbBaseUrl = trimSlash(b.zkbBaseUrl);
    this.r2z2BaseUrl = trimSlash(b.r2z2BaseUrl);
    this.ssoBaseUrl = trimSlash(b.ssoBaseUrl);
    this.ssoIssuer = b.ssoIssuer != null ? b.ssoIssuer : this.ssoBaseUrl;
    this.ssoJwksUrl = b.ssoJwksUrl != null ? b.ssoJwksUrl : this.ssoBaseUrl + "/oauth/jwks";
    this.ssoAuthorizeUrl = b.ssoAuthorizeUrl != null ? b.ssoAuthorizeUrl : this.ssoBaseUrl + "/v2/oauth/authorize";
    this.ssoTokenUrl = b.ssoTokenUrl != null ? b.ssoTokenUrl : this.ssoBaseUrl + "/v2/oauth/token";
    this.ssoJwksRefresh = b.ssoJwksRefresh;
    this.ssoJwksMinReload = b.ssoJwksMinReload;
    this.ssoClientId = b.ssoClientId;
    this.ssoClientSecret = b.ssoClientSecret;
    this.ssoCallbackUrl = b.ssoCallbackUrl;
    this.userAgent = b.userAgent == null ? null : b.userAgent.trim();
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.esiErrorLimitMargin = b.esiErrorLimitMargin;
    this.esiMaxInlineWait = b.esiMaxInlineWait;
    this.esiCacheMaxEntries = b.esiCacheMaxEntries;
    this.esiMaxPages = b.esiMaxPages;
    this.esiCompatibilityDate = b.esiCompatibilityDate;
    this.zkbRequestsPerSecond = b.zkbRequestsPerSecond;
    this.r2z2RequestsPerSecond = b.r2z2RequestsPerSecond;
    this.r2z2NotFoundWait = b.r2z2NotFoundWait;
  }

  /** A builder with the production defaults (the User-Agent must still be set). */
  public static Builder builder() {
    return new Builder();
  }

  /** Reads every {@code KILLBOARD_*} variable above from {@code env} and validates the result. */
  public static UpstreamSettings fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    List<String> problems = b.parseProblems;
    text(env, ESI_BASE_URL).ifPresent(b::esiBaseUrl);
    text(env, ZKB_BASE_URL).ifPresent(b::zkbBaseUrl);
    text(env, R2Z2_BASE_URL).ifPresent(b::r2z2BaseUrl);
    text(env, SSO_BASE_URL).ifPresent(b::ssoBaseUrl);
    text(env, SSO_ISSUER).ifPresent(b::ssoIssuer);
    text(env, SSO_JWKS_URL).ifPresent(b::ssoJwksUrl);
    text(env, SSO_AUTHORIZE_URL).ifPresent(b::ssoAuthorizeUrl);
    text(env, SSO_TOKEN_URL).ifPresent(b::ssoTokenUrl);
    number(env, SSO_JWKS_REFRESH_SECONDS, problems).ifPresent(v -> b.ssoJwksRefresh(Duration.ofSeconds((long) v)));
    number(env, SSO_JWKS_MIN_RELOAD_SECONDS, problems).ifPresent(v -> b.ssoJwksMinReload(Duration.ofSeconds((long) v)));
    text(env, SSO_CLIENT_ID).ifPresent(b::ssoClientId);
    text(env, SSO_CLIENT_SECRET).ifPresent(b::ssoClientSecret);
    text(env, SSO_CALLBACK_URL).ifPresent(b::ssoCallbackUrl);
    text(env, USER_AGENT).ifPresent(b::userAgent);
    number(env, CONNECT_TIMEOUT_MS, problems).ifPresent(v -> b.connectTimeout(Duration.ofMillis((long) v)));
    number(env, REQUEST_TIMEOUT_MS, problems).ifPresent(v -> b.requestTimeout(Duration.ofMillis((long) v)));
    number(env, ESI_ERROR_LIMIT_MARGIN, problems).ifPresent(v -> b.esiErrorLimitMargin((int) v));
    number(env, ESI_MAX_INLINE_WAIT_MS, problems).ifPresent(v -> b.esiMaxInlineWait(Duration.ofMillis((long) v)));
    number(env, ESI_CACHE_MAX_ENTRIES, problems).ifPresent(v -> b.esiCacheMaxEntries((int) v));
    number(env, ESI_MAX_PAGES, problems).ifPresent(v -> b.esiMaxPages((int) v));
    text(env, ESI_COMPATIBILITY_DATE).ifPresent(b::esiCompatibilityDate);
    decimal(env, ZKB_REQUESTS_PER_SECOND, problems).ifPresent(b::zkbRequestsPerSecond);
    decimal(env, R2Z2_REQUESTS_PER_SECOND, problems).ifPresent(b::r2z2RequestsPerSecond);
    number(env, R2Z2_NOT_FOUND_WAIT_MS, problems).ifPresent(v -> b.r2z2NotFoundWait(Duration.ofMillis((long) v)));
    return b.build();
  }

  /** Reads the process environment. */
  public static UpstreamSettings fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** ESI base URL without trailing slash, e.g. {@code https://esi.evetech.net/latest}. */
  public String esiBaseUrl() {
    return esiBaseUrl;
  }

  /** zKillboard API base URL, e.g. {@code https://zkillboard.com/api}. */
  public String zkbBaseUrl() {
    return zkbBaseUrl;
  }

  /** R2Z2 base URL, e.g. {@code https://r2z2.zkillboard.com/ephemeral}. */
  public String r2z2BaseUrl() {
    return r2z2BaseUrl;
  }

  /** EVE SSO base URL, e.g. {@code https://login.eveonline.com}. */
  public String ssoBaseUrl() {
    return ssoBaseUrl;
  }

  /** The {@code iss} access tokens must carry (default: the SSO base URL). */
  public String ssoIssuer() {
    return ssoIssuer;
  }

  /** Where the SSO's signing keys are published (default: SSO base URL + {@code /oauth/jwks}). */
  public String ssoJwksUrl() {
    return ssoJwksUrl;
  }

  /** How long fetched signing keys are used before they are fetched again. */
  public Duration ssoJwksRefresh() {
    return ssoJwksRefresh;
  }

  /**
   * The shortest time between two fetches of the signing keys caused by tokens naming an unknown key id: a token of a
   * key just rotated in is refused (UNKNOWN_KEY) until then, and forged key ids cannot make Killboard hammer the SSO.
   */
  public Duration ssoJwksMinReload() {
    return ssoJwksMinReload;
  }

  /** The OAuth authorize endpoint (default: SSO base URL + {@code /v2/oauth/authorize}). */
  public String ssoAuthorizeUrl() {
    return ssoAuthorizeUrl;
  }

  /** The OAuth token endpoint (default: SSO base URL + {@code /v2/oauth/token}). */
  public String ssoTokenUrl() {
    return ssoTokenUrl;
  }

  /** The SSO application's client id, or null when sign-in is not configured. */
  public String ssoClientId() {
    return ssoClientId;
  }

  /** The SSO application's secret, or null. Never log it. */
  public String ssoClientSecret() {
    return ssoClientSecret;
  }

  /** The registered callback URL, or null. */
  public String ssoCallbackUrl() {
    return ssoCallbackUrl;
  }

  /** The User-Agent sent to every service (contains a contact). */
  public String userAgent() {
    return userAgent;
  }

  /** TCP connect timeout. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Longest wait for an answer (no data received within it fails the call as retryable). */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** ESI calls stop while fewer than this many errors (plus calls in flight) are left in the window. */
  public int esiErrorLimitMargin() {
    return esiErrorLimitMargin;
  }

  /** A 429's Retry-After up to this long is waited out inside the call; a longer one fails it as retryable. */
  public Duration esiMaxInlineWait() {
    return esiMaxInlineWait;
  }

  /** Most ESI answers kept for ETag / Expires (0 = no cache). */
  public int esiCacheMaxEntries() {
    return esiCacheMaxEntries;
  }

  /** Most pages a paged ESI route may report in X-Pages (more is treated as malformed). */
  public int esiMaxPages() {
    return esiMaxPages;
  }

  /** The {@code X-Compatibility-Date} sent to ESI, or null. */
  public String esiCompatibilityDate() {
    return esiCompatibilityDate;
  }

  /** Requests per second to zKillboard. */
  public double zkbRequestsPerSecond() {
    return zkbRequestsPerSecond;
  }

  /** Requests per second to R2Z2. */
  public double r2z2RequestsPerSecond() {
    return r2z2RequestsPerSecond;
  }

  /** Wait after an R2Z2 404 before asking for the same sequence again. */
  public Duration r2z2NotFoundWait() {
    return r2z2NotFoundWait;
  }

  @Override
  public String toString() {
    return "UpstreamSettings{esi=" + esiBaseUrl + ", zkb=" + zkbBaseUrl + ", r2z2=" + r2z2BaseUrl + ", sso=" + ssoBaseUrl
        + ", issuer=" + ssoIssuer + ", jwks=" + ssoJwksUrl + ", authorize=" + ssoAuthorizeUrl
        + ", token=" + ssoTokenUrl + ", clientId=" + (ssoClientId == null ? "unset" : ssoClientId)
        + ", clientSecret=" + (ssoClientSecret == null ? "unset" : "****") + ", userAgent=" + userAgent
        + ", timeouts=" + connectTimeout.toMillis() + "/" + requestTimeout.toMillis() + "ms, esiMargin=" + esiErrorLimitMargin
        + ", zkbRate=" + zkbRequestsPerSecond + "/s, r2z2Rate=" + r2z2RequestsPerSecond + "/s, r2z2Wait="
        + r2z2NotFoundWait.toMillis() + "ms}";
  }

  /** Mutable settings before validation; {@link #build()} checks them all at once. */
  public static final class Builder {
    private String esiBaseUrl = "https://esi.evetech.net/latest";
    private String zkbBaseUrl = "https://zkillboard.com/api";
    private String r2z2BaseUrl = "https://r2z2.zkillboard.com/ephemeral";
    private String ssoBaseUrl = "https://login.eveonline.com";
    private String ssoIssuer;
    private String ssoJwksUrl;
    private String ssoAuthorizeUrl;
    private String ssoTokenUrl;
    private Duration ssoJwksRefresh = Duration.ofHours(1);
    private Duration ssoJwksMinReload = Duration.ofSeconds(30);
    private String ssoClientId;
    private String ssoClientSecret;
    private String ssoCallbackUrl;
    private String userAgent;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(15);
    private int esiErrorLimitMargin = 10;
    private Duration esiMaxInlineWait = Duration.ofSeconds(5);
    private int esiCacheMaxEntries = 10_000;
    private int esiMaxPages = 500;
    private String esiCompatibilityDate;
    private double zkbRequestsPerSecond = 2;
    private double r2z2RequestsPerSecond = 10;
    private Duration r2z2NotFoundWait = R2Z2_MINIMUM_NOT_FOUND_WAIT;
    private final List<String> parseProblems = new ArrayList<>();

    private Builder() {
    }

    public Builder esiBaseUrl(String v) { this.esiBaseUrl = v; return this; }
    public Builder zkbBaseUrl(String v) { this.zkbBaseUrl = v; return this; }
    public Builder r2z2BaseUrl(String v) { this.r2z2BaseUrl = v; return this; }
    public Builder ssoBaseUrl(String v) { this.ssoBaseUrl = v; return this; }
    /** Null: the SSO base URL. */
    public Builder ssoIssuer(String v) { this.ssoIssuer = v; return this; }
    /** Null: SSO base URL + /oauth/jwks. */
    public Builder ssoJwksUrl(String v) { this.ssoJwksUrl = v; return this; }
    /** Null: SSO base URL + /v2/oauth/authorize. */
    public Builder ssoAuthorizeUrl(String v) { this.ssoAuthorizeUrl = v; return this; }
    /** Null: SSO base URL + /v2/oauth/token. */
    public Builder ssoTokenUrl(String v) { this.ssoTokenUrl = v; return this; }
    public Builder ssoJwksRefresh(Duration v) { this.ssoJwksRefresh = v; return this; }
    public Builder ssoJwksMinReload(Duration v) { this.ssoJwksMinReload = v; return this; }
    public Builder ssoClientId(String v) { this.ssoClientId = v; return this; }
    public Builder ssoClientSecret(String v) { this.ssoClientSecret = v; return this; }
    public Builder ssoCallbackUrl(String v) { this.ssoCallbackUrl = v; return this; }
    public Builder userAgent(String v) { this.userAgent = v; return this; }
    public Builder connectTimeout(Duration v) { this.connectTimeout = v; return this; }
    public Builder requestTimeout(Duration v) { this.requestTimeout = v; return this; }
    public Builder esiErrorLimitMargin(int v) { this.esiErrorLimitMargin = v; return this; }
    public Builder esiMaxInlineWait(Duration v) { this.esiMaxInlineWait = v; return this; }
    public Builder esiCacheMaxEntries(int v) { this.esiCacheMaxEntries = v; return this; }
    public Builder esiMaxPages(int v) { this.esiMaxPages = v; return this; }
    public Builder esiCompatibilityDate(String v) { this.esiCompatibilityDate = v; return this; }
    public Builder zkbRequestsPerSecond(double v) { this.zkbRequestsPerSecond = v; return this; }
    public Builder r2z2RequestsPerSecond(double v) { this.r2z2RequestsPerSecond = v; return this; }
    public Builder r2z2NotFoundWait(Duration v) { this.r2z2NotFoundWait = v; return this; }

    /** Validates everything; throws {@link UpstreamConfigException} listing each wrong setting. */
    public UpstreamSettings build() {
      List<String> problems = new ArrayList<>(parseProblems);
      url(problems, ESI_BASE_URL, esiBaseUrl, true, "https://esi.evetech.net/latest");
      url(problems, ZKB_BASE_URL, zkbBaseUrl, true, "https://zkillboard.com/api");
      url(problems, R2Z2_BASE_URL, r2z2BaseUrl, true, "https://r2z2.zkillboard.com/ephemeral");
      url(problems, SSO_BASE_URL, ssoBaseUrl, true, "https://login.eveonline.com");
      url(problems, SSO_JWKS_URL, ssoJwksUrl, false, "https://login.eveonline.com/oauth/jwks");
      url(problems, SSO_AUTHORIZE_URL, ssoAuthorizeUrl, false, "https://login.eveonline.com/v2/oauth/authorize");
      url(problems, SSO_TOKEN_URL, ssoTokenUrl, false, "https://login.eveonline.com/v2/oauth/token");
      url(problems, SSO_CALLBACK_URL, ssoCallbackUrl, false, "https://killboard.example.com/auth/callback");
      if (ssoIssuer != null && (ssoIssuer.isBlank() || hasControl(ssoIssuer))) {
        problems.add(SSO_ISSUER + " is blank or holds control characters; set it to the iss claim of EVE tokens,"
            + " https://login.eveonline.com, or unset it to use " + SSO_BASE_URL + ".");
      }
      if ((ssoClientId == null) != (ssoClientSecret == null)) {
        problems.add(ssoClientId == null
            ? SSO_CLIENT_ID + " is not set but " + SSO_CLIENT_SECRET + " is; set both (from your application at"
              + " https://developers.eveonline.com) or neither."
            : SSO_CLIENT_SECRET + " is not set but " + SSO_CLIENT_ID + " is; set the secret of your EVE developer"
              + " application (https://developers.eveonline.com) or unset the client id.");
      }
      if ((ssoClientId != null && hasControl(ssoClientId)) || (ssoClientSecret != null && hasControl(ssoClientSecret))) {
        problems.add(SSO_CLIENT_ID + " / " + SSO_CLIENT_SECRET + " hold control characters (a pasted line break?);"
            + " copy them again from https://developers.eveonline.com.");
      }
      userAgent(problems);
      range(problems, CONNECT_TIMEOUT_MS, connectTimeout, 100, 120_000, 5000);
      range(problems, REQUEST_TIMEOUT_MS, requestTimeout, 100, 600_000, 15_000);
      range(problems, ESI_MAX_INLINE_WAIT_MS, esiMaxInlineWait, 0, 120_000, 5000);
      range(problems, SSO_JWKS_REFRESH_SECONDS, ssoJwksRefresh == null ? null : Duration.ofMillis(
          ssoJwksRefresh.toSeconds() * 1000), 10_000, 7L * 86_400_000, 3_600_000);
      if (ssoJwksMinReload == null || ssoJwksMinReload.isNegative() || ssoJwksMinReload.toSeconds() > 3600) {
        problems.add(SSO_JWKS_MIN_RELOAD_SECONDS + "=" + (ssoJwksMinReload == null ? "unset" : ssoJwksMinReload.toSeconds())
            + " must be from 0 to 3600 seconds (default 30): how soon a token naming an unknown signing key may make"
            + " Killboard fetch the SSO's keys again.");
      }
      if (esiErrorLimitMargin < 1 || esiErrorLimitMargin > 99) {
        problems.add(ESI_ERROR_LIMIT_MARGIN + "=" + esiErrorLimitMargin + " must be from 1 to 99 (default 10): ESI allows"
            + " about 100 errors per window and Killboard must stop before 0.");
      }
      if (esiCacheMaxEntries < 0 || esiCacheMaxEntries > 1_000_000) {
        problems.add(ESI_CACHE_MAX_ENTRIES + "=" + esiCacheMaxEntries + " must be from 0 (no cache) to 1000000"
            + " (default 10000).");
      }
      if (esiMaxPages < 1 || esiMaxPages > 100_000) {
        problems.add(ESI_MAX_PAGES + "=" + esiMaxPages + " must be from 1 to 100000 (default 500).");
      }
      if (esiCompatibilityDate != null) {
        try {
          LocalDate.parse(esiCompatibilityDate);
        } catch (DateTimeParseException e) {
          problems.add(ESI_COMPATIBILITY_DATE + "='" + esiCompatibilityDate + "' is not a date like 2025-08-26;"
              + " set it to the ESI compatibility date you tested with, or unset it.");
        }
      }
      rate(problems, ZKB_REQUESTS_PER_SECOND, zkbRequestsPerSecond, zkbBaseUrl, "zkillboard.com", 10, 2);
      rate(problems, R2Z2_REQUESTS_PER_SECOND, r2z2RequestsPerSecond, r2z2BaseUrl, "r2z2.zkillboard.com", 15, 10);
      if (r2z2NotFoundWait == null || r2z2NotFoundWait.toMillis() < 1) {
        problems.add(R2Z2_NOT_FOUND_WAIT_MS + " must be a positive number of milliseconds (default 6000).");
      } else if (isHost(r2z2BaseUrl, "r2z2.zkillboard.com") && r2z2NotFoundWait.compareTo(R2Z2_MINIMUM_NOT_FOUND_WAIT) < 0) {
        problems.add(R2Z2_NOT_FOUND_WAIT_MS + "=" + r2z2NotFoundWait.toMillis() + " is below the 6000 ms R2Z2 asks for"
            + " after a 404; raise it to 6000 or more (shorter waits are allowed only against other hosts, such as"
            + " the local fake).");
      }
      if (!problems.isEmpty()) {
        throw new UpstreamConfigException("Upstream settings are wrong:\n  - " + String.join("\n  - ", problems));
      }
      return new UpstreamSettings(this);
    }

    private void userAgent(List<String> problems) {
      if (userAgent == null || userAgent.isBlank()) {
        problems.add(USER_AGENT + " is not set; ESI and zKillboard ask every client to name a contact. Set it to"
            + " something like 'Killboard/0.1 (admin@example.com)' or 'Killboard/0.1 (+https://example.com/contact)'.");
      } else if (hasControl(userAgent) || userAgent.length() > 256) {
        problems.add(USER_AGENT + " holds control characters or is longer than 256 characters; use one short line such"
            + " as 'Killboard/0.1 (admin@example.com)'.");
      } else if (!EMAIL.matcher(userAgent).find() && !URL.matcher(userAgent).find()) {
        problems.add(USER_AGENT + "='" + userAgent + "' names no contact; add an e-mail address or a URL, for example"
            + " 'Killboard/0.1 (admin@example.com)'.");
      }
    }
  }

  private static void url(List<String> problems, String name, String value, boolean required, String example) {
    if (value == null) {
      if (required) {
        problems.add(name + " is not set; set it to a URL such as " + example + ".");
      }
      return;
    }
    String why = null;
    try {
      URI uri = new URI(value.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        why = "must start with http:// or https://";
      } else if (uri.getHost() == null) {
        why = "has no host";
      } else if (uri.getQuery() != null || uri.getFragment() != null) {
        why = "must not have a query or fragment";
      }
    } catch (URISyntaxException e) {
      why = "is not a URL (" + e.getReason() + ")";
    }
    if (why != null) {
      problems.add(name + "='" + value + "' " + why + "; use a URL such as " + example + ".");
    }
  }

  private static void range(List<String> problems, String name, Duration value, long min, long max, long fallback) {
    if (value == null || value.toMillis() < min || value.toMillis() > max) {
      problems.add(name + "=" + (value == null ? "null" : value.toMillis()) + " must be from " + min + " to " + max
          + " (default " + fallback + ").");
    }
  }

  private static void rate(List<String> problems, String name, double value, String baseUrl, String realHost, double max,
      double fallback) {
    if (!(value > 0) || value > 1000 || Double.isNaN(value)) {
      problems.add(name + "=" + value + " must be above 0 and at most 1000 requests per second (default " + fallback + ").");
    } else if (isHost(baseUrl, realHost) && value > max) {
      problems.add(name + "=" + value + " is above the " + max + " requests per second " + realHost + " tolerates"
          + " (it bans abusive clients); lower it to " + fallback + ".");
    }
  }

  private static boolean isHost(String url, String host) {
    try {
      return url != null && host.equalsIgnoreCase(new URI(url.trim()).getHost());
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean hasControl(String s) {
    return s.chars().anyMatch(Character::isISOControl);
  }

  private static String trimSlash(String url) {
    String t = url.trim();
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }

  private static java.util.Optional<String> text(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(v);
  }

  private static java.util.OptionalDouble number(Map<String, String> env, String name, List<String> problems) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return java.util.OptionalDouble.empty();
    }
    try {
      return java.util.OptionalDouble.of(Long.parseLong(v.trim()));
    } catch (NumberFormatException e) {
      problems.add(name + "='" + v + "' is not a whole number.");
      return java.util.OptionalDouble.empty();
    }
  }

  private static java.util.OptionalDouble decimal(Map<String, String> env, String name, List<String> problems) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return java.util.OptionalDouble.empty();
    }
    try {
      return java.util.OptionalDouble.of(Double.parseDouble(v.trim()));
    } catch (NumberFormatException e) {
      problems.add(name + "='" + v + "' is not a number.");
      return java.util.OptionalDouble.empty();
    }
  }
}
