package dev.killboard.api.resolvers;

import static dev.killboard.api.dataloaders.LoaderNames.*;
import static dev.killboard.api.resolvers.UniverseResolvers.list;
import static dev.killboard.api.resolvers.UniverseResolvers.load;

import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.data.Entities.Alliance;
import dev.killboard.api.data.Entities.AllianceCounts;
import dev.killboard.api.data.Entities.Corporation;
import dev.killboard.api.data.OrganisationRepository;
import dev.killboard.api.data.OrganisationRepository.AllianceFilter;
import dev.killboard.api.data.OrganisationRepository.CorporationFilter;
import dev.killboard.api.data.OrganisationRepository.MetricBase;
import dev.killboard.api.data.OrganisationRepository.OrganisationOrder;
import dev.killboard.api.dataloaders.LoaderCatalog.SnapshotKey;
import dev.killboard.api.errors.ApiException;
import dev.killboard.api.graphql.ResolverModule;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Alliances and corporations: lookups, lists, edges, live counts, metrics and snapshots. */
public final class OrganisationResolvers implements ResolverModule {
  private static final int MAX_SNAPSHOT_DAYS = 3660;

  private final OrganisationRepository repo;
  private final QueryLimits limits;

  public OrganisationResolvers(OrganisationRepository repo, QueryLimits limits) {
    this.repo = repo;
    this.limits = limits;
  }

  @Override
  public void wire(RuntimeWiring.Builder w) {
    w.type(
        "Query",
        t ->
            t.dataFetcher("alliance", env -> load(env, ALLIANCE, env.getArgument("id")))
                .dataFetcher("alliances", this::alliances)
                .dataFetcher("corporation", env -> load(env, CORPORATION, env.getArgument("id")))
                .dataFetcher("corporations", this::corporations));
    w.type(
        "Alliance",
        t ->
            t.dataFetcher(
                    "executor",
                    env ->
                        load(
                            env,
                            CORPORATION,
                            nonZero(env.<Alliance>getSource().executorCorporationId())))
                .dataFetcher(
                    "createdByCorporation",
                    env -> load(env, CORPORATION, env.<Alliance>getSource().creatorCorporationId()))
                .dataFetcher(
                    "createdBy", env -> load(env, CHARACTER, env.<Alliance>getSource().creatorId()))
                .dataFetcher(
                    "corporations",
                    env -> list(env, CORPORATIONS_OF_ALLIANCE, env.<Alliance>getSource().id()))
                .dataFetcher(
                    "corporationCount",
                    env -> counts(env).thenApply(AllianceCounts::corporationCount))
                .dataFetcher(
                    "memberCount", env -> counts(env).thenApply(AllianceCounts::memberCount))
                .dataFetcher("metrics", this::allianceMetrics)
                .dataFetcher(
                    "snapshots",
                    env ->
                        list(
                            env,
                            ALLIANCE_SNAPSHOTS,
                            new SnapshotKey(env.<Alliance>getSource().id(), days(env)))));
    w.type(
        "Corporation",
        t ->
            t.dataFetcher(
                    "alliance",
                    env -> load(env, ALLIANCE, env.<Corporation>getSource().allianceId()))
                .dataFetcher(
                    "ceo", env -> load(env, CHARACTER, env.<Corporation>getSource().ceoId()))
                .dataFetcher(
                    "creator",
                    env -> load(env, CHARACTER, env.<Corporation>getSource().creatorId()))
                .dataFetcher("metrics", this::corporationMetrics)
                .dataFetcher(
                    "snapshots",
                    env ->
                        list(
                            env,
                            CORPORATION_SNAPSHOTS,
                            new SnapshotKey(env.<Corporation>getSource().id(), days(env)))));
  }

  private static Integer nonZero(int id) {
    return id == 0 ? null : id;
  }

  private static int days(DataFetchingEnvironment env) {
    Integer days = env.getArgument("days");
    int d = days == null ? 30 : days;
    if (d < 0 || d > MAX_SNAPSHOT_DAYS) {
      throw ApiException.badInput(
          "days must be between 0 and " + MAX_SNAPSHOT_DAYS + " (got " + d + ")");
    }
    return d;
  }

  private CompletableFuture<AllianceCounts> counts(DataFetchingEnvironment env) {
    return UniverseResolvers.<AllianceCounts>load(
            env, ALLIANCE_COUNTS, env.<Alliance>getSource().id())
        .thenApply(c -> c == null ? AllianceCounts.ZERO : c);
  }

  private CompletableFuture<Map<String, Object>> allianceMetrics(DataFetchingEnvironment env) {
    CompletableFuture<AllianceCounts> counts = counts(env);
    CompletableFuture<Map<Integer, MetricBase>> bases =
        load(env, ALLIANCE_METRIC_BASES, env.<Alliance>getSource().id());
    return counts.thenCombine(
        bases,
        (current, base) -> {
          Map<String, Object> m = new HashMap<>();
          for (int days : OrganisationRepository.METRIC_DAYS) {
            MetricBase b = base == null ? null : base.get(days);
            m.put(
                "memberCountDelta" + days + "d",
                b == null ? null : current.memberCount() - b.memberCount());
            m.put(
                "corporationCountDelta" + days + "d",
                b == null ? null : current.corporationCount() - b.corporationCount());
            m.put(
                "memberCountGrowthRate" + days + "d",
                b == null ? null : rate(current.memberCount(), b.memberCount()));
            m.put(
                "corporationCountGrowthRate" + days + "d",
                b == null ? null : rate(current.corporationCount(), b.corporationCount()));
          }
          return m;
        });
  }

  private CompletableFuture<Map<String, Object>> corporationMetrics(DataFetchingEnvironment env) {
    Corporation corporation = env.getSource();
    CompletableFuture<Map<Integer, MetricBase>> bases =
        load(env, CORPORATION_METRIC_BASES, corporation.id());
    return bases.thenApply(
        base -> {
          Map<String, Object> m = new HashMap<>();
          for (int days : OrganisationRepository.METRIC_DAYS) {
            MetricBase b = base == null ? null : base.get(days);
            m.put(
                "memberCountDelta" + days + "d",
                b == null ? null : corporation.memberCount() - b.memberCount());
            m.put(
                "memberCountGrowthRate" + days + "d",
                b == null ? null : rate(corporation.memberCount(), b.memberCount()));
          }
          return m;
        });
  }

  /** Percent change; null when the base is 0 (as the original). */
  static Double rate(int current, int base) {
    return base > 0 ? (current - base) * 100.0 / base : null;
  }

  private Object alliances(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    AllianceFilter filter =
        new AllianceFilter(
            f.text("search"),
            f.text("name"),
            f.text("ticker"),
            f.instant("dateFoundedFrom"),
            f.instant("dateFoundedTo"),
            f.order(OrganisationOrder.class, OrganisationOrder.NAME_ASC));
    return Async.stage(repo.list(filter, f.page()));
  }

  private Object corporations(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    CorporationFilter filter =
        new CorporationFilter(
            f.text("search"),
            f.text("name"),
            f.text("ticker"),
            f.integer("allianceId"),
            f.instant("dateFoundedFrom"),
            f.instant("dateFoundedTo"),
            f.order(OrganisationOrder.class, OrganisationOrder.MEMBER_COUNT_DESC));
    return Async.stage(repo.list(filter, f.page()));
  }
}
