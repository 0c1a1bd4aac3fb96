package dev.killboard.backfill;

import java.util.Locale;

/**
 * What an import did: files read and skipped as already imported, entries read, killmails newly
 * stored, duplicates skipped, malformed entries reported, and whether it stopped before the end
 * (stop-after or a stop request).
 */
public record BackfillReport(
    int files,
    int filesAlreadyImported,
    long entries,
    long stored,
    long duplicates,
    long malformed,
    long elapsedMillis,
    boolean stopped) {
  /** Stored plus duplicates per second of the run (what the pipeline processed). */
  public double killmailsPerSecond() {
    return elapsedMillis <= 0 ? 0 : (stored + duplicates) * 1000.0 / elapsedMillis;
  }

  /** The one-line summary the command prints. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "%s: %d files (%d already imported), %d entries, %d new killmails, %d"
            + " duplicates skipped, %d malformed, %.1f s, %.0f killmails/s",
        stopped ? "Backfill stopped early" : "Backfill done",
        files,
        filesAlreadyImported,
        entries,
        stored,
        duplicates,
        malformed,
        elapsedMillis / 1000.0,
        killmailsPerSecond());
  }
}
