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

/** What to import (paths, in order) and how, from the command line or a verticle config. */
public record BackfillSettings(List<Path> paths, int batchSize, long stopAfter, boolean publish) {
  private static final String USAGE =
      """
      Usage: BackfillCommand [--batch-size=N] [--stop-after=N] [--publish] PATH...
        PATH            a .tar.bz2 archive of ESI killmail JSON files (EVE Ref's daily archives), a .json file
                        (one killmail or an array), or a directory of them (searched recursively, in name order)
        --batch-size=N  killmails per transaction, 1-5000 (default 2000, or KILLBOARD_BACKFILL_BATCH_SIZE)
        --stop-after=N  stop after N entries; run again to resume
        --publish       announce each newly stored killmail on the event bus (newKillmail)
      Database and cluster come from KILLBOARD_DB_* and KILLBOARD_CLUSTER_* / KILLBOARD_CP_* (see docs/backfill.md).""";

  /** Where an archive entry without a hash gets it (KILLBOARD_BACKFILL_HASHES). */
  public enum HashSource {
    /** zKillboard's per-day hashes (KILLBOARD_ZKB_BASE_URL, KILLBOARD_USER_AGENT). */
    ZKILLBOARD,
    /** Nowhere: such entries are reported and skipped. */
    OFF
  }

  /** Checks the values; throws {@link ConfigurationException} naming every bad one. */
  public BackfillSettings {
    paths = List.copyOf(paths);
    Env env = Env.of(Map.of());
    env.require(
        !paths.isEmpty(),
        "No PATH given: name at least one .tar.bz2 archive, .json file or directory.\n" + USAGE);
    for (Path p : paths) {
      if (env.require(
              Files.exists(p),
              "PATH '%s' does not exist: give an existing archive, JSON file or directory."
                  .formatted(p))
          && env.require(
              Files.isReadable(p),
              "PATH '%s' is not readable by this user: fix its permissions.".formatted(p))) {
        env.require(
            !Files.isRegularFile(p) || SourceFile.kindOf(p) != null,
            "PATH '%s' is neither a .tar.bz2 archive nor a .json file: give one of those, or a directory holding them."
                .formatted(p));
      }
    }
    env.require(
        batchSize >= 1 && batchSize <= 5000,
        "batch size %d is invalid (--batch-size / KILLBOARD_BACKFILL_BATCH_SIZE): set a whole number from 1 to 5000, or leave it unset for 2000."
            .formatted(batchSize));
    env.require(
        stopAfter >= 0,
        "--stop-after=%d is invalid: set a positive number of entries, or leave it out to import everything."
            .formatted(stopAfter));
    env.check();
  }

  /** Parses command-line arguments, with defaults from {@code env}. */
  public static BackfillSettings fromArgs(String[] args, Map<String, String> env) {
    List<Path> paths = new ArrayList<>();
    int batchSize = Env.read(env, BackfillSettings::batchSize);
    long stopAfter = 0;
    boolean publish = false;
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--batch-size=")) {
        batchSize =
            (int) number("--batch-size", value, Integer.MAX_VALUE, "a whole number from 1 to 5000");
      } else if (arg.startsWith("--stop-after=")) {
        stopAfter = number("--stop-after", value, Long.MAX_VALUE, "a positive number of entries");
        require(
            stopAfter != 0,
            "--stop-after=0 is invalid: set a positive number of entries, or leave it out to import everything.");
      } else if (arg.equals("--publish")) {
        publish = true;
      } else if (arg.equals("--help") || arg.equals("-h")) {
        throw new ConfigurationException(USAGE);
      } else {
        require(!arg.startsWith("-"), "Unknown option '" + arg + "'.\n" + USAGE);
        paths.add(Path.of(arg));
      }
    }
    return new BackfillSettings(paths, batchSize, stopAfter, publish);
  }

  /** Reads a verticle config: paths (array), batchSize, stopAfter, publish; defaults from env. */
  public static BackfillSettings fromConfig(JsonObject config, Map<String, String> env) {
    require(
        config.getValue("paths") instanceof JsonArray,
        "config 'paths' must be an array of file or directory paths, e.g. {\"paths\": [\"/data/killmails-2024-01-01.tar.bz2\"]}.");
    List<Path> paths = new ArrayList<>();
    for (Object p : config.getJsonArray("paths")) {
      require(
          p instanceof String s && !s.isBlank(),
          "config 'paths' holds " + p + ": every element must be a path string.");
      paths.add(Path.of((String) p));
    }
    int batchSize = Env.read(env, BackfillSettings::batchSize);
    Object batch = config.getValue("batchSize");
    Object stop = config.getValue("stopAfter");
    return new BackfillSettings(
        paths,
        batch == null
            ? batchSize
            : (int) number("batchSize", batch, Integer.MAX_VALUE, "a whole number from 1 to 5000"),
        stop == null
            ? 0
            : number("stopAfter", stop, Long.MAX_VALUE, "a positive number of entries"),
        Boolean.TRUE.equals(config.getValue("publish")));
  }

  /** Declares and reads the default batch size, {@code KILLBOARD_BACKFILL_BATCH_SIZE}. */
  public static int batchSize(Env env) {
    // 2000: the schema's statement-level triggers cost less per row in larger batches.
    return env.integer("KILLBOARD_BACKFILL_BATCH_SIZE", 2000, 1, 5000)
        .about("killmails per backfill transaction");
  }

  /** Declares and reads {@code KILLBOARD_BACKFILL_HASHES}. */
  public static HashSource hashes(Env env) {
    return env.choice(BackfillVerticle.ENV_HASHES, HashSource.ZKILLBOARD)
        .about(
            "where an archive entry without a hash gets it: zKillboard's per-day hashes, or off (such entries are reported and skipped)");
  }

  private static long number(String setting, Object raw, long max, String expected) {
    try {
      long value = Long.parseLong(String.valueOf(raw).trim());
      if (value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // refused below, like a value above max
    }
    throw new ConfigurationException(
        "%s='%s' is not a number: set %s.".formatted(setting, raw, expected));
  }

  private static void require(boolean ok, String problem) {
    if (!ok) {
      throw new ConfigurationException(problem);
    }
  }
}
