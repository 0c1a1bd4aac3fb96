package dev.killboard.schema;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL URL ({@code postgresql://}, {@code postgres://} or {@code jdbc:postgresql://}) read
 * by vertx-pg-client's {@link PgConnectOptions#fromUri}, the one parser of the pools and the
 * migrations; user, password, sslMode and rootCert are null when the URL has none.
 */
public record DatabaseUrl(
    String host,
    int port,
    String database,
    String user,
    Secret password,
    SslMode sslMode,
    String rootCert) {
  // The database variables; KILLBOARD_DB_USER and KILLBOARD_DB_PASSWORD win over the URL's.
  public static final String URL = "KILLBOARD_DB_URL";
  public static final String FALLBACK_URL = "DATABASE_URL";
  public static final String USER = "KILLBOARD_DB_USER";
  public static final String PASSWORD = "KILLBOARD_DB_PASSWORD";

  // user-info@, host:port, /path, ?query: whether the URL has them (fromUri fills in defaults).
  private static final Pattern PARTS =
      Pattern.compile("(?is)(?:jdbc:)?postgres(?:ql)?://((?:[^@/?]*@)?)([^/?]*)([^?]*)(.*)");

  private static final Pattern OTHER = Pattern.compile("[^\\w\\-.~%!*:@/\\[\\]]");

  /** {@value #URL} (else {@value #FALLBACK_URL}) parsed, or null: unset, or refused (a problem). */
  public static DatabaseUrl from(Env env) {
    Secret url =
        env.secret(URL)
            .about(
                "the database as postgresql://user:password@host:port/database?sslmode=require (or jdbc:postgresql://…); the password is never logged");
    Secret fallback = env.secret(FALLBACK_URL).about("read when " + URL + " is not set");
    try {
      return url != null ? parse(url.value()) : fallback != null ? parse(fallback.value()) : null;
    } catch (IllegalArgumentException e) {
      env.problem(
          "%s is invalid: %s; expected postgresql://user:password@host:port/database?sslmode=require."
              .formatted(url != null ? URL : FALLBACK_URL, e.getMessage()));
      return null;
    }
  }

  /** Parses {@code url}; refuses it with a message that never echoes the password. */
  public static DatabaseUrl parse(String url) {
    String text = Objects.requireNonNull(url, "url").trim();
    String at = " in '" + redact(text) + "'";
    Matcher m = PARTS.matcher(text);
    if (text.isEmpty() || !m.matches()) {
      throw refused(
          text.isEmpty()
              ? "the URL is empty"
              : "unsupported URL scheme%s: expected jdbc:postgresql://host:port/database or postgresql://host:port/database",
          at);
    } else if (m.group(2).matches("(:\\d*)?")) {
      throw refused("no host%s (a single host is supported: host[:port]/database)", at);
    } else if (m.group(3).length() < 2) {
      throw refused("no database name%s: expected host:port/database", at);
    }
    String query = m.group(4);
    PgConnectOptions o;
    try {
      // fromUri reads letters, digits and -._~%!* in user-info and path: the rest (a password's
      // '$', '&', '+'…, which URLs allow there) is percent-encoded for it.
      String head = m.group(1) + m.group(2) + m.group(3);
      head = OTHER.matcher(head).replaceAll(c -> URLEncoder.encode(c.group(), UTF_8));
      o = PgConnectOptions.fromUri("postgresql://" + head + query);
    } catch (IllegalArgumentException e) {
      // Its own message quotes the whole URL, password included: only its cause's is used.
      String why = String.valueOf(e.getCause() == null ? null : e.getCause().getMessage());
      throw why.startsWith("URLDecoder")
          ? refused("malformed %%-escape in the URL (percent-encode special characters as %%XX)")
          : why.startsWith("Could not find an appropriate SSL mode")
              ? refused(
                  "sslmode='%s'%s is not one of disable, allow, prefer, require, verify-ca, verify-full",
                  param(query, "sslmode"), at)
              : refused("malformed URL%s: %s", at, redact(why));
    }
    boolean user = m.group(1).length() > 1 || param(query, "user") != null;
    boolean password = m.group(1).contains(":") || param(query, "password") != null;
    return new DatabaseUrl(
        o.getHost(),
        o.getPort(),
        o.getDatabase(),
        user && !o.getUser().isEmpty() ? o.getUser() : null,
        password && !o.getPassword().isEmpty() ? new Secret(o.getPassword()) : null,
        param(query, "sslmode") == null ? null : o.getSslMode(),
        param(query, "sslrootcert"));
  }

  /** A JDBC URL without user or password (what Flyway needs), with the sslmode the URL had. */
  public String jdbcUrl() {
    String ssl =
        (sslMode == null ? "" : "&sslmode=" + sslMode.value)
            + (rootCert == null ? "" : "&sslrootcert=" + URLEncoder.encode(rootCert, UTF_8));
    return "jdbc:postgresql://%s:%d/%s%s"
        .formatted(
            host.contains(":") ? "[" + host + "]" : host,
            port,
            URLEncoder.encode(database, UTF_8),
            ssl.replaceFirst("&", "?"));
  }

  /** Masks the password of a {@code user:password@} part and of a {@code password=} parameter. */
  static String redact(String url) {
    String s = url.replaceAll("(?i)(password=)[^&]*", "$1****");
    return s.replaceAll("(://[^/@:]*:)[^/@]*@", "$1****@");
  }

  // A query parameter (form-encoded, names case-insensitive) of a URL fromUri has read, or null.
  private static String param(String query, String name) {
    Matcher m = Pattern.compile("(?i)[?&]" + name + "=([^&]*)").matcher(query);
    return m.find() ? URLDecoder.decode(m.group(1), UTF_8) : null;
  }

  private static IllegalArgumentException refused(String format, Object... args) {
    return new IllegalArgumentException(format.formatted(args));
  }
}
