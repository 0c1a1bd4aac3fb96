package dev.killboard.upstream.esi;

/**
 * How the ESI cache is doing.
 *
 * @param entries answers held
 * @param hits calls served from a fresh entry without a request
 * @param revalidations 304 answers that renewed a stale entry
 */
public record EsiCacheStats(int entries, long hits, long revalidations) {}
