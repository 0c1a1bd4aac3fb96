package dev.killboard.upstream.r2z2;

import dev.killboard.contracts.EsiKillmail;

/**
 * One R2Z2 entry: its sequence and the killmail, typed and checked, with its hash and {@code zkb}
 * block. No ESI call is needed to store it.
 */
public record R2z2Killmail(long sequence, EsiKillmail killmail) {
  /** The entry's killmail id. */
  public int killmailId() {
    return killmail.killmailId();
  }
}
