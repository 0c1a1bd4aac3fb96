package dev.killboard.upstream.zkillboard;

import io.vertx.core.json.JsonObject;

/**
 * One zKillboard history entry: the killmail id, its hash (to read the killmail from ESI) and the
 * validated {@code zkb} block (values, points, npc/solo/awox, labels, locationID).
 */
public record ZkbKillmailRef(long killmailId, String hash, JsonObject zkb) {}
