package dev.killboard.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL binaries of zonky's binaries artifact, unpacked once per machine into a cache
 * directory.
 */
final class PostgresBinaries {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
  private static final String READY_MARKER = ".complete";
  private static Path installed;

  private PostgresBinaries() {}

  /** The directory holding {@code bin/} and {@code lib/}, unpacking the archive on first use. */
  static synchronized Path installDir() {
    if (installed != null && Files.isRegularFile(installed.resolve(READY_MARKER))) {
      return installed;
    }
    try {
      byte[] archive;
      try (InputStream in =
          DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(osName(), architecture())) {
        archive = in.readAllBytes();
      }
      String digest =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive), 0, 8);
      Path target = EmbeddedPaths.baseDir().resolve("pg-" + digest);
      if (!Files.isRegularFile(target.resolve(READY_MARKER))) {
        unpack(archive, target);
      }
      installed = target;
      return target;
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(
          "Could not unpack the embedded PostgreSQL binaries into "
              + EmbeddedPaths.baseDir()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Unpacks into a private directory and renames it into place, so concurrent JVMs never see half
   * an install.
   */
  private static void unpack(byte[] archive, Path target) throws IOException {
    Path staging =
        Files.createTempDirectory(target.getParent(), target.getFileName() + ".staging-");
    LOG.info("Unpacking embedded PostgreSQL binaries into {}", target);
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new XZCompressorInputStream(new ByteArrayInputStream(archive)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path out = staging.resolve(entry.getName()).normalize();
        if (!out.startsWith(staging)) {
          throw new IOException("Archive entry escapes the target directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(out.getParent());
          Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
          Files.createDirectories(out.getParent());
          Files.createLink(out, staging.resolve(entry.getLinkName()).normalize());
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(out, permissions(entry.getMode()));
        }
      }
    }
    // Readable and traversable by everyone: when the build runs as root the server runs as another
    // user.
    try (var dirs = Files.walk(staging)) {
      for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        Files.setPosixFilePermissions(dir, permissions(0755));
      }
    }
    Files.createFile(staging.resolve(READY_MARKER));
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException
        | DirectoryNotEmptyException
        | AtomicMoveNotSupportedException e) {
      // Another JVM won the race (or left an unusable directory): use theirs if it is complete.
      EmbeddedPaths.deleteRecursively(staging);
      if (!Files.isRegularFile(target.resolve(READY_MARKER))) {
        throw new IOException(
            "Incomplete PostgreSQL install at " + target + "; delete it and retry", e);
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(order[bit]);
      }
    }
    // Everything in the archive must be readable by the server account.
    set.add(PosixFilePermission.OWNER_READ);
    set.add(PosixFilePermission.GROUP_READ);
    set.add(PosixFilePermission.OTHERS_READ);
    return set;
  }

  private static String osName() {
    String os = System.getProperty("os.name").toLowerCase();
    if (os.contains("linux")) {
      return "Linux";
    }
    if (os.contains("mac")) {
      return "Darwin";
    }
    throw new IllegalStateException("Embedded PostgreSQL supports Linux and macOS, not " + os);
  }

  private static String architecture() {
    String arch = System.getProperty("os.arch");
    return "amd64".equals(arch) ? "x86_64" : arch;
  }
}
