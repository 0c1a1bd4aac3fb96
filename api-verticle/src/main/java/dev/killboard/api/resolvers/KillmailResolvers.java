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
import dev.killboard.api.data.KillmailRepository.Involvement;
import dev.killboard.api.data.KillmailRepository.InvolvementFilter;
import dev.killboard.api.data.KillmailRepository.Killmail;
import dev.killboard.api.data.KillmailRepository.KillmailFilter;
import dev.killboard.api.data.KillmailRepository.KillmailItem;
import dev.killboard.api.data.KillmailRepository.KillmailOrder;
import dev.killboard.api.data.KillmailRepository.Victim;
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
  private static final int MY_KILLMAILS_DEFAULT = 50;

  private final KillmailRepository repo;
  private final UserRepository users;
  private final QueryLimits limits;
  private final KillmailFeed feed;

  public KillmailResolvers(
      KillmailRepository repo, UserRepository users, QueryLimits limits, KillmailFeed feed) {
    this.repo = repo;
    this.users = users;
    this.limits = limits;
    this.feed = feed;
  }

  @Override
  public void wire(RuntimeWiring.Builder w) {
    w.type(
        "Query",
        t ->
            t.dataFetcher("killmail", this::killmail)
                .dataFetcher("killmails", this::killmails)
                .dataFetcher(
                    "characterKillmails",
                    env -> involvement(env, Involvement.CHARACTER, "characterId"))
                .dataFetcher(
                    "corporationKillmails",
                    env -> involvement(env, Involvement.CORPORATION, "corporationId"))
                .dataFetcher(
                    "allianceKillmails",
                    env -> involvement(env, Involvement.ALLIANCE, "allianceId"))
                .dataFetcher("myKillmails", this::myKillmails)
                .dataFetcher("myCorporationKillmails", this::myCorporationKillmails));
    w.type("Subscription", t -> t.dataFetcher("newKillmail", env -> feed.subscribe()));
    w.type(
        "Killmail",
        t ->
            t.dataFetcher("victim", KillmailResolvers::victim)
                .dataFetcher(
                    "solarSystem",
                    env -> load(env, SOLAR_SYSTEM, env.<Killmail>getSource().solarSystemId()))
                .dataFetcher(
                    "attackers",
                    env -> list(env, ATTACKERS_OF_KILLMAIL, env.<Killmail>getSource().killmailId()))
                .dataFetcher(
                    "items",
                    env -> list(env, ITEMS_OF_KILLMAIL, env.<Killmail>getSource().killmailId())));
    w.type(
        "Victim",
        t ->
            t.dataFetcher(
                    "character", env -> load(env, CHARACTER, env.<Victim>getSource().characterId()))
                .dataFetcher(
                    "characterName",
                    env ->
                        name(
                            env,
                            CHARACTER,
                            env.<Victim>getSource().characterId(),
                            Entities.Character::name))
                .dataFetcher(
                    "corporation",
                    env -> load(env, CORPORATION, corporationOf(env.<Victim>getSource())))
                .dataFetcher(
                    "corporationName",
                    env ->
                        name(
                            env,
                            CORPORATION,
                            corporationOf(env.<Victim>getSource()),
                            Entities.Corporation::name))
                .dataFetcher(
                    "alliance", env -> load(env, ALLIANCE, env.<Victim>getSource().allianceId()))
                .dataFetcher(
                    "allianceName",
                    env ->
                        name(
                            env,
                            ALLIANCE,
                            env.<Victim>getSource().allianceId(),
                            Entities.Alliance::name))
                .dataFetcher(
                    "shipType", env -> load(env, TYPE, env.<Victim>getSource().shipTypeId()))
                .dataFetcher(
                    "shipTypeName",
                    env ->
                        name(
                            env,
                            TYPE,
                            env.<Victim>getSource().shipTypeId(),
                            Entities.ItemType::name)));
    w.type(
        "Attacker",
        t ->
            t.dataFetcher(
                    "character",
                    env -> load(env, CHARACTER, env.<Attacker>getSource().characterId()))
                .dataFetcher(
                    "characterName",
                    env ->
                        name(
                            env,
                            CHARACTER,
                            env.<Attacker>getSource().characterId(),
                            Entities.Character::name))
                .dataFetcher(
                    "corporation",
                    env -> load(env, CORPORATION, env.<Attacker>getSource().corporationId()))
                .dataFetcher(
                    "corporationName",
                    env ->
                        name(
                            env,
                            CORPORATION,
                            env.<Attacker>getSource().corporationId(),
                            Entities.Corporation::name))
                .dataFetcher(
                    "alliance", env -> load(env, ALLIANCE, env.<Attacker>getSource().allianceId()))
                .dataFetcher(
                    "allianceName",
                    env ->
                        name(
                            env,
                            ALLIANCE,
                            env.<Attacker>getSource().allianceId(),
                            Entities.Alliance::name))
                .dataFetcher(
                    "shipType", env -> load(env, TYPE, env.<Attacker>getSource().shipTypeId()))
                .dataFetcher(
                    "shipTypeName",
                    env ->
                        name(
                            env,
                            TYPE,
                            env.<Attacker>getSource().shipTypeId(),
                            Entities.ItemType::name))
                .dataFetcher(
                    "weaponType", env -> load(env, TYPE, env.<Attacker>getSource().weaponTypeId()))
                .dataFetcher(
                    "weaponTypeName",
                    env ->
                        name(
                            env,
                            TYPE,
                            env.<Attacker>getSource().weaponTypeId(),
                            Entities.ItemType::name)));
    w.type(
        "KillmailItem",
        t ->
            t.dataFetcher(
                    "itemType", env -> load(env, TYPE, env.<KillmailItem>getSource().itemTypeId()))
                .dataFetcher(
                    "itemTypeName",
                    env ->
                        name(
                            env,
                            TYPE,
                            env.<KillmailItem>getSource().itemTypeId(),
                            Entities.ItemType::name)));
  }

  /**
   * The victim, released together with its killmail's attackers when both are asked for: the
   * victim's and the attackers' characters, corporations and alliances are then requested at the
   * same moment, one statement per loader instead of two rounds (graphql-java dispatches what is
   * pending when a level settles).
   */
  private static Object victim(DataFetchingEnvironment env) {
    Killmail k = env.getSource();
    if (!siblingAsked(env, "attackers")) {
      return k.victim();
    }
    return list(env, ATTACKERS_OF_KILLMAIL, k.killmailId()).thenApply(attackers -> k.victim());
  }

  /**
   * Whether the parent's selection (direct fields only; fragments count as no) asks for {@code
   * name} too.
   */
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

  private static <E> CompletableFuture<String> name(
      DataFetchingEnvironment env, String loader, Integer id, Function<E, String> name) {
    return UniverseResolvers.<E>load(env, loader, id)
        .thenApply(e -> e == null ? null : name.apply(e));
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
    KillmailOrder order = f.order(KillmailOrder.class, KillmailOrder.TIME_DESC);
    KillmailFilter filter =
        new KillmailFilter(f.text("search"), f.integer("systemId"), f.integer("regionId"), order);
    return Async.stage(
        repo.list(filter, page)
            .map(
                connection -> {
                  // Only the last page with rows proves the exact total; before it a search's total
                  // may be an estimate.
                  if (connection.estimatedTotal()) {
                    EstimatedCounts.of(env).add(env.getExecutionStepInfo().getPath().toString());
                  }
                  return connection;
                }));
  }

  private Object involvement(DataFetchingEnvironment env, Involvement kind, String argument) {
    Integer id = env.getArgument(argument);
    PageRequest page =
        PageRequest.ofCursor(
            env.getArgument("first"),
            env.getArgument("after"),
            limits.defaultPageSize(),
            limits.maxPageSize());
    return Async.stage(repo.list(new InvolvementFilter(kind, id), page));
  }

  private int myLimit(DataFetchingEnvironment env) {
    Integer limit = env.getArgument("limit");
    int l = limit == null ? Math.min(MY_KILLMAILS_DEFAULT, limits.maxPageSize()) : limit;
    if (l < 1 || l > limits.maxPageSize()) {
      throw ApiException.badInput(
          "limit must be between 1 and " + limits.maxPageSize() + " (got " + l + ")");
    }
    return l;
  }

  private Object myKillmails(DataFetchingEnvironment env) {
    Viewer viewer = RequestContext.of(env).authentication().require();
    PageRequest page = PageRequest.ofPage(1, myLimit(env), 1, limits.maxPageSize());
    return Async.stage(
        repo.list(new InvolvementFilter(Involvement.CHARACTER, viewer.characterId()), page)
            .map(Connection::nodes));
  }

  private Object myCorporationKillmails(DataFetchingEnvironment env) {
    Viewer viewer = RequestContext.of(env).authentication().require();
    PageRequest page = PageRequest.ofPage(1, myLimit(env), 1, limits.maxPageSize());
    return Async.stage(
        users
            .corporationOf(viewer.characterId())
            .compose(
                corporation ->
                    corporation == null
                        ? Future.succeededFuture(List.<Killmail>of())
                        : repo.list(
                                new InvolvementFilter(Involvement.CORPORATION, corporation), page)
                            .map(Connection::nodes)));
  }
}
