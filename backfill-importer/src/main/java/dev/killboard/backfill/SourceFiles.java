package dev.killboard.backfill;

import dev.killboard.config.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands the import's paths into the files to read: directories recursively, in name order; other
 * files ignored.
 */
final class SourceFiles {
  private SourceFiles() {}

  /**
   * The files, in import order; a directory without any archive or JSON file is a configuration
   * error.
   */
  static List<SourceFile> resolve(List<Path> paths) {
    List<SourceFile> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        List<Path> found;
        try (Stream<Path> walk = Files.walk(p)) {
          found =
              walk.filter(Files::isRegularFile)
                  .filter(f -> SourceFile.kindOf(f) != null)
                  .sorted()
                  .toList();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list directory " + p + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
          throw new ConfigurationException(
              "PATH '"
                  + p
                  + "' is a directory without any .tar.bz2 or .json file: point"
                  + " at the directory that holds the archives.");
        }
        for (Path f : found) {
          out.add(new SourceFile(f, SourceFile.kindOf(f), subject(p.relativize(f).toString())));
        }
      } else {
        out.add(new SourceFile(p, SourceFile.kindOf(p), subject(p.getFileName().toString())));
      }
    }
    return out;
  }

  private static String subject(String name) {
    String s = name.replace('\\', '/');
    return s.length() <= 1024 ? s : s.substring(s.length() - 1024);
  }
}
