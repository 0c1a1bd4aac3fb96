package dev.killboard.upstream.esi;

import java.time.Instant;

/**
 * A gate's view of ESI's error limit.
 *
 * @param remain errors left in the window as last seen (or estimated), null when unknown
 * @param inFlight admitted requests not yet released
 * @param windowEnd when the current window ends, null when unknown
 * @param blockedUntil when sending may resume after a 420 or a spent budget, null when not blocked
 */
public record ErrorLimitSnapshot(
    Integer remain, int inFlight, Instant windowEnd, Instant blockedUntil) {}
