package dev.killboard.backfill;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One file to import: a {@code .tar.bz2} archive of killmail JSON files, or a plain {@code .json}
 * file (one killmail, or an array of them). {@code subject} is its name in the resume cursor: the
 * path relative to the directory it was found in, or the bare file name when given directly.
 */
public record SourceFile(Path path, Kind kind, String subject) {
  /** What the file holds. */
  public enum Kind {
    /** A bzip2-compressed tar of one JSON file per killmail (EVE Ref's daily archives). */
    TAR_BZ2,
    /** A JSON file: one killmail object, or an array of killmail objects. */
    JSON
  }

  /** The kind a file name stands for, or null when it is neither. */
  static Kind kindOf(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".tar.bz2") || name.endsWith(".tbz2")) {
      return Kind.TAR_BZ2;
    }
    if (name.endsWith(".json")) {
      return Kind.JSON;
    }
    return null;
  }
}
