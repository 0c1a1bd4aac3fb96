package dev.killboard.api.resolvers;

import static dev.killboard.api.dataloaders.LoaderNames.*;
import static dev.killboard.api.resolvers.UniverseResolvers.load;

import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.data.CharacterRepository;
import dev.killboard.api.data.CharacterRepository.CharacterFilter;
import dev.killboard.api.data.CharacterRepository.CharacterOrder;
import dev.killboard.api.data.Entities.Character;
import dev.killboard.api.graphql.ResolverModule;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;

/** Characters, races and bloodlines. */
public final class CharacterResolvers implements ResolverModule {
  private final CharacterRepository repo;
  private final QueryLimits limits;

  public CharacterResolvers(CharacterRepository repo, QueryLimits limits) {
    this.repo = repo;
    this.limits = limits;
  }

  @Override
  public void wire(RuntimeWiring.Builder w) {
    w.type(
        "Query",
        t ->
            t.dataFetcher("character", env -> load(env, CHARACTER, env.getArgument("id")))
                .dataFetcher("characters", this::characters)
                .dataFetcher("race", env -> load(env, RACE, env.getArgument("id")))
                .dataFetcher("races", env -> Async.stage(repo.allRaces()))
                .dataFetcher("bloodline", env -> load(env, BLOODLINE, env.getArgument("id")))
                .dataFetcher("bloodlines", env -> Async.stage(repo.allBloodlines())));
    w.type(
        "Character",
        t ->
            t.dataFetcher(
                    "corporation",
                    env -> load(env, CORPORATION, env.<Character>getSource().corporationId()))
                .dataFetcher(
                    "alliance", env -> load(env, ALLIANCE, env.<Character>getSource().allianceId()))
                .dataFetcher("race", env -> load(env, RACE, env.<Character>getSource().raceId()))
                .dataFetcher(
                    "bloodline",
                    env -> load(env, BLOODLINE, env.<Character>getSource().bloodlineId())));
  }

  private Object characters(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    CharacterFilter filter =
        new CharacterFilter(
            f.nameOrSearch(),
            f.integer("corporation_id"),
            f.integer("alliance_id"),
            f.order(CharacterOrder.class, CharacterOrder.NAME_ASC));
    return Async.stage(repo.list(filter, f.page()));
  }
}
