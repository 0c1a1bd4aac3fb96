package dev.killboard.schema;

import dev.killboard.config.Env;
import dev.killboard.config.Secret;

/**
 * Where {@link MigrateCommand} migrates: the credential-free JDBC URL of {@link DatabaseUrl#from},
 * the role and its password (the variables win over the URL's).
 */
public record MigrationSettings(String jdbcUrl, String user, Secret password) {

  /** Reads the database URL and credentials; all three must be known. */
  public static MigrationSettings from(Env env) {
    DatabaseUrl url = DatabaseUrl.from(env);
    String user =
        env.string(DatabaseUrl.USER, url == null ? null : url.user())
            .about("the application role that owns the Killboard schema (default: the URL's user)");
    Secret password =
        env.secret(DatabaseUrl.PASSWORD)
            .about("the application role's password (default: the URL's)");
    password = password != null || url == null ? password : url.password();
    if (url == null) {
      // Not set, unless it was set and refused (already a problem).
      env.require(
          !env.valid(),
          "%s is not set (nor %s); set it to the database URL, e.g. jdbc:postgresql://db.example.com:25060/killboard?sslmode=require or postgresql://db.example.com:25060/killboard?sslmode=require"
              .formatted(DatabaseUrl.URL, DatabaseUrl.FALLBACK_URL));
    } else if (env.require(
            user != null,
            DatabaseUrl.USER
                + " is not set and the URL names no user; set it to the application role that owns the Killboard schema")
        && env.require(
            user.length() <= 63 && user.chars().noneMatch(Character::isISOControl),
            "%s='%s' is not a valid PostgreSQL role name (at most 63 characters, no control characters)"
                .formatted(DatabaseUrl.USER, user.replaceAll("\\p{Cntrl}", "?")))) {
      env.require(
          password != null,
          "%s is not set and the URL carries no password; set it to the password of role '%s'"
              .formatted(DatabaseUrl.PASSWORD, user));
    }
    return new MigrationSettings(url == null ? null : url.jdbcUrl(), user, password);
  }
}
