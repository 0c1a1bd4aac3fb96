package dev.killboard.backfill;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Reads the killmail entries of one {@link SourceFile} in their stored order. Blocking (file IO and
 * bzip2): call it from a worker thread, never an event loop. A tar's regular files are its entries
 * (directories are not counted); a JSON file is one entry, or one per element when it holds an
 * array.
 */
final class ArchiveReader implements Closeable {
  /**
   * Larger entries are reported instead of read: no ESI killmail comes near it, a hostile file
   * could.
   */
  static final long MAX_ENTRY_BYTES = 16L * 1024 * 1024;

  /** A plain JSON file is parsed whole; beyond this, pack its killmails into an archive instead. */
  static final long MAX_JSON_FILE_BYTES = 64L * 1024 * 1024;

  private final SourceFile source;
  private final TarArchiveInputStream tar;
  private final Deque<ArchiveEntry> pending = new ArrayDeque<>();
  private long nextIndex;

  private ArchiveReader(SourceFile source, TarArchiveInputStream tar) {
    this.source = source;
    this.tar = tar;
  }

  /** Opens the file; JSON files are read whole here (they hold one killmail or a small array). */
  static ArchiveReader open(SourceFile source) throws IOException {
    if (source.kind() == SourceFile.Kind.TAR_BZ2) {
      InputStream in = new BufferedInputStream(Files.newInputStream(source.path()), 1 << 16);
      try {
        // decompressConcatenated: parallel compressors (pbzip2, lbzip2) write several bzip2 streams
        // in one file.
        return new ArchiveReader(
            source, new TarArchiveInputStream(new BZip2CompressorInputStream(in, true)));
      } catch (IOException | RuntimeException e) {
        in.close();
        throw new IOException(
            "cannot read " + source.path() + " as a bzip2-compressed tar: " + e.getMessage(), e);
      }
    }
    ArchiveReader reader = new ArchiveReader(source, null);
    reader.loadJsonFile();
    return reader;
  }

  private void loadJsonFile() throws IOException {
    String name = source.path().getFileName().toString();
    if (Files.size(source.path()) > MAX_JSON_FILE_BYTES) {
      pending.add(
          new ArchiveEntry(
              0,
              name,
              null,
              "JSON file larger than "
                  + MAX_JSON_FILE_BYTES
                  + " bytes: split it,"
                  + " or pack one killmail per file into a .tar.bz2"));
      return;
    }
    byte[] bytes = Files.readAllBytes(source.path());
    if (!startsWithArray(bytes)) {
      pending.add(new ArchiveEntry(0, name, bytes, null));
      return;
    }
    JsonArray array;
    try {
      array = new JsonArray(Buffer.buffer(bytes));
    } catch (DecodeException e) {
      pending.add(new ArchiveEntry(0, name, bytes, null)); // the parser reports the syntax error
      return;
    }
    for (int i = 0; i < array.size(); i++) {
      Object element = array.getValue(i);
      String entryName = name + "[" + i + "]";
      if (element instanceof io.vertx.core.json.JsonObject o) {
        pending.add(new ArchiveEntry(i, entryName, o.toBuffer().getBytes(), null));
      } else {
        pending.add(new ArchiveEntry(i, entryName, null, "array element is not a JSON object"));
      }
    }
  }

  private static boolean startsWithArray(byte[] bytes) {
    for (byte b : bytes) {
      if (!Character.isWhitespace(b)) {
        return b == '[';
      }
    }
    return false;
  }

  /** The next entry, or null at the end of the file. */
  ArchiveEntry next() throws IOException {
    if (tar == null) {
      ArchiveEntry e = pending.poll();
      if (e != null) {
        nextIndex = e.index() + 1;
      }
      return e;
    }
    TarArchiveEntry entry = nextFile();
    if (entry == null) {
      return null;
    }
    long index = nextIndex++;
    String name = source.subject() + "!" + entry.getName();
    if (entry.getSize() > MAX_ENTRY_BYTES) {
      return new ArchiveEntry(
          index,
          name,
          null,
          "entry of "
              + entry.getSize()
              + " bytes is larger than the "
              + MAX_ENTRY_BYTES
              + "-byte limit");
    }
    return new ArchiveEntry(index, name, tar.readAllBytes(), null);
  }

  /**
   * Skips {@code count} entries without reading their contents (resume); returns how many there
   * were.
   */
  long skip(long count) throws IOException {
    long skipped = 0;
    if (tar == null) {
      while (skipped < count && pending.poll() != null) {
        skipped++;
      }
      nextIndex += skipped;
      return skipped;
    }
    while (skipped < count && nextFile() != null) {
      skipped++;
    }
    nextIndex += skipped;
    return skipped;
  }

  private TarArchiveEntry nextFile() throws IOException {
    TarArchiveEntry entry;
    do {
      entry = tar.getNextEntry();
    } while (entry != null && !entry.isFile());
    return entry;
  }

  @Override
  public void close() throws IOException {
    if (tar != null) {
      tar.close();
    }
  }
}
