package dev.killboard.fake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * The deterministic world every fake serves: regions, constellations, systems, categories, groups,
 * types, races, bloodlines, alliances, corporations, characters and killmails, all generated from a
 * {@link UniverseSpec}. Static tables never change; killmails can be added ({@link
 * #createKillmail()}) for the live feed. Thread-safe.
 */
public final class FakeUniverse {
  /** The first historical killmail id; later ids grow by 1–3. */
  public static final long FIRST_KILLMAIL = 128_000_001L;

  private final UniverseSpec spec;
  private final UniverseGenerator tables;
  private final KillmailForge forge;
  private final NavigableMap<Long, FakeKillmail> killmails = new TreeMap<>();
  private final Map<Long, List<Long>> byCharacter = new HashMap<>();
  private final Map<Long, List<Long>> byCorporation = new HashMap<>();
  private final Map<Long, List<Long>> byAlliance = new HashMap<>();
  private long nextKillmailId = FIRST_KILLMAIL;
  private Instant lastKillmailTime;

  private FakeUniverse(UniverseSpec spec) {
    this.spec = spec;
    Random random = new Random(spec.seed());
    this.tables = new UniverseGenerator(spec, random);
    tables.generate();
    this.forge = new KillmailForge(spec.seed(), random, tables);
    Duration span = Duration.ofDays(31);
    Instant start = spec.historyEnd().minus(span);
    long step = spec.killmails() == 0 ? 0 : span.toSeconds() / spec.killmails();
    lastKillmailTime = start;
    for (int i = 0; i < spec.killmails(); i++) {
      Instant time =
          i == spec.killmails() - 1
              ? spec.historyEnd()
              : start.plusSeconds(
                  i * step
                      + (step > 1 ? random.nextInt((int) Math.min(step, Integer.MAX_VALUE)) : 0));
      add(forge.forge(nextKillmailId, time));
      nextKillmailId += 1 + random.nextInt(3);
      lastKillmailTime = time;
    }
  }

  /** Generates the universe for a spec (a few hundred milliseconds for 20,000 killmails). */
  public static FakeUniverse generate(UniverseSpec spec) {
    return new FakeUniverse(spec);
  }

  /** The spec this universe was generated from. */
  public UniverseSpec spec() {
    return spec;
  }

  // ---- map
  // -------------------------------------------------------------------------------------------------------

  /** Region ids in ascending order. */
  public List<Long> regionIds() {
    return ids(tables.regions);
  }

  /** ESI {@code /universe/regions/{id}/}. */
  public Optional<JsonObject> region(long id) {
    return copy(tables.regions.get(id));
  }

  /** Constellation ids in ascending order. */
  public List<Long> constellationIds() {
    return ids(tables.constellations);
  }

  /** ESI {@code /universe/constellations/{id}/}. */
  public Optional<JsonObject> constellation(long id) {
    return copy(tables.constellations.get(id));
  }

  /** Solar system ids in ascending order. */
  public List<Long> systemIds() {
    return ids(tables.systems);
  }

  /** ESI {@code /universe/systems/{id}/}. */
  public Optional<JsonObject> system(long id) {
    return copy(tables.systems.get(id));
  }

  // ---- items
  // -----------------------------------------------------------------------------------------------------

  /** Category ids in generation order (Ship = 6 first). */
  public List<Long> categoryIds() {
    return ids(tables.categories);
  }

  /** ESI {@code /universe/categories/{id}/}. */
  public Optional<JsonObject> category(long id) {
    return copy(tables.categories.get(id));
  }

  /** Group ids in ascending order. */
  public List<Long> groupIds() {
    return ids(tables.groups);
  }

  /** ESI {@code /universe/groups/{id}/}. */
  public Optional<JsonObject> group(long id) {
    return copy(tables.groups.get(id));
  }

  /** Type ids in ascending order. */
  public List<Long> typeIds() {
    return ids(tables.types);
  }

  /** Type ids of ships (types in category 6). */
  public List<Long> shipTypeIds() {
    return List.copyOf(tables.shipTypes);
  }

  /** ESI {@code /universe/types/{id}/}. */
  public Optional<JsonObject> type(long id) {
    return copy(tables.types.get(id));
  }

  /** ESI {@code /universe/races/}. */
  public JsonArray races() {
    return tables.races.copy();
  }

  /** ESI {@code /universe/bloodlines/}. */
  public JsonArray bloodlines() {
    return tables.bloodlines.copy();
  }

  // ---- players
  // ---------------------------------------------------------------------------------------------------

  /** Alliance ids in ascending order (closed alliances included). */
  public List<Long> allianceIds() {
    return ids(tables.alliances);
  }

  /** ESI {@code /alliances/{id}/}. */
  public Optional<JsonObject> alliance(long id) {
    return copy(tables.alliances.get(id));
  }

  /**
   * ESI {@code /alliances/{id}/corporations/}: empty for a closed alliance, absent for an unknown
   * one.
   */
  public Optional<List<Long>> allianceCorporations(long allianceId) {
    List<Long> members = tables.allianceMembers.get(allianceId);
    return members == null ? Optional.empty() : Optional.of(List.copyOf(members));
  }

  /** Corporation ids in ascending order: the NPC corporations, then the player ones. */
  public List<Long> corporationIds() {
    List<Long> ids = new ArrayList<>(tables.corporations.keySet());
    Collections.sort(ids);
    return ids;
  }

  /** Ids of player corporations only. */
  public List<Long> playerCorporationIds() {
    return corporationIds().stream()
        .filter(id -> id >= UniverseGenerator.FIRST_CORPORATION)
        .toList();
  }

  /** ESI {@code /corporations/{id}/}. */
  public Optional<JsonObject> corporation(long id) {
    return copy(tables.corporations.get(id));
  }

  /** Member character ids of a corporation (the CEO first). */
  public List<Long> corporationMembers(long corporationId) {
    List<Long> members = tables.corporationMembers.get(corporationId);
    return members == null ? List.of() : List.copyOf(members);
  }

  /** Character ids in ascending order: NPC executives, then player characters. */
  public List<Long> characterIds() {
    List<Long> ids = new ArrayList<>(tables.characters.keySet());
    Collections.sort(ids);
    return ids;
  }

  /** Ids of player characters only (never NPC ids). */
  public List<Long> playerCharacterIds() {
    return List.copyOf(tables.playerCharacters);
  }

  /** ESI {@code /characters/{id}/}. */
  public Optional<JsonObject> character(long id) {
    return copy(tables.characters.get(id));
  }

  // ---- killmails
  // -------------------------------------------------------------------------------------------------

  /** Number of killmails (history plus created ones). */
  public synchronized int killmailCount() {
    return killmails.size();
  }

  /** All killmail ids in ascending order. */
  public synchronized List<Long> killmailIds() {
    return List.copyOf(killmails.keySet());
  }

  /** One killmail, or empty when the id is unknown. */
  public synchronized Optional<FakeKillmail> killmail(long id) {
    FakeKillmail km = killmails.get(id);
    return km == null ? Optional.empty() : Optional.of(copyOf(km));
  }

  /** The killmail if the hash matches too (ESI answers 422/404 otherwise). */
  public Optional<FakeKillmail> killmail(long id, String hash) {
    return killmail(id).filter(km -> km.hash().equals(hash));
  }

  /** Ids of the killmails a character took part in (victim or attacker), newest first. */
  public synchronized List<Long> killmailsOfCharacter(long characterId) {
    return newestFirst(byCharacter.get(characterId));
  }

  /** Ids of the killmails a corporation took part in, newest first. */
  public synchronized List<Long> killmailsOfCorporation(long corporationId) {
    return newestFirst(byCorporation.get(corporationId));
  }

  /** Ids of the killmails an alliance took part in, newest first. */
  public synchronized List<Long> killmailsOfAlliance(long allianceId) {
    return newestFirst(byAlliance.get(allianceId));
  }

  /**
   * Narrows the player characters that killmails created from now on name (victims and attackers)
   * to {@code characters}, e.g. to give a test killmails whose characters nothing else has
   * mentioned yet. Historical killmails are not affected.
   */
  public synchronized void castFrom(Collection<Long> characters) {
    List<Long> unknown =
        characters.stream().filter(id -> !tables.playerCharacters.contains(id)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("not player characters of this universe: " + unknown);
    }
    forge.castFrom(List.copyOf(characters));
  }

  /**
   * Creates the next killmail (a new id after every existing one, 30–90 s after the previous), as
   * the live feed would report it. The sequence of created killmails is deterministic for a seed.
   */
  public synchronized FakeKillmail createKillmail() {
    Instant time = lastKillmailTime.plusSeconds(30 + (nextKillmailId % 61));
    FakeKillmail km = forge.forge(nextKillmailId, time);
    nextKillmailId += 1 + (nextKillmailId % 3);
    lastKillmailTime = time;
    add(km);
    return copyOf(km);
  }

  private synchronized void add(FakeKillmail km) {
    killmails.put(km.killmailId(), km);
    JsonObject victim = km.esi().getJsonObject("victim");
    index(km.killmailId(), victim);
    JsonArray attackers = km.esi().getJsonArray("attackers");
    for (int i = 0; i < attackers.size(); i++) {
      index(km.killmailId(), attackers.getJsonObject(i));
    }
  }

  private void index(long killmailId, JsonObject participant) {
    indexOne(byCharacter, participant.getLong("character_id"), killmailId);
    indexOne(byCorporation, participant.getLong("corporation_id"), killmailId);
    indexOne(byAlliance, participant.getLong("alliance_id"), killmailId);
  }

  private static void indexOne(Map<Long, List<Long>> index, Long entity, long killmailId) {
    if (entity == null) {
      return;
    }
    List<Long> list = index.computeIfAbsent(entity, k -> new ArrayList<>());
    // Killmails arrive in id order, so a repeat participant is always the last entry.
    if (list.isEmpty() || list.get(list.size() - 1) != killmailId) {
      list.add(killmailId);
    }
  }

  private static List<Long> newestFirst(List<Long> ascending) {
    if (ascending == null) {
      return List.of();
    }
    List<Long> copy = new ArrayList<>(ascending);
    Collections.reverse(copy);
    return copy;
  }

  private static FakeKillmail copyOf(FakeKillmail km) {
    return new FakeKillmail(km.killmailId(), km.hash(), km.esi().copy(), km.zkb().copy());
  }

  private static List<Long> ids(Map<Long, JsonObject> table) {
    List<Long> ids = new ArrayList<>(table.keySet());
    Collections.sort(ids);
    return ids;
  }

  private static Optional<JsonObject> copy(JsonObject value) {
    return value == null ? Optional.empty() : Optional.of(value.copy());
  }
}
