package dev.killboard.schema;

import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import java.util.Map;

/**
 * Where {@link MigrateCommand} migrates, read by {@link #from(Env)} from {@code KILLBOARD_DB_URL}
 * (or {@code DATABASE_URL}), {@code KILLBOARD_DB_USER} and {@code KILLBOARD_DB_PASSWORD}. User and
 * password may also come from the URL; the variables win. {@link #toString()} never shows the
 * password.
 *
 * @param jdbcUrl the credential-free JDBC URL
 * @param password for handing to the driver only, never for printing
 */
public record MigrationSettings(String jdbcUrl, String user, String password) {

  /** Reads the database URL and credentials; all three must be known. */
  public static MigrationSettings from(Env env) {
    DatabaseUrl url = DatabaseUrl.from(env);
    String user =
        env.string(
            DatabaseUrl.USER,
            url == null ? null : url.user().orElse(null),
            "the application role that owns the Killboard schema (default: the URL's user)");
    String password =
        Secret.reveal(
            env.secret(
                DatabaseUrl.PASSWORD, "the application role's password (default: the URL's)"));
    password = password != null ? password : url == null ? null : url.password().orElse(null);
    if (url == null) {
      if (env.valid()) {
        env.problem(
            DatabaseUrl.URL
                + " is not set (nor "
                + DatabaseUrl.FALLBACK_URL
                + "); set it to the database URL,"
                + " e.g. jdbc:postgresql://db.example.com:25060/killboard?sslmode=require"
                + " or postgresql://db.example.com:25060/killboard?sslmode=require");
      }
    } else if (user == null) {
      env.problem(
          DatabaseUrl.USER
              + " is not set and the URL names no user; set it to the application role that owns"
              + " the Killboard schema");
    } else if (user.length() > 63 || user.chars().anyMatch(Character::isISOControl)) {
      env.problem(
          DatabaseUrl.USER
              + "='"
              + user.replaceAll("\\p{Cntrl}", "?")
              + "' is not a valid PostgreSQL role"
              + " name (at most 63 characters, no control characters)");
    } else if (password == null) {
      env.problem(
          DatabaseUrl.PASSWORD
              + " is not set and the URL carries no password; set it to the password of role '"
              + user
              + "'");
    }
    return new MigrationSettings(url == null ? null : url.jdbcUrl(), user, password);
  }

  /** Reads {@code environment} and fails with every problem at once. */
  public static MigrationSettings fromEnvironment(Map<String, String> environment) {
    return Env.read(environment, MigrationSettings::from);
  }

  /** URL and user, without the password. */
  @Override
  public String toString() {
    return jdbcUrl + " as " + user;
  }
}
