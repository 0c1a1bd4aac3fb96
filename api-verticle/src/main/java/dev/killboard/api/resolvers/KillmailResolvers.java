package dev.killboard.api.resolvers;

import static dev.killboard.api.dataloaders.LoaderNames.*;
import static dev.killboard.api.resolvers.UniverseResolvers.list;
import static dev.killboard.api.resolvers.UniverseResolvers.load;

import dev.killboard.api.auth.Viewer;
import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.data.Connection;
import dev.killboard.api.data.Entities;
import dev.killboard.api.data.KillmailRepository;
import dev.killboard.api.data.KillmailRepository.Attacker;
import dev.killboard.api.data.KillmailRepository.Killmail;
import dev.killboard.api.data.KillmailRepository.KillmailItem;
import dev.killboard.api.data.KillmailRepository.Victim;
import dev.killboard.api.data.ListQuery;
import dev.killboard.api.data.Sql;
import dev.killboard.api.data.UserRepository;
import dev.killboard.api.errors.ApiException;
import dev.killboard.api.graphql.EstimatedCounts;
import dev.killboard.api.graphql.RequestContext;
import dev.killboard.api.graphql.ResolverModule;
import dev.killboard.api.limits.PageRequest;
import dev.killboard.api.subscriptions.KillmailFeed;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Killmails: the lists, a single killmail, its victim, attackers and items, and the live feed. */
public final class KillmailResolvers implements ResolverModule {
  /** How many characters, corporations and alliances a killmail search may match (each). */
  static final int SEARCH_ENTITIES_PER_KIND = 25;
  /** Exact search counts stop here; above it the total is a lower bound (see docs/api.md). */
  static final int SEARCH_COUNT_CEILING = 2_000;
  private static final int MY_KILLMAILS_DEFAULT = 50;

  private final KillmailRepository repo;
  private final UserRepository users;
  private final Sql sql;
  private final QueryLimits limits;
  private final KillmailFeed feed;

  public KillmailResolvers(KillmailRepository repo, UserRepository users, Sql sql, QueryLimits limits, KillmailFeed feed) {
    this.repo = repo;
    this.users = users;
    this.sql = sql;
    this.limits = limits;
    this.feed = feed;
  }

  @Override
  public void wire(RuntimeWiring.Builder w) {
    w.type("Query", t -> t
        .dataFetcher("killmail", this::killmail)
        .dataFetcher("killmails", this::killmails)
        .dataFetcher("characterKillmails", env -> involvement(env, "character_killmails", "character_id", "characterId"))
        .dataFetcher("corporationKillmails", env -> involvement(env, "corporation_killmails", "corporation_id", "corporationId"))
        .dataFetcher("allianceKillmails", env -> involvement(env, "alliance_killmails", "alliance_id", "allianceId"))
        .dataFetcher("myKillmails", this::myKillmails)
        .dataFetcher("myCorporationKillmails", this::myCorporationKillmails));
    w.type("Subscription", t -> t.dataFetcher("newKillmail", env -> feed.subscribe()));
    w.type("Killmail", t -> t
        .dataFetcher("victim", KillmailResolvers::victim)
        .dataFetcher("solarSystem", env -> load(env, SOLAR_SYSTEM, env.<Killmail>getSource().solarSystemId()))
        .dataFetcher("attackers", env -> list(env, ATTACKERS_OF_KILLMAIL, env.<Killmail>getSource().killmailId()))
        .dataFetcher("items", env -> list(env, ITEMS_OF_KILLMAIL, env.<Killmail>getSource().killmailId())));
    w.type("Victim", t -> t
        .dataFetcher("character", env -> load(env, CHARACTER, env.<Victim>getSource().characterId()))
        .dataFetcher("characterName", env -> name(env, CHARACTER, env.<Victim>getSource().characterId(), Entities.Character::name))
        .dataFetcher("corporation", env -> load(env, CORPORATION, corporationOf(env.<Victim>getSource())))
        .dataFetcher("corporationName", env -> name(env, CORPORATION, corporationOf(env.<Victim>getSource()), Entities.Corporation::name))
        .dataFetcher("alliance", env -> load(env, ALLIANCE, env.<Victim>getSource().allianceId()))
        .dataFetcher("allianceName", env -> name(env, ALLIANCE, env.<Victim>getSource().allianceId(), Entities.Alliance::name))
        .dataFetcher("shipType", env -> load(env, TYPE, env.<Victim>getSource().shipTypeId()))
        .dataFetcher("shipTypeName", env -> name(env, TYPE, env.<Victim>getSource().shipTypeId(), Entities.ItemType::name)));
    w.type("Attacker", t -> t
        .dataFetcher("character", env -> load(env, CHARACTER, env.<Attacker>getSource().characterId()))
        .dataFetcher("characterName", env -> name(env, CHARACTER, env.<Attacker>getSource().characterId(), Entities.Character::name))
        .dataFetcher("corporation", env -> load(env, CORPORATION, env.<Attacker>getSource().corporationId()))
        .dataFetcher("corporationName", env -> name(env, CORPORATION, env.<Attacker>getSource().corporationId(), Entities.Corporation::name))
        .dataFetcher("alliance", env -> load(env, ALLIANCE, env.<Attacker>getSource().allianceId()))
        .dataFetcher("allianceName", env -> name(env, ALLIANCE, env.<Attacker>getSource().allianceId(), Entities.Alliance::name))
        .dataFetcher("shipType", env -> load(env, TYPE, env.<Attacker>getSource().shipTypeId()))
        .dataFetcher("shipTypeName", env -> name(env, TYPE, env.<Attacker>getSource().shipTypeId(), Entities.ItemType::name))
        .dataFetcher("weaponType", env -> load(env, TYPE, env.<Attacker>getSource().weaponTypeId()))
        .dataFetcher("weaponTypeName", env -> name(env, TYPE, env.<Attacker>getSource().weaponTypeId(), Entities.ItemType::name)));
    w.type("KillmailItem", t -> t
        .dataFetcher("itemType", env -> load(env, TYPE, env.<KillmailItem>getSource().itemTypeId()))
        .dataFetcher("itemTypeName", env -> name(env, TYPE, env.<KillmailItem>getSource().itemTypeId(), Entities.ItemType::name)));
  }

  /**
   * The victim, released together with its killmail's attackers when both are asked for: the victim's and the
   * attackers' characters, corporations and alliances are then requested at the same moment, one statement per
   * loader instead of two rounds (graphql-java dispatches what is pending when a level settles).
   */
  private static Object victim(DataFetchingEnvironment env) {
    Killmail k = env.getSource();
    if (!siblingAsked(env, "attackers")) {
      return k.victim();
    }
    return list(env, ATTACKERS_OF_KILLMAIL, k.killmailId()).thenApply(attackers -> k.victim());
  }

  /** Whether the parent's selection (direct fields only; fragments count as no) asks for {@code name} too. */
  private static boolean siblingAsked(DataFetchingEnvironment env, String name) {
    var parent = env.getExecutionStepInfo().getParent();
    if (parent == null || parent.getField() == null) {
      return false;
    }
    for (graphql.language.Field f : parent.getField().getFields()) {
      if (f.getSelectionSet() == null) {
        continue;
      }
      for (graphql.language.Selection<?> sel : f.getSelectionSet().getSelections()) {
        if (sel instanceof graphql.language.Field sibling && sibling.getName().equals(name)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Integer corporationOf(Victim v) {
    return v.corporationId() == 0 ? null : v.corporationId();
  }

  private static <E> CompletableFuture<String> name(DataFetchingEnvironment env, String loader, Integer id, Function<E, String> name) {
    return UniverseResolvers.<E>load(env, loader, id).thenApply(e -> e == null ? null : name.apply(e));
  }

  private Object killmail(DataFetchingEnvironment env) {
    String raw = env.getArgument("id");
    int id;
    try {
      id = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badInput("id must be a killmail id (a whole number)");
    }
    return id <= 0 ? null : load(env, KILLMAIL, id);
  }

  private Object killmails(DataFetchingEnvironment env) {
    Filter f = Filter.of(env, limits);
    PageRequest page = f.page();
    boolean ascending = f.enumName("orderBy", "timeDesc").equals("timeAsc");
    String search = f.text("search");
    Integer regionId = f.integer("regionId");
    Integer systemId = f.integer("systemId");
    if (search != null) {
      return Async.stage(search(env, search, systemId, regionId, ascending, page));
    }
    if (systemId == null && regionId == null) {
      return Async.stage(repo.positionedPage(!ascending, page.offset(), page.limit() + 1).map(p -> ListQuery.toConnection(
          p.rows(), p.counted(), page, ListQuery.CursorStyle.POSITION_PLUS_ONE, Killmail::killmailId)));
    }
    String dir = ascending ? "ASC" : "DESC";
    ListQuery<Killmail> q = repo.list(dir);
    if (systemId != null) {
      q.where("k.solar_system_id = ?", systemId);
    }
    if (regionId != null) {
      q.where("k.region_id = ?", regionId);
    }
    if (systemId != null || regionId != null) {
      // A busy and a quiet region need different plans; a cached generic plan would pick one for all.
      q.customPlan();
    }
    // Deep pages are placed from the filter's per-day totals. With both filters the list is the system's killmails
    // when the system is in that region (a killmail's region is its system's) and empty otherwise, so the system's
    // days place it either way.
    if (systemId != null) {
      q.exactCount(() -> regionId == null ? repo.countInSystem(systemId) : repo.countInSystemOfRegion(systemId, regionId))
          .positionedWithin("system", systemId, "k.killmail_time", !ascending);
    } else {
      q.exactCount(() -> repo.countInRegion(regionId)).positionedWithin("region", regionId, "k.killmail_time", !ascending);
    }
    q.cursors(ListQuery.CursorStyle.POSITION_PLUS_ONE, Killmail::killmailId);
    return Async.stage(q.fetch(sql, page, limits.exactCountCeiling()));
  }

  private Future<Connection<Killmail>> search(DataFetchingEnvironment env, String text, Integer systemId, Integer regionId,
      boolean ascending, PageRequest page) {
    return repo.searchEntities(text, SEARCH_ENTITIES_PER_KIND).compose(matches -> {
      if (matches.isEmpty()) {
        return Future.succeededFuture(ListQuery.toConnection(List.<Killmail>of(), 0, page,
            ListQuery.CursorStyle.POSITION_PLUS_ONE, Killmail::killmailId));
      }
      int ceiling = Math.min(SEARCH_COUNT_CEILING, limits.exactCountCeiling());
      return repo.search(matches, systemId, regionId, ascending, page.offset(), page.limit(), ceiling).compose(p -> {
        if (p.counted() <= ceiling) {
          return Future.succeededFuture(ListQuery.toConnection(p.rows(), p.counted(), page,
              ListQuery.CursorStyle.POSITION_PLUS_ONE, Killmail::killmailId));
        }
        // Above the ceiling: an estimate that is the same on every page (issue 10: a lower bound raised page by page
        // grew as one paged forward), flagged in extensions.estimatedTotalCounts. Without a place filter the matched
        // entities' exact totals give it (exact for one entity); with one, the ceiling is all that is known.
        Future<Long> estimate = systemId == null && regionId == null
            ? repo.searchTotalEstimate(matches).map(n -> Math.max(n, ceiling + 1L))
            : Future.succeededFuture(ceiling + 1L);
        return estimate.map(n -> {
          Connection<Killmail> connection = ListQuery.toConnection(p.rows(), n, true, page,
              ListQuery.CursorStyle.POSITION_PLUS_ONE, Killmail::killmailId);
          // Only the last page with rows proves the exact total.
          if (connection.pageInfo().hasNextPage() || connection.edges().isEmpty()) {
            EstimatedCounts.of(env).add(env.getExecutionStepInfo().getPath().toString());
          }
          return connection;
        });
      });
    });
  }

  private Object involvement(DataFetchingEnvironment env, String table, String column, String argument) {
    Integer id = env.getArgument(argument);
    PageRequest page = PageRequest.ofCursor(env.getArgument("first"), env.getArgument("after"), limits.defaultPageSize(),
        limits.maxPageSize());
    return Async.stage(involvementPage(table, column, id, page));
  }

  private Future<Connection<Killmail>> involvementPage(String table, String column, int id, PageRequest page) {
    String scope = table.substring(0, table.indexOf('_')); // character_killmails -> character
    return repo.involvementList(table)
        .where("i." + column + " = ?", id)
        .positionedWithin(scope, id, "i.killmail_time", true)
        .exactCount(() -> repo.countInScope(scope, id))
        .cursors(ListQuery.CursorStyle.POSITION_PLUS_ONE, Killmail::killmailId)
        .fetch(sql, page, limits.exactCountCeiling());
  }

  private int myLimit(DataFetchingEnvironment env) {
    Integer limit = env.getArgument("limit");
    int l = limit == null ? Math.min(MY_KILLMAILS_DEFAULT, limits.maxPageSize()) : limit;
    if (l < 1 || l > limits.maxPageSize()) {
      throw ApiException.badInput("limit must be between 1 and " + limits.maxPageSize() + " (got " + l + ")");
    }
    return l;
  }

  private Object myKillmails(DataFetchingEnvironment env) {
    Viewer viewer = RequestContext.of(env).authentication().require();
    PageRequest page = PageRequest.ofPage(1, myLimit(env), 1, limits.maxPageSize());
    return Async.stage(involvementPage("character_killmails", "character_id", viewer.characterId(), page).map(KillmailResolvers::nodes));
  }

  private Object myCorporationKillmails(DataFetchingEnvironment env) {
    Viewer viewer = RequestContext.of(env).authentication().require();
    PageRequest page = PageRequest.ofPage(1, myLimit(env), 1, limits.maxPageSize());
    return Async.stage(users.corporationOf(viewer.characterId()).compose(corporation -> corporation == null
        ? Future.succeededFuture(List.<Killmail>of())
        : involvementPage("corporation_killmails", "corporation_id", corporation, page).map(KillmailResolvers::nodes)));
  }

  private static List<Killmail> nodes(Connection<Killmail> c) {
    return c.edges().stream().map(Connection.Edge::node).toList();
  }
}
