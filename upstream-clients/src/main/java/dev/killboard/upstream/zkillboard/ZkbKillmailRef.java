package dev.killboard.upstream.zkillboard;

import dev.killboard.contracts.Zkb;

/**
 * One zKillboard history entry: the killmail id, its hash (to read the killmail from ESI) and the
 * checked {@code zkb} block (values, points, npc/solo/awox, labels, locationID).
 */
public record ZkbKillmailRef(long killmailId, String hash, Zkb zkb) {}
