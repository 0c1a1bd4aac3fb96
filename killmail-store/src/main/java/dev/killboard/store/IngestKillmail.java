package dev.killboard.store;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One killmail to store: its id and hash, the ESI killmail (victim, attackers, nested items) and zKillboard's
 * {@code zkb} block (values, points, flags, labels, location), which is null when only ESI's copy is known.
 */
public record IngestKillmail(long killmailId, String hash, JsonObject esi, JsonObject zkb) {
  /** Checks the parts every ingest needs. */
  public IngestKillmail {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(esi, "esi");
    if (killmailId <= 0 || killmailId > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("killmail id " + killmailId + " is outside 1.." + Integer.MAX_VALUE);
    }
  }
}
