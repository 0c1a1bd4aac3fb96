package dev.killboard.api.resolvers;

import static dev.killboard.api.dataloaders.LoaderNames.*;

import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.data.Entities.Constellation;
import dev.killboard.api.data.Entities.Region;
import dev.killboard.api.data.Entities.SecurityStats;
import dev.killboard.api.data.Entities.SolarSystem;
import dev.killboard.api.data.ListQuery;
import dev.killboard.api.data.Sql;
import dev.killboard.api.data.UniverseRepository;
import dev.killboard.api.graphql.RequestContext;
import dev.killboard.api.graphql.ResolverModule;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Regions, constellations and solar systems: lookups, lists and their edges. */
public final class UniverseResolvers implements ResolverModule {
  private final UniverseRepository repo;
  private final Sql sql;
  private final QueryLimits limits;

  public UniverseResolvers(UniverseRepository repo, Sql sql, QueryLimits limits) {
    this.repo = repo;
    this.sql = sql;
    this.limits = limits;
  }

  @Override
  public void wire(RuntimeWiring.Builder w) {
    w.type("Query", t -> t
        .dataFetcher("region", env -> load(env, REGION, env.getArgument("id")))
        .dataFetcher("constellation", env -> load(env, CONSTELLATION, env.getArgument("id")))
        .dataFetcher("solarSystem", env -> load(env, SOLAR_SYSTEM, env.getArgument("id")))
        .dataFetcher("regions", this::regions)
        .dataFetcher("constellations", this::constellations)
        .dataFetcher("solarSystems", this::solarSystems));
    w.type("Region", t -> t
        .dataFetcher("constellations", env -> list(env, CONSTELLATIONS_OF_REGION, env.<Region>getSource().id()))
        .dataFetcher("constellationCount", env -> regionStats(env).thenApply(SecurityStats::constellationCount))
        .dataFetcher("solarSystemCount", env -> regionStats(env).thenApply(SecurityStats::solarSystemCount))
        .dataFetcher("securityStats", this::regionStats));
    w.type("Constellation", t -> t
        .dataFetcher("region", env -> load(env, REGION, env.<Constellation>getSource().regionId()))
        .dataFetcher("solarSystems", env -> list(env, SYSTEMS_OF_CONSTELLATION, env.<Constellation>getSource().id()))
        .dataFetcher("solarSystemCount", env -> constellationStats(env).thenApply(SecurityStats::solarSystemCount))
        .dataFetcher("securityStats", this::constellationStats));
    w.type("SolarSystem", t -> t
        .dataFetcher("constellation", env -> load(env, CONSTELLATION, env.<SolarSystem>getSource().constellationId())));
  }

  static <V> CompletableFuture<V> load(DataFetchingEnvironment env, String loader, Object key) {
    return RequestContext.of(env).loaders().load(loader, key);
  }

  static <V> CompletableFuture<List<V>> list(DataFetchingEnvironment env, String loader, Object key) {
    return RequestContext.of(env).loaders().loadList(loader, key);
  }

  private CompletableFuture<SecurityStats> regionStats(DataFetchingEnvironment env) {
    return UniverseResolvers.<SecurityStats>load(env, REGION_STATS, env.<Region>getSource().id())
        .thenApply(s -> s == null ? SecurityStats.EMPTY : s);
  }

  private CompletableFuture<SecurityStats> constellationStats(DataFetchingEnvironment env) {
    return UniverseResolvers.<SecurityStats>load(env, CONSTELLATION_STATS, env.<Constellation>getSource().id())
        .thenApply(s -> s == null ? SecurityStats.EMPTY : s);
  }

  private Object regions(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    ListQuery<Region> q = repo.regionList();
    String name = f.nameOrSearch();
    if (name != null) {
      q.where("r.name ILIKE ?", Sql.containsPattern(name));
    }
    q.orderBy(f.enumName("orderBy", "nameAsc").equals("nameDesc") ? "r.name DESC, r.id DESC" : "r.name, r.id");
    return Async.stage(q.fetch(sql, f.page(), limits.exactCountCeiling()));
  }

  private Object constellations(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    ListQuery<Constellation> q = repo.constellationList();
    String name = f.nameOrSearch();
    if (name != null) {
      q.where("c.name ILIKE ?", Sql.containsPattern(name));
    }
    Integer region = f.integer("region_id");
    if (region != null) {
      q.where("c.region_id = ?", region);
    }
    q.orderBy(f.enumName("orderBy", "nameAsc").equals("nameDesc") ? "c.name DESC, c.id DESC" : "c.name, c.id");
    return Async.stage(q.fetch(sql, f.page(), limits.exactCountCeiling()));
  }

  private Object solarSystems(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    ListQuery<SolarSystem> q = repo.systemList();
    String name = f.nameOrSearch();
    if (name != null) {
      q.where("s.name ILIKE ?", Sql.containsPattern(name));
    }
    Integer region = f.integer("region_id");
    if (region != null) {
      q.where("s.region_id = ?", region);
    }
    Integer constellation = f.integer("constellation_id");
    if (constellation != null) {
      q.where("s.constellation_id = ?", constellation);
    }
    Double min = f.number("securityStatusMin");
    if (min != null) {
      q.where("s.security_status >= ?", min);
    }
    Double max = f.number("securityStatusMax");
    if (max != null) {
      q.where("s.security_status <= ?", max);
    }
    q.orderBy(switch (f.enumName("orderBy", "nameAsc")) {
      case "nameDesc" -> "s.name DESC, s.id DESC";
      case "securityStatusAsc" -> "s.security_status ASC NULLS LAST, s.id";
      case "securityStatusDesc" -> "s.security_status DESC NULLS LAST, s.id DESC";
      default -> "s.name, s.id";
    });
    return Async.stage(q.fetch(sql, f.page(), limits.exactCountCeiling()));
  }
}
