package dev.killboard.upstream.esi;

/**
 * A killmail id with its hash: enough to read the killmail from {@code /killmails/{id}/{hash}/}.
 */
public record KillmailRef(long killmailId, String hash) {}
