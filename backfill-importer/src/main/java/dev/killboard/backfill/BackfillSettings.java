package dev.killboard.backfill;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What to import and how: the paths (archives, JSON files, directories of them), the batch size, an
 * optional stop after N entries, and whether to announce new killmails on the event bus. Read from
 * the command line or a verticle config, with {@code KILLBOARD_BACKFILL_*} environment defaults;
 * validated with messages that name the setting.
 *
 * @param paths files or directories to import, in order
 * @param batchSize killmails per transaction ({@code --batch-size}, {@code
 *     KILLBOARD_BACKFILL_BATCH_SIZE}, 1-5000, default 2000)
 * @param stopAfter stop after this many entries (0 = no limit; {@code --stop-after}); the rest is
 *     resumed next time
 * @param publish announce each new killmail as {@code newKillmail} ({@code --publish}; default off:
 *     history is not news)
 */
public record BackfillSettings(List<Path> paths, int batchSize, long stopAfter, boolean publish) {
  /** Environment variable for the default batch size. */
  public static final String ENV_BATCH_SIZE = "KILLBOARD_BACKFILL_BATCH_SIZE";

  /**
   * Default killmails per transaction: the schema's statement-level triggers cost less per row in
   * larger batches.
   */
  public static final int DEFAULT_BATCH_SIZE = 2000;

  /** The usage text printed with argument errors. */
  public static final String USAGE =
      """
      Usage: BackfillCommand [--batch-size=N] [--stop-after=N] [--publish] PATH...
        PATH            a .tar.bz2 archive of ESI killmail JSON files (EVE Ref's daily archives), a .json file
                        (one killmail or an array), or a directory of them (searched recursively, in name order)
        --batch-size=N  killmails per transaction, 1-5000 (default 2000, or KILLBOARD_BACKFILL_BATCH_SIZE)
        --stop-after=N  stop after N entries; run again to resume
        --publish       announce each newly stored killmail on the event bus (newKillmail)
      Database and cluster come from KILLBOARD_DB_* and KILLBOARD_CLUSTER_* / KILLBOARD_CP_* (see docs/backfill.md).""";

  /** Checks the values; throws {@link ConfigurationException} naming the bad one. */
  public BackfillSettings {
    paths = List.copyOf(paths);
    if (paths.isEmpty()) {
      throw new ConfigurationException(
          "No PATH given: name at least one .tar.bz2 archive, .json file or directory.\n" + USAGE);
    }
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new ConfigurationException(
            "PATH '"
                + p
                + "' does not exist: give an existing archive, JSON file or"
                + " directory.");
      }
      if (!Files.isReadable(p)) {
        throw new ConfigurationException(
            "PATH '" + p + "' is not readable by this user: fix its permissions.");
      }
      if (Files.isRegularFile(p) && SourceFile.kindOf(p) == null) {
        throw new ConfigurationException(
            "PATH '"
                + p
                + "' is neither a .tar.bz2 archive nor a .json file: give one of"
                + " those, or a directory holding them.");
      }
    }
    if (batchSize < 1 || batchSize > 5000) {
      throw new ConfigurationException(
          "batch size "
              + batchSize
              + " is invalid (--batch-size / "
              + ENV_BATCH_SIZE
              + "): set a whole number from 1 to 5000, or leave it unset for "
              + DEFAULT_BATCH_SIZE
              + ".");
    }
    if (stopAfter < 0) {
      throw new ConfigurationException(
          "--stop-after="
              + stopAfter
              + " is invalid: set a positive number of entries,"
              + " or leave it out to import everything.");
    }
  }

  /** Parses command-line arguments, with defaults from {@code env}. */
  public static BackfillSettings fromArgs(String[] args, Map<String, String> env) {
    List<Path> paths = new ArrayList<>();
    int batchSize = defaultBatchSize(env);
    long stopAfter = 0;
    boolean publish = false;
    for (String arg : args) {
      if (arg.startsWith("--batch-size=")) {
        batchSize =
            (int)
                number(
                    "--batch-size",
                    arg.substring("--batch-size=".length()),
                    "a whole number from 1 to 5000");
      } else if (arg.startsWith("--stop-after=")) {
        stopAfter =
            number(
                "--stop-after",
                arg.substring("--stop-after=".length()),
                "a positive number of entries");
        if (stopAfter == 0) {
          throw new ConfigurationException(
              "--stop-after=0 is invalid: set a positive number of entries, or leave it"
                  + " out to import everything.");
        }
      } else if (arg.equals("--publish")) {
        publish = true;
      } else if (arg.equals("--help") || arg.equals("-h")) {
        throw new ConfigurationException(USAGE);
      } else if (arg.startsWith("-")) {
        throw new ConfigurationException("Unknown option '" + arg + "'.\n" + USAGE);
      } else {
        paths.add(Path.of(arg));
      }
    }
    return new BackfillSettings(paths, batchSize, stopAfter, publish);
  }

  /**
   * Reads a verticle config: {@code paths} (array of strings), {@code batchSize}, {@code
   * stopAfter}, {@code publish}; defaults from {@code env}.
   */
  public static BackfillSettings fromConfig(JsonObject config, Map<String, String> env) {
    Object raw = config.getValue("paths");
    if (!(raw instanceof JsonArray array)) {
      throw new ConfigurationException(
          "config 'paths' must be an array of file or directory paths, e.g."
              + " {\"paths\": [\"/data/killmails-2024-01-01.tar.bz2\"]}.");
    }
    List<Path> paths = new ArrayList<>();
    for (Object p : array) {
      if (!(p instanceof String s) || s.isBlank()) {
        throw new ConfigurationException(
            "config 'paths' holds " + p + ": every element must be a path string.");
      }
      paths.add(Path.of(s));
    }
    int batchSize = defaultBatchSize(env);
    if (config.getValue("batchSize") != null) {
      batchSize =
          (int)
              number(
                  "batchSize",
                  String.valueOf(config.getValue("batchSize")),
                  "a whole number from 1 to 5000");
    }
    long stopAfter = 0;
    if (config.getValue("stopAfter") != null) {
      stopAfter =
          number(
              "stopAfter",
              String.valueOf(config.getValue("stopAfter")),
              "a positive number of entries");
    }
    return new BackfillSettings(
        paths, batchSize, stopAfter, Boolean.TRUE.equals(config.getValue("publish")));
  }

  private static int defaultBatchSize(Map<String, String> env) {
    return Env.read(env, BackfillSettings::batchSize);
  }

  /** Declares and reads {@value #ENV_BATCH_SIZE}. */
  public static int batchSize(Env env) {
    return env.integer(
        ENV_BATCH_SIZE, DEFAULT_BATCH_SIZE, 1, 5000, "killmails per backfill transaction");
  }

  private static long number(String setting, String raw, String expected) {
    try {
      long value = Long.parseLong(raw.trim());
      if (value > Integer.MAX_VALUE && !setting.contains("stop")) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          setting + "='" + raw + "' is not a number: set " + expected + ".");
    }
  }
}
