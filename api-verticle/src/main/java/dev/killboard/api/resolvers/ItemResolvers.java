package dev.killboard.api.resolvers;

import static dev.killboard.api.dataloaders.LoaderNames.*;
import static dev.killboard.api.resolvers.UniverseResolvers.list;
import static dev.killboard.api.resolvers.UniverseResolvers.load;

import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.data.Entities.Category;
import dev.killboard.api.data.Entities.ItemGroup;
import dev.killboard.api.data.Entities.ItemType;
import dev.killboard.api.data.ItemRepository;
import dev.killboard.api.data.ListQuery;
import dev.killboard.api.data.Sql;
import dev.killboard.api.graphql.ResolverModule;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;

/** Categories, item groups and types. */
public final class ItemResolvers implements ResolverModule {
  private final ItemRepository repo;
  private final Sql sql;
  private final QueryLimits limits;

  public ItemResolvers(ItemRepository repo, Sql sql, QueryLimits limits) {
    this.repo = repo;
    this.sql = sql;
    this.limits = limits;
  }

  @Override
  public void wire(RuntimeWiring.Builder w) {
    w.type("Query", t -> t
        .dataFetcher("type", env -> load(env, TYPE, env.getArgument("id")))
        .dataFetcher("itemGroup", env -> load(env, ITEM_GROUP, env.getArgument("id")))
        .dataFetcher("category", env -> load(env, CATEGORY, env.getArgument("id")))
        .dataFetcher("types", this::types)
        .dataFetcher("itemGroups", this::itemGroups)
        .dataFetcher("categories", this::categories));
    w.type("Type", t -> t.dataFetcher("group", env -> load(env, ITEM_GROUP, env.<ItemType>getSource().groupId())));
    w.type("ItemGroup", t -> t
        .dataFetcher("category", env -> load(env, CATEGORY, env.<ItemGroup>getSource().categoryId()))
        .dataFetcher("types", env -> list(env, TYPES_OF_GROUP, env.<ItemGroup>getSource().id())));
    w.type("Category", t -> t.dataFetcher("groups", env -> list(env, GROUPS_OF_CATEGORY, env.<Category>getSource().id())));
  }

  private Object types(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    ListQuery<ItemType> q = repo.typeList();
    String search = f.text("search");
    if (search != null) {
      q.where("t.name ILIKE ?", Sql.containsPattern(search));
    }
    Integer group = f.integer("group_id");
    if (group != null) {
      q.where("t.group_id = ?", group);
    }
    Boolean published = f.bool("published");
    if (published != null) {
      q.where("t.published = ?", published);
    }
    q.orderBy("t.name, t.id");
    return Async.stage(q.fetch(sql, f.page(), limits.exactCountCeiling()));
  }

  private Object itemGroups(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    ListQuery<ItemGroup> q = repo.groupList();
    String search = f.text("search");
    if (search != null) {
      q.where("g.name ILIKE ?", Sql.containsPattern(search));
    }
    Integer category = f.integer("category_id");
    if (category != null) {
      q.where("g.category_id = ?", category);
    }
    Boolean published = f.bool("published");
    if (published != null) {
      q.where("g.published = ?", published);
    }
    q.orderBy("g.name, g.id");
    return Async.stage(q.fetch(sql, f.page(), limits.exactCountCeiling()));
  }

  private Object categories(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    ListQuery<Category> q = repo.categoryList();
    String search = f.text("search");
    if (search != null) {
      q.where("c.name ILIKE ?", Sql.containsPattern(search));
    }
    Boolean published = f.bool("published");
    if (published != null) {
      q.where("c.published = ?", published);
    }
    q.orderBy("c.name, c.id");
    return Async.stage(q.fetch(sql, f.page(), limits.exactCountCeiling()));
  }
}
