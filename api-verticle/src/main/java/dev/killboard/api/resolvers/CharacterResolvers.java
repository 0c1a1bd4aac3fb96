package dev.killboard.api.resolvers;

import static dev.killboard.api.dataloaders.LoaderNames.*;
import static dev.killboard.api.resolvers.UniverseResolvers.load;

import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.data.CharacterRepository;
import dev.killboard.api.data.Entities.Character;
import dev.killboard.api.data.ListQuery;
import dev.killboard.api.data.Sql;
import dev.killboard.api.graphql.ResolverModule;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;

/** Characters, races and bloodlines. */
public final class CharacterResolvers implements ResolverModule {
  private final CharacterRepository repo;
  private final Sql sql;
  private final QueryLimits limits;

  public CharacterResolvers(CharacterRepository repo, Sql sql, QueryLimits limits) {
    this.repo = repo;
    this.sql = sql;
    this.limits = limits;
  }

  @Override
  public void wire(RuntimeWiring.Builder w) {
    w.type("Query", t -> t
        .dataFetcher("character", env -> load(env, CHARACTER, env.getArgument("id")))
        .dataFetcher("characters", this::characters)
        .dataFetcher("race", env -> load(env, RACE, env.getArgument("id")))
        .dataFetcher("races", env -> Async.stage(repo.allRaces()))
        .dataFetcher("bloodline", env -> load(env, BLOODLINE, env.getArgument("id")))
        .dataFetcher("bloodlines", env -> Async.stage(repo.allBloodlines())));
    w.type("Character", t -> t
        .dataFetcher("corporation", env -> load(env, CORPORATION, env.<Character>getSource().corporationId()))
        .dataFetcher("alliance", env -> load(env, ALLIANCE, env.<Character>getSource().allianceId()))
        .dataFetcher("race", env -> load(env, RACE, env.<Character>getSource().raceId()))
        .dataFetcher("bloodline", env -> load(env, BLOODLINE, env.<Character>getSource().bloodlineId())));
  }

  private Object characters(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    ListQuery<Character> q = repo.characterList();
    String name = f.nameOrSearch();
    if (name != null) {
      q.where("ch.name ILIKE ?", Sql.containsPattern(name));
    }
    Integer corporation = f.integer("corporation_id");
    if (corporation != null) {
      q.where("ch.corporation_id = ?", corporation);
    }
    Integer alliance = f.integer("alliance_id");
    if (alliance != null) {
      q.where("ch.alliance_id = ?", alliance);
    }
    q.orderBy(switch (f.enumName("orderBy", "nameAsc")) {
      case "nameDesc" -> "ch.name DESC, ch.id DESC";
      case "securityStatusAsc" -> "ch.security_status ASC NULLS LAST, ch.id";
      case "securityStatusDesc" -> "ch.security_status DESC NULLS LAST, ch.id DESC";
      default -> "ch.name, ch.id";
    });
    return Async.stage(q.fetch(sql, f.page(), limits.exactCountCeiling()));
  }
}
