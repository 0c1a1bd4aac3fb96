package dev.killboard.api.dataloaders;

import static dev.killboard.api.dataloaders.LoaderNames.*;

import dev.killboard.api.data.Keyed;
import dev.killboard.api.data.OrganisationRepository.MetricBase;
import dev.killboard.api.data.OrganisationRepository.SnapshotRow;
import dev.killboard.api.data.Repositories;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Wires every DataLoader to its repository query. */
public final class LoaderCatalog {
  /** How long reference data (universe, types, groups, categories) is served from memory. */
  static final java.time.Duration REFERENCE_TTL = java.time.Duration.ofSeconds(60);

  static final int REFERENCE_MAX_ENTRIES = 200_000;

  private final ReferenceCache reference = new ReferenceCache(REFERENCE_TTL, REFERENCE_MAX_ENTRIES);

  /**
   * Every loader's batch function by name; a request's loaders are made from these when first used.
   */
  private final Map<String, Function<Set<Object>, Future<Map<Object, Object>>>> batches =
      new HashMap<>();

  public LoaderCatalog(Repositories repos) {
    var u = repos.universe();
    var i = repos.items();
    var c = repos.characters();
    var o = repos.organisations();
    var k = repos.killmails();
    this.<Integer>define(
        REGION,
        ids -> reference.through(REGION, ids, missing -> byId(u.regions(missing), r -> r.id())));
    this.<Integer>define(
        CONSTELLATION,
        ids ->
            reference.through(
                CONSTELLATION, ids, missing -> byId(u.constellations(missing), r -> r.id())));
    this.<Integer>define(
        SOLAR_SYSTEM,
        ids ->
            reference.through(SOLAR_SYSTEM, ids, missing -> byId(u.systems(missing), r -> r.id())));
    this.<Integer>define(
        CONSTELLATIONS_OF_REGION,
        ids -> grouped(u.constellationsOfRegions(ids), r -> r.regionId()));
    this.<Integer>define(
        SYSTEMS_OF_CONSTELLATION,
        ids -> grouped(u.systemsOfConstellations(ids), r -> r.constellationId()));
    this.<Integer>define(REGION_STATS, ids -> keyed(u.regionStats(ids)));
    this.<Integer>define(CONSTELLATION_STATS, ids -> keyed(u.constellationStats(ids)));
    this.<Integer>define(
        CATEGORY,
        ids ->
            reference.through(CATEGORY, ids, missing -> byId(i.categories(missing), r -> r.id())));
    this.<Integer>define(
        ITEM_GROUP,
        ids -> reference.through(ITEM_GROUP, ids, missing -> byId(i.groups(missing), r -> r.id())));
    this.<Integer>define(
        TYPE, ids -> reference.through(TYPE, ids, missing -> byId(i.types(missing), r -> r.id())));
    this.<Integer>define(
        GROUPS_OF_CATEGORY, ids -> grouped(i.groupsOfCategories(ids), r -> r.categoryId()));
    this.<Integer>define(TYPES_OF_GROUP, ids -> grouped(i.typesOfGroups(ids), r -> r.groupId()));
    this.<Integer>define(CHARACTER, ids -> byId(c.characters(ids), r -> r.id()));
    this.<Integer>define(RACE, ids -> byId(c.races(ids), r -> r.id()));
    this.<Integer>define(BLOODLINE, ids -> byId(c.bloodlines(ids), r -> r.id()));
    this.<Integer>define(ALLIANCE, ids -> byId(o.alliances(ids), r -> r.id()));
    this.<Integer>define(CORPORATION, ids -> byId(o.corporations(ids), r -> r.id()));
    this.<Integer>define(
        CORPORATIONS_OF_ALLIANCE,
        ids -> grouped(o.corporationsOfAlliances(ids), r -> r.allianceId()));
    this.<Integer>define(ALLIANCE_COUNTS, ids -> keyed(o.allianceCounts(ids)));
    this.<Integer>define(ALLIANCE_METRIC_BASES, ids -> metricBases(o.allianceMetricBases(ids)));
    this.<Integer>define(
        CORPORATION_METRIC_BASES, ids -> metricBases(o.corporationMetricBases(ids)));
    this.<SnapshotKey>define(ALLIANCE_SNAPSHOTS, keys -> snapshots(keys, o::allianceSnapshots));
    this.<SnapshotKey>define(
        CORPORATION_SNAPSHOTS, keys -> snapshots(keys, o::corporationSnapshots));
    this.<Integer>define(KILLMAIL, ids -> byId(k.killmails(ids), r -> r.killmailId()));
    this.<Integer>define(
        ATTACKERS_OF_KILLMAIL, ids -> grouped(k.attackers(ids), r -> r.killmailId()));
    this.<Integer>define(ITEMS_OF_KILLMAIL, ids -> grouped(k.items(ids), r -> r.killmailId()));
  }

  @SuppressWarnings("unchecked")
  private <K> void define(String name, Function<Set<K>, Future<Map<K, Object>>> batch) {
    batches.put(name, (Function<Set<Object>, Future<Map<Object, Object>>>) (Function<?, ?>) batch);
  }

  /**
   * The loaders of one execution (each made when first used: dispatching walks every registered
   * loader per level).
   */
  public Loaders create(boolean caching) {
    return new Loaders(caching, batches);
  }

  /** Key of a snapshots(days) load. */
  public record SnapshotKey(int id, int days) {}

  private static <V> Future<Map<Integer, Object>> byId(
      Future<List<V>> rows, Function<V, Integer> id) {
    return rows.map(list -> new HashMap<>(Loaders.indexBy(list, id)));
  }

  private static <V> Future<Map<Integer, Object>> grouped(
      Future<List<V>> rows, Function<V, Integer> key) {
    return rows.map(list -> new HashMap<>(Loaders.groupBy(list, key)));
  }

  private static <V> Future<Map<Integer, Object>> keyed(Future<List<Keyed<V>>> rows) {
    return rows.map(
        list -> {
          Map<Integer, Object> out = new HashMap<>();
          list.forEach(k -> out.put(k.key(), k.value()));
          return out;
        });
  }

  private static Future<Map<Integer, Object>> metricBases(Future<List<MetricBase>> rows) {
    return rows.map(
        list -> {
          Map<Integer, Object> out = new HashMap<>();
          for (MetricBase b : list) {
            @SuppressWarnings("unchecked")
            Map<Integer, MetricBase> perDays =
                (Map<Integer, MetricBase>)
                    out.computeIfAbsent(b.id(), id -> new HashMap<Integer, MetricBase>());
            perDays.put(b.days(), b);
          }
          return out;
        });
  }

  private interface SnapshotQuery<V> {
    Future<List<SnapshotRow<V>>> run(List<Integer> ids, List<Integer> days);
  }

  private static <V> Future<Map<SnapshotKey, Object>> snapshots(
      Set<SnapshotKey> keys, SnapshotQuery<V> query) {
    List<Integer> ids = new ArrayList<>(keys.size());
    List<Integer> days = new ArrayList<>(keys.size());
    keys.forEach(
        k -> {
          ids.add(k.id());
          days.add(k.days());
        });
    return query
        .run(ids, days)
        .map(
            rows -> {
              Map<SnapshotKey, Object> out = new HashMap<>();
              for (SnapshotRow<V> r : rows) {
                @SuppressWarnings("unchecked")
                List<V> list =
                    (List<V>)
                        out.computeIfAbsent(
                            new SnapshotKey(r.id(), r.days()), key -> new ArrayList<V>());
                list.add(r.snapshot());
              }
              return out;
            });
  }
}
