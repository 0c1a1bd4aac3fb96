package dev.killboard.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the embedded servers keep binaries and data: one directory per OS user under {@code
 * java.io.tmpdir}.
 */
final class EmbeddedPaths {

  private EmbeddedPaths() {}

  /**
   * {@code <tmpdir>/killboard-embedded-<uid>}, created world-traversable so a dropped-privilege
   * server can reach it.
   */
  static Path baseDir() {
    long uid = new com.sun.security.auth.module.UnixSystem().getUid();
    Path base = Path.of(System.getProperty("java.io.tmpdir"), "killboard-embedded-" + uid);
    try {
      Files.createDirectories(base);
      Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot create " + base + " (set java.io.tmpdir to a writable directory)", e);
    }
    return base;
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
