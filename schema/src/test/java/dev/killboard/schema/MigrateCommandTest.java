package dev.killboard.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrateCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env) {
    return MigrateCommand.run(
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void migratesThenReportsUpToDateWithoutEverPrintingThePassword() {
    try (FreshDatabase db = FreshDatabase.create()) {
      // The libpq form operators copy from the DigitalOcean console, with the password in the URL.
      String url =
          "postgresql://"
              + db.user()
              + ":"
              + db.password()
              + "@"
              + db.server.host()
              + ":"
              + db.server.port()
              + "/"
              + db.name;
      assertThat(run(Map.of(DatabaseUrl.URL, url))).isEqualTo(MigrateCommand.OK);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains(
              "Applied "
                  + SchemaMigrations.LATEST_VERSION
                  + " migration(s), version <empty> -> "
                  + SchemaMigrations.LATEST_VERSION
                  + ":")
          .contains("V3 killmails");

      out.reset();
      assertThat(
              run(
                  Map.of(
                      DatabaseUrl.URL,
                      db.jdbcUrl(),
                      DatabaseUrl.USER,
                      db.user(),
                      DatabaseUrl.PASSWORD,
                      db.password())))
          .isEqualTo(MigrateCommand.OK);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("Schema is up to date at version " + SchemaMigrations.LATEST_VERSION);
      assertThat(output()).doesNotContain(db.password());
    }
  }

  @Test
  void wrongPasswordFailsWithStatusOneAndDoesNotEchoIt() {
    try (FreshDatabase db = FreshDatabase.create()) {
      String wrong = "not-the-password-" + System.nanoTime();
      int status =
          run(
              Map.of(
                  DatabaseUrl.URL,
                  db.jdbcUrl(),
                  DatabaseUrl.USER,
                  db.user(),
                  DatabaseUrl.PASSWORD,
                  wrong));
      assertThat(status).isEqualTo(MigrateCommand.FAILED);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("password authentication failed");
      assertThat(output()).doesNotContain(wrong);
    }
  }

  @Test
  void badConfigurationFailsWithStatusTwoNamingTheSetting() {
    assertThat(
            run(Map.of(DatabaseUrl.URL, "postgresql://db.example.com/kb", DatabaseUrl.USER, "app")))
        .isEqualTo(MigrateCommand.BAD_CONFIGURATION);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("KILLBOARD_DB_PASSWORD is not set");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
