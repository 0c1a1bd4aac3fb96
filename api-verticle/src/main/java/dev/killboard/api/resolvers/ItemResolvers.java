package dev.killboard.api.resolvers;

import static dev.killboard.api.dataloaders.LoaderNames.*;
import static dev.killboard.api.resolvers.UniverseResolvers.list;
import static dev.killboard.api.resolvers.UniverseResolvers.load;

import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.data.Entities.Category;
import dev.killboard.api.data.Entities.ItemGroup;
import dev.killboard.api.data.Entities.ItemType;
import dev.killboard.api.data.ItemRepository;
import dev.killboard.api.data.ItemRepository.CategoryFilter;
import dev.killboard.api.data.ItemRepository.ItemGroupFilter;
import dev.killboard.api.data.ItemRepository.TypeFilter;
import dev.killboard.api.graphql.ResolverModule;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;

/** Categories, item groups and types. */
public final class ItemResolvers implements ResolverModule {
  private final ItemRepository repo;
  private final QueryLimits limits;

  public ItemResolvers(ItemRepository repo, QueryLimits limits) {
    this.repo = repo;
    this.limits = limits;
  }

  @Override
  public void wire(RuntimeWiring.Builder w) {
    w.type(
        "Query",
        t ->
            t.dataFetcher("type", env -> load(env, TYPE, env.getArgument("id")))
                .dataFetcher("itemGroup", env -> load(env, ITEM_GROUP, env.getArgument("id")))
                .dataFetcher("category", env -> load(env, CATEGORY, env.getArgument("id")))
                .dataFetcher("types", this::types)
                .dataFetcher("itemGroups", this::itemGroups)
                .dataFetcher("categories", this::categories));
    w.type(
        "Type",
        t ->
            t.dataFetcher(
                "group", env -> load(env, ITEM_GROUP, env.<ItemType>getSource().groupId())));
    w.type(
        "ItemGroup",
        t ->
            t.dataFetcher(
                    "category", env -> load(env, CATEGORY, env.<ItemGroup>getSource().categoryId()))
                .dataFetcher(
                    "types", env -> list(env, TYPES_OF_GROUP, env.<ItemGroup>getSource().id())));
    w.type(
        "Category",
        t ->
            t.dataFetcher(
                "groups", env -> list(env, GROUPS_OF_CATEGORY, env.<Category>getSource().id())));
  }

  private Object types(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    TypeFilter filter =
        new TypeFilter(f.text("search"), f.integer("group_id"), f.bool("published"));
    return Async.stage(repo.list(filter, f.page()));
  }

  private Object itemGroups(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    ItemGroupFilter filter =
        new ItemGroupFilter(f.text("search"), f.integer("category_id"), f.bool("published"));
    return Async.stage(repo.list(filter, f.page()));
  }

  private Object categories(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    CategoryFilter filter = new CategoryFilter(f.text("search"), f.bool("published"));
    return Async.stage(repo.list(filter, f.page()));
  }
}
