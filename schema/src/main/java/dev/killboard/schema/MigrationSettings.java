package dev.killboard.schema;

import java.util.Map;
import java.util.Objects;

/**
 * Where {@link MigrateCommand} migrates, read from {@code KILLBOARD_DB_URL} (or {@code DATABASE_URL}),
 * {@code KILLBOARD_DB_USER} and {@code KILLBOARD_DB_PASSWORD} and validated before anything connects. User and password may also come from the URL;
 * the environment variables win. {@link #toString()} never shows the password.
 */
public final class MigrationSettings {

    /** JDBC ({@code jdbc:postgresql://…}) or libpq ({@code postgresql://…}) URL of the Killboard database. */
    public static final String URL = "KILLBOARD_DB_URL";
    /** Read when {@link #URL} is not set: the name hosting platforms (and the original) give the connection string. */
    public static final String FALLBACK_URL = "DATABASE_URL";
    /** Application role that owns the schema (must not need superuser). */
    public static final String USER = "KILLBOARD_DB_USER";
    /** Password of {@link #USER}. */
    public static final String PASSWORD = "KILLBOARD_DB_PASSWORD";

    private final DatabaseUrl url;
    private final String user;
    private final String password;

    private MigrationSettings(DatabaseUrl url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /**
     * Reads and validates the settings.
     *
     * @throws InvalidSettingException naming the first setting that is missing or wrong
     */
    public static MigrationSettings fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        String urlVariable = blankToNull(environment.get(URL)) == null && blankToNull(environment.get(FALLBACK_URL)) != null
                ? FALLBACK_URL : URL;
        String rawUrl = blankToNull(environment.get(urlVariable));
        if (rawUrl == null) {
            throw new InvalidSettingException(URL, "not set (nor " + FALLBACK_URL + "); set it to the database URL, e.g. "
                    + "jdbc:postgresql://db.example.com:25060/killboard?sslmode=require "
                    + "or postgresql://db.example.com:25060/killboard?sslmode=require");
        }
        DatabaseUrl url;
        try {
            url = DatabaseUrl.parse(rawUrl);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(urlVariable, e.getMessage());
        }
        String user = blankToNull(environment.get(USER));
        if (user == null) {
            user = url.user().orElse(null);
        }
        if (user == null) {
            throw new InvalidSettingException(USER, "not set and " + urlVariable
                    + " names no user; set it to the application role that owns the Killboard schema");
        }
        if (user.length() > 63 || user.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSettingException(USER, "'" + user.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a valid PostgreSQL role name (at most 63 characters, no control characters)");
        }
        String password = environment.get(PASSWORD);
        if (password == null || password.isEmpty()) {
            password = url.password().orElse(null);
        }
        if (password == null) {
            throw new InvalidSettingException(PASSWORD, "not set and " + urlVariable + " carries no password; set it to the"
                    + " password of role '" + user + "'");
        }
        return new MigrationSettings(url, user, password);
    }

    /** The credential-free JDBC URL. */
    public String jdbcUrl() {
        return url.jdbcUrl();
    }

    public String user() {
        return user;
    }

    /** The password; for handing to the driver only, never for printing. */
    public String password() {
        return password;
    }

    /** URL and user, without the password. */
    @Override
    public String toString() {
        return url.jdbcUrl() + " as " + user;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
