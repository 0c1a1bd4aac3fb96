package dev.killboard.worker.killmail;

/**
 * {@code killmails}: the original's {@code worker-killmails}, which consumes {@code
 * zkillboard_character_queue} and syncs a character's zKillboard history exactly as {@link
 * ZkillboardSyncWorker} does. Only the name differs, so deployments written for the original keep
 * working; both names join the queue's one consumer group, so running both only adds consumers.
 */
public final class KillmailsWorker extends ZkillboardSyncWorker {
  /** The worker as {@code killmails}. */
  public KillmailsWorker() {
    super("killmails");
  }
}
