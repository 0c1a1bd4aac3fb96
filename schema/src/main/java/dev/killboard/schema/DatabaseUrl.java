package dev.killboard.schema;

import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A PostgreSQL location parsed from either a JDBC URL ({@code jdbc:postgresql://host:port/db?...})
 * or a libpq-style URL ({@code postgresql://user:password@host:port/db?sslmode=require}, as
 * DigitalOcean hands them out), split into a credential-free JDBC URL plus the user and password it
 * carried.
 */
public final class DatabaseUrl {

  private static final String JDBC_PREFIX = "jdbc:postgresql://";
  private static final int DEFAULT_PORT = 5432;

  /** libpq's (and pgjdbc's) {@code sslmode} values. */
  public static final List<String> SSL_MODES =
      List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  private final String jdbcUrl;
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final Map<String, String> parameters;

  private DatabaseUrl(
      String jdbcUrl,
      String host,
      int port,
      String database,
      String user,
      String password,
      Map<String, String> parameters) {
    this.jdbcUrl = jdbcUrl;
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.parameters = Collections.unmodifiableMap(parameters);
  }

  /** The database URL variable. */
  public static final String URL = "KILLBOARD_DB_URL";

  /**
   * Read when {@link #URL} is not set: what hosting platforms (and the original) call the
   * connection string.
   */
  public static final String FALLBACK_URL = "DATABASE_URL";

  /** The application role; wins over the URL's user. */
  public static final String USER = "KILLBOARD_DB_USER";

  /** The application role's password; wins over the URL's password. */
  public static final String PASSWORD = "KILLBOARD_DB_PASSWORD";

  /**
   * The URL in {@value #URL} (or {@value #FALLBACK_URL}), or null when neither is set; a wrong one
   * is recorded as a problem (its message masks the password) and gives null.
   */
  public static DatabaseUrl from(Env env) {
    String description =
        "the database as postgresql://user:password@host:port/database?sslmode=require"
            + " (or jdbc:postgresql://…); the password is never logged";
    String raw = Secret.reveal(env.secret(URL, description));
    String fallback = Secret.reveal(env.secret(FALLBACK_URL, "read when " + URL + " is not set"));
    String variable = raw != null ? URL : FALLBACK_URL;
    raw = raw != null ? raw : fallback;
    try {
      return raw == null ? null : parse(raw);
    } catch (IllegalArgumentException e) {
      env.problem(
          variable
              + " is invalid: "
              + e.getMessage()
              + "; expected postgresql://user:password@host:port/database?sslmode=require.");
      return null;
    }
  }

  /**
   * Parses {@code url}.
   *
   * @throws IllegalArgumentException with a message naming what is wrong (never echoing a password)
   */
  public static DatabaseUrl parse(String url) {
    Objects.requireNonNull(url, "url");
    String trimmed = url.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("the URL is empty");
    }
    String lower = trimmed.toLowerCase(Locale.ROOT);
    String rest;
    if (lower.startsWith(JDBC_PREFIX)) {
      rest = trimmed.substring(JDBC_PREFIX.length());
    } else if (lower.startsWith("postgresql://")) {
      rest = trimmed.substring("postgresql://".length());
    } else if (lower.startsWith("postgres://")) {
      rest = trimmed.substring("postgres://".length());
    } else {
      throw new IllegalArgumentException(
          "unsupported URL scheme in '"
              + redact(trimmed)
              + "': expected jdbc:postgresql://host:port/database or postgresql://host:port/database");
    }
    URI uri;
    try {
      uri = new URI("postgresql://" + rest);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "malformed URL '" + redact(trimmed) + "': " + e.getReason());
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException(
          "no host in '"
              + redact(trimmed)
              + "' (a single host is supported: host[:port]/database)");
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    if (database.isEmpty() || database.contains("/")) {
      throw new IllegalArgumentException(
          "no database name in '" + redact(trimmed) + "': expected host:port/database");
    }

    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    // user/password query parameters are lifted out too, so the JDBC URL never carries a secret.
    List<String> kept = new ArrayList<>();
    Map<String, String> parameters = new LinkedHashMap<>();
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decodeParameter(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decodeParameter(pair.substring(eq + 1));
        if (key.equalsIgnoreCase("user")) {
          user = value;
        } else if (key.equalsIgnoreCase("password")) {
          password = value;
        } else {
          kept.add(pair);
          parameters.put(key.toLowerCase(Locale.ROOT), value);
        }
      }
    }
    String sslMode = parameters.get("sslmode");
    if (sslMode != null && !SSL_MODES.contains(sslMode)) {
      throw new IllegalArgumentException(
          "sslmode='"
              + sslMode
              + "' in '"
              + redact(trimmed)
              + "' is not one of "
              + String.join(", ", SSL_MODES));
    }
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    StringBuilder jdbc =
        new StringBuilder(JDBC_PREFIX)
            .append(hostPart)
            .append(':')
            .append(port)
            .append('/')
            .append(path.startsWith("/") ? path.substring(1) : path);
    if (!kept.isEmpty()) {
      jdbc.append('?').append(String.join("&", kept));
    }
    return new DatabaseUrl(
        jdbc.toString(),
        host,
        port,
        database,
        user == null || user.isEmpty() ? null : user,
        password == null || password.isEmpty() ? null : password,
        parameters);
  }

  /** The JDBC URL without user or password. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String database() {
    return database;
  }

  /** The user named in the URL, if any. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** The password carried by the URL, if any. */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /** The {@code sslmode} parameter (one of {@link #SSL_MODES}), if the URL has one. */
  public Optional<String> sslMode() {
    return parameter("sslmode");
  }

  /** A query parameter other than user and password (names are case-insensitive), decoded. */
  public Optional<String> parameter(String name) {
    return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The JDBC URL, safe to print. */
  @Override
  public String toString() {
    return jdbcUrl;
  }

  /** Masks the password of a {@code user:password@} part and of a {@code password=} parameter. */
  static String redact(String url) {
    String s = url.replaceAll("(?i)(password=)[^&]*", "$1****");
    return s.replaceAll("(://[^/@:]*:)[^/@]*@", "$1****@");
  }

  // Percent-decoding only: in the user-info and path parts '+' is a literal plus.
  private static String decode(String s) {
    return decodeParameter(s.replace("+", "%2B"));
  }

  // Query parameters are decoded the way pgjdbc decodes them (form encoding: '+' is a space).
  private static String decodeParameter(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // URLDecoder's message quotes the input, which may be a password.
      throw new IllegalArgumentException(
          "malformed %-escape in the URL (percent-encode special characters as %XX)");
    }
  }
}
