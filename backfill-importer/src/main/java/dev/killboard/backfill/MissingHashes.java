package dev.killboard.backfill;

import java.time.LocalDate;
import java.util.Optional;

/**
 * Where the importer finds the hash of a killmail whose entry carries none. EVE Ref's archives hold
 * verbatim ESI killmails, and ESI's body has no hash; the schema needs it (it is what reads the
 * killmail from ESI again).
 */
public interface MissingHashes {
  /** No look-up: entries without a hash are reported as malformed and skipped. */
  MissingHashes NONE = (killmailId, day) -> Optional.empty();

  /**
   * The hash of killmail {@code killmailId}, which happened on {@code day} (UTC), or empty when the
   * source does not know it. Called on the importer's reader thread: it may block. Throws when the
   * source cannot be asked (the import then stops, and resumes there on the next run, so no
   * killmail is skipped for want of an answer).
   */
  Optional<String> hashOf(long killmailId, LocalDate day) throws java.io.IOException;
}
