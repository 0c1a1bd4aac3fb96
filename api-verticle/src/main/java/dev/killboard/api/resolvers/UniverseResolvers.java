package dev.killboard.api.resolvers;

import static dev.killboard.api.dataloaders.LoaderNames.*;

import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.data.Entities.Constellation;
import dev.killboard.api.data.Entities.Region;
import dev.killboard.api.data.Entities.SecurityStats;
import dev.killboard.api.data.Entities.SolarSystem;
import dev.killboard.api.data.UniverseRepository;
import dev.killboard.api.data.UniverseRepository.ConstellationFilter;
import dev.killboard.api.data.UniverseRepository.NameOrder;
import dev.killboard.api.data.UniverseRepository.RegionFilter;
import dev.killboard.api.data.UniverseRepository.SolarSystemFilter;
import dev.killboard.api.data.UniverseRepository.SolarSystemOrder;
import dev.killboard.api.graphql.RequestContext;
import dev.killboard.api.graphql.ResolverModule;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Regions, constellations and solar systems: lookups, lists and their edges. */
public final class UniverseResolvers implements ResolverModule {
  private final UniverseRepository repo;
  private final QueryLimits limits;

  public UniverseResolvers(UniverseRepository repo, QueryLimits limits) {
    this.repo = repo;
    this.limits = limits;
  }

  @Override
  public void wire(RuntimeWiring.Builder w) {
    w.type(
        "Query",
        t ->
            t.dataFetcher("region", env -> load(env, REGION, env.getArgument("id")))
                .dataFetcher(
                    "constellation", env -> load(env, CONSTELLATION, env.getArgument("id")))
                .dataFetcher("solarSystem", env -> load(env, SOLAR_SYSTEM, env.getArgument("id")))
                .dataFetcher("regions", this::regions)
                .dataFetcher("constellations", this::constellations)
                .dataFetcher("solarSystems", this::solarSystems));
    w.type(
        "Region",
        t ->
            t.dataFetcher(
                    "constellations",
                    env -> list(env, CONSTELLATIONS_OF_REGION, env.<Region>getSource().id()))
                .dataFetcher(
                    "constellationCount",
                    env -> regionStats(env).thenApply(SecurityStats::constellationCount))
                .dataFetcher(
                    "solarSystemCount",
                    env -> regionStats(env).thenApply(SecurityStats::solarSystemCount))
                .dataFetcher("securityStats", this::regionStats));
    w.type(
        "Constellation",
        t ->
            t.dataFetcher(
                    "region", env -> load(env, REGION, env.<Constellation>getSource().regionId()))
                .dataFetcher(
                    "solarSystems",
                    env -> list(env, SYSTEMS_OF_CONSTELLATION, env.<Constellation>getSource().id()))
                .dataFetcher(
                    "solarSystemCount",
                    env -> constellationStats(env).thenApply(SecurityStats::solarSystemCount))
                .dataFetcher("securityStats", this::constellationStats));
    w.type(
        "SolarSystem",
        t ->
            t.dataFetcher(
                "constellation",
                env -> load(env, CONSTELLATION, env.<SolarSystem>getSource().constellationId())));
  }

  static <V> CompletableFuture<V> load(DataFetchingEnvironment env, String loader, Object key) {
    return RequestContext.of(env).loaders().load(loader, key);
  }

  static <V> CompletableFuture<List<V>> list(
      DataFetchingEnvironment env, String loader, Object key) {
    return RequestContext.of(env).loaders().loadList(loader, key);
  }

  private CompletableFuture<SecurityStats> regionStats(DataFetchingEnvironment env) {
    return UniverseResolvers.<SecurityStats>load(env, REGION_STATS, env.<Region>getSource().id())
        .thenApply(s -> s == null ? SecurityStats.EMPTY : s);
  }

  private CompletableFuture<SecurityStats> constellationStats(DataFetchingEnvironment env) {
    return UniverseResolvers.<SecurityStats>load(
            env, CONSTELLATION_STATS, env.<Constellation>getSource().id())
        .thenApply(s -> s == null ? SecurityStats.EMPTY : s);
  }

  private Object regions(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    RegionFilter filter =
        new RegionFilter(f.nameOrSearch(), f.order(NameOrder.class, NameOrder.NAME_ASC));
    return Async.stage(repo.list(filter, f.page()));
  }

  private Object constellations(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    ConstellationFilter filter =
        new ConstellationFilter(
            f.nameOrSearch(), f.integer("region_id"), f.order(NameOrder.class, NameOrder.NAME_ASC));
    return Async.stage(repo.list(filter, f.page()));
  }

  private Object solarSystems(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    SolarSystemFilter filter =
        new SolarSystemFilter(
            f.nameOrSearch(),
            f.integer("region_id"),
            f.integer("constellation_id"),
            f.number("securityStatusMin"),
            f.number("securityStatusMax"),
            f.order(SolarSystemOrder.class, SolarSystemOrder.NAME_ASC));
    return Async.stage(repo.list(filter, f.page()));
  }
}
