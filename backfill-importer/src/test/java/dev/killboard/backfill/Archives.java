package dev.killboard.backfill;

import dev.killboard.fake.FakeKillmail;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * Builds EVE Ref-style archives (a .tar.bz2 holding one killmail JSON file per entry) and killmail
 * fixtures.
 */
final class Archives {
  private Archives() {}

  /**
   * Writes {@code entries} (name to content, in order) as a .tar.bz2 with a directory entry first,
   * as tar does.
   */
  static Path tarBz2(Path file, Map<String, byte[]> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new BZip2CompressorOutputStream(out))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry dirEntry = new TarArchiveEntry("killmails/");
      tar.putArchiveEntry(dirEntry);
      tar.closeArchiveEntry();
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    return file;
  }

  /**
   * Entries for fake killmails: ESI's body with {@code killmail_hash} and {@code zkb} beside it.
   */
  static Map<String, byte[]> entries(Iterable<FakeKillmail> killmails) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (FakeKillmail k : killmails) {
      JsonObject body = k.esi().copy().put("killmail_hash", k.hash()).put("zkb", k.zkb());
      out.put("killmails/" + k.killmailId() + ".json", bytes(body));
    }
    return out;
  }

  static byte[] bytes(JsonObject o) {
    return o.encode().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A 40-hex-digit hash derived from an id. */
  static String hash(long id) {
    return String.format("%040x", id * 2654435761L);
  }

  /**
   * A hand-written ESI killmail: two attackers, a victim with position in corporation {@code
   * corporationId} (null: left out, as ESI does for some victims), a fitted module and a container
   * holding two items.
   */
  static JsonObject esiKillmail(long id, Integer corporationId) {
    JsonObject victim =
        new JsonObject()
            .put("character_id", 2112000001)
            .put("ship_type_id", 587)
            .put("damage_taken", 2650)
            .put("position", new JsonObject().put("x", 1.5).put("y", -2.25).put("z", 3e11));
    if (corporationId != null) {
      victim.put("corporation_id", corporationId).put("alliance_id", 99000001);
    }
    victim.put(
        "items",
        new JsonArray()
            .add(
                new JsonObject()
                    .put("item_type_id", 2185)
                    .put("flag", 27)
                    .put("quantity_destroyed", 1)
                    .put("singleton", 0))
            .add(
                new JsonObject()
                    .put("item_type_id", 11489)
                    .put("flag", 5)
                    .put("quantity_dropped", 1)
                    .put("singleton", 0)
                    .put(
                        "items",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("item_type_id", 34)
                                    .put("flag", 5)
                                    .put("quantity_dropped", 5000)
                                    .put("singleton", 0))
                            .add(
                                new JsonObject()
                                    .put("item_type_id", 35)
                                    .put("flag", 5)
                                    .put("quantity_destroyed", 1200)
                                    .put("singleton", 0)))));
    JsonArray attackers =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("character_id", 2112000002)
                    .put("corporation_id", 98000002)
                    .put("damage_done", 2000)
                    .put("final_blow", true)
                    .put("security_status", -1.5)
                    .put("ship_type_id", 17841)
                    .put("weapon_type_id", 3074))
            .add(
                new JsonObject()
                    .put("faction_id", 500003)
                    .put("damage_done", 650)
                    .put("final_blow", false)
                    .put("security_status", 0)
                    .put("ship_type_id", 17812));
    return new JsonObject()
        .put("killmail_id", id)
        .put("killmail_time", "2026-04-01T12:34:56Z")
        .put("solar_system_id", 30000142)
        .put("victim", victim)
        .put("attackers", attackers);
  }
}
