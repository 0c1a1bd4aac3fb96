package dev.killboard.contracts;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One killmail as ESI describes it, checked by {@link KillmailShape} on construction: its id and
 * hash, ESI's body (victim, attackers, nested items) and zKillboard's {@code zkb} block (values,
 * points, flags, labels, location), which is null when only ESI's copy is known. Live workers and
 * the backfill build the same record, so the killmail store sees one shape checked one way.
 */
public record EsiKillmail(long killmailId, String hash, JsonObject esi, JsonObject zkb) {
  private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{40}");

  /**
   * Checks the id, the hash (40 hexadecimal digits) and the ESI body.
   *
   * @throws MalformedKillmail naming what is wrong
   */
  public EsiKillmail {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(esi, "esi");
    if (killmailId <= 0 || killmailId > Integer.MAX_VALUE) {
      throw new MalformedKillmail(
          "killmail id " + killmailId + " is outside 1.." + Integer.MAX_VALUE);
    }
    if (!HASH.matcher(hash).matches()) {
      throw new MalformedKillmail(
          "killmail hash '"
              + (hash.length() > 60 ? hash.substring(0, 57) + "..." : hash)
              + "' is not 40 hexadecimal digits");
    }
    KillmailShape.check(esi, killmailId);
  }
}
