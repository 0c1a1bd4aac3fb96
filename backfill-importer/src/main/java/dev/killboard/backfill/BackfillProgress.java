package dev.killboard.backfill;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The import's counters and its operator output: a line per file, a line per malformed entry (entry
 * name and reason), and a progress line at most every {@code interval} milliseconds. Thread-safe:
 * the reader thread reports malformed entries, the event loop commits.
 */
final class BackfillProgress {
  private final Consumer<String> out;
  private final long intervalMillis;
  private final long started = System.nanoTime();
  private final AtomicInteger files = new AtomicInteger();
  private final AtomicInteger filesSkipped = new AtomicInteger();
  private final AtomicLong entries = new AtomicLong();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong lastPrint = new AtomicLong(System.nanoTime());

  BackfillProgress(Consumer<String> out, long intervalMillis) {
    this.out = out;
    this.intervalMillis = intervalMillis;
  }

  void fileStarted(SourceFile f, int number, int of, ArchiveCursor.State state) {
    files.incrementAndGet();
    String from =
        state.position() > 0
            ? ", resuming after entry " + state.position()
            : state.restarted() ? ", from the start (the file changed since it was imported)" : "";
    out.accept(
        String.format(Locale.ROOT, "[backfill] file %d/%d %s%s", number, of, f.subject(), from));
  }

  void fileAlreadyImported(SourceFile f, int number, int of, long position) {
    files.incrementAndGet();
    filesSkipped.incrementAndGet();
    out.accept(
        String.format(
            Locale.ROOT,
            "[backfill] file %d/%d %s: already imported (%d entries), skipped",
            number,
            of,
            f.subject(),
            position));
  }

  void fileDone(SourceFile f, long entriesInFile, long[] before) {
    long[] now = snapshot();
    out.accept(
        String.format(
            Locale.ROOT,
            "[backfill] done %s: %d entries, %d new, %d duplicates, %d malformed",
            f.subject(),
            entriesInFile,
            now[0] - before[0],
            now[1] - before[1],
            now[2] - before[2]));
  }

  /** stored, duplicates, malformed so far. */
  long[] snapshot() {
    return new long[] {stored.get(), duplicates.get(), malformed.get()};
  }

  void entryRead() {
    entries.incrementAndGet();
  }

  long entries() {
    return entries.get();
  }

  void malformed(String entryName, String reason) {
    malformed.incrementAndGet();
    out.accept("[backfill] malformed " + entryName + ": " + reason + " (skipped)");
  }

  void committed(int newlyStored, int duplicatesSkipped) {
    stored.addAndGet(newlyStored);
    duplicates.addAndGet(duplicatesSkipped);
    long now = System.nanoTime();
    long last = lastPrint.get();
    if ((now - last) / 1_000_000 >= intervalMillis && lastPrint.compareAndSet(last, now)) {
      out.accept(line());
    }
  }

  String line() {
    long ms = Math.max(1, (System.nanoTime() - started) / 1_000_000);
    return String.format(
        Locale.ROOT,
        "[backfill] %d files, %d entries, %d new, %d duplicates, %d malformed, %.0f"
            + " killmails/s",
        files.get(),
        entries.get(),
        stored.get(),
        duplicates.get(),
        malformed.get(),
        (stored.get() + duplicates.get()) * 1000.0 / ms);
  }

  BackfillReport report(boolean stopped) {
    return new BackfillReport(
        files.get(),
        filesSkipped.get(),
        entries.get(),
        stored.get(),
        duplicates.get(),
        malformed.get(),
        (System.nanoTime() - started) / 1_000_000,
        stopped);
  }
}
