package dev.killboard.bench.dataset;

import dev.killboard.schema.SchemaMigrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mvn -q -pl benchmarks exec:java@dataset -Dexec.args="--killmails 20000 --jdbc-url
 * jdbc:postgresql://… --user killboard --password-env KILLBOARD_DB_PASSWORD"}: migrates the
 * database (a no-op when up to date) and loads the benchmark dataset.
 */
public final class DatasetCommand {
  private static final String USAGE =
      """
      Usage: exec:java@dataset -Dexec.args="--jdbc-url URL --user USER --password-env VAR [options]"
        --jdbc-url URL        jdbc:postgresql://host:port/database of a migrated or empty Killboard database (required)
        --user USER           database role (required)
        --password-env VAR    name of the environment variable holding the password (required; never pass it inline)
        --killmails N         killmails to generate (default 20000; 1000000 for the scale run)
        --characters N        characters (default 2000)
        --seed N              random seed (default 42): the same seed gives the same rows
        --end-date YYYY-MM-DD last snapshot day (default 2026-11-01)
        --batch-size N        killmails per COPY batch / transaction (default 10000)
        --no-migrate          do not run the Flyway migrations first
      """;

  private DatasetCommand() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts;
    DatasetSpec spec;
    String url;
    String user;
    String passwordVar;
    try {
      opts =
          Options.parse(
              args,
              List.of(
                  "--jdbc-url",
                  "--user",
                  "--password-env",
                  "--killmails",
                  "--characters",
                  "--seed",
                  "--end-date",
                  "--batch-size"),
              List.of("--no-migrate"));
      spec = specFrom(opts);
      url = Options.required(opts, "--jdbc-url");
      user = Options.required(opts, "--user");
      passwordVar = Options.required(opts, "--password-env");
    } catch (IllegalArgumentException e) {
      System.err.println("dataset: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    String password = System.getenv(passwordVar);
    if (password == null) {
      System.err.println(
          "dataset: environment variable " + passwordVar + " (named by --password-env) is not set");
      System.exit(2);
      return;
    }
    try {
      if (!opts.containsKey("--no-migrate")) {
        var result = SchemaMigrations.migrate(url, user, password);
        System.out.printf(
            "schema: version %s (%d migrations applied)%n",
            result.versionAfter(), result.migrationsExecuted());
      }
      try (Connection c = DriverManager.getConnection(url, user, password)) {
        DatasetSummary s = generate(c, spec);
        print(s);
      }
    } catch (IllegalStateException | java.sql.SQLException e) {
      // Not-empty database, missing schema, unreachable server: the message says what to do; no
      // stack trace.
      System.err.println("dataset: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Generates with progress lines every tenth of the way. */
  static DatasetSummary generate(Connection c, DatasetSpec spec) throws Exception {
    System.out.printf(
        "generating: seed %d, %,d killmails, %,d characters, %,d corporations, %,d alliances, %,d types, %,d systems%n",
        spec.seed(),
        spec.killmails(),
        spec.characters(),
        spec.corporations(),
        spec.alliances(),
        spec.types(),
        spec.systems());
    long started = System.nanoTime();
    int step = Math.max(spec.batchSize(), spec.killmails() / 10);
    int[] next = {step};
    return DatasetGenerator.generate(
        c,
        spec,
        done -> {
          if (done >= next[0] && done < spec.killmails()) {
            next[0] += step;
            double s = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                "  %,d killmails loaded (%.0f s, %,.0f killmails/s)%n", done, s, done / s);
          }
        });
  }

  static void print(DatasetSummary s) {
    List<String> parts = new ArrayList<>();
    s.rows().forEach((t, n) -> parts.add(t + "=" + n));
    System.out.printf(
        "loaded in %.1f s (%,.0f killmails/s), VACUUM ANALYZE %.1f s%n  rows: %s%n",
        s.load().toMillis() / 1000.0,
        s.killmailsPerSecond(),
        s.vacuum().toMillis() / 1000.0,
        String.join(", ", parts));
  }

  /** The spec the options describe, starting from {@link DatasetSpec#defaults()}. */
  static DatasetSpec specFrom(Map<String, String> opts) {
    DatasetSpec spec = DatasetSpec.defaults();
    if (opts.containsKey("--killmails")) {
      spec = spec.withKillmails(Options.integer(opts, "--killmails"));
    }
    if (opts.containsKey("--characters")) {
      spec = spec.withCharacters(Options.integer(opts, "--characters"));
    }
    if (opts.containsKey("--seed")) {
      try {
        spec = spec.withSeed(Long.parseLong(opts.get("--seed")));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--seed must be a whole number, was '" + opts.get("--seed") + "'");
      }
    }
    if (opts.containsKey("--end-date")) {
      try {
        spec = spec.withEndDate(LocalDate.parse(opts.get("--end-date")));
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--end-date must be YYYY-MM-DD, was '" + opts.get("--end-date") + "'");
      }
    }
    if (opts.containsKey("--batch-size")) {
      spec = spec.withBatchSize(Options.integer(opts, "--batch-size"));
    }
    return spec;
  }
}
