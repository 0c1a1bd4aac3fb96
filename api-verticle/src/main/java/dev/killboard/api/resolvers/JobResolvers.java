package dev.killboard.api.resolvers;

import dev.killboard.api.auth.Privileges;
import dev.killboard.api.auth.SignIn;
import dev.killboard.api.auth.Viewer;
import dev.killboard.api.data.Timestamps;
import dev.killboard.api.data.UserRepository;
import dev.killboard.api.graphql.RequestContext;
import dev.killboard.api.graphql.ResolverModule;
import dev.killboard.api.jobs.QueueAccess;
import dev.killboard.api.jobs.WorkerStatusSource;
import dev.killboard.api.subscriptions.WorkerStatusTicker;
import dev.killboard.contracts.EntityJob;
import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.Priority;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Mutations that put jobs on the Redis queues the workers consume, and the worker status read from
 * them. The start…Sync mutations queue one "everything" job ({@code {"all": true}}) on the matching
 * queue; the worker reads the id list from ESI itself (the original's API called ESI inline).
 */
public final class JobResolvers implements ResolverModule {
  private final QueueAccess queues;
  private final UserRepository users;
  private final WorkerStatusSource status;
  private final WorkerStatusTicker ticker;
  private final Privileges privileges;

  public JobResolvers(
      QueueAccess queues,
      UserRepository users,
      WorkerStatusSource status,
      WorkerStatusTicker ticker,
      Privileges privileges) {
    this.privileges = privileges;
    this.queues = queues;
    this.users = users;
    this.status = status;
    this.ticker = ticker;
  }

  @Override
  public void wire(RuntimeWiring.Builder w) {
    w.type(
        "Mutation",
        t ->
            t.dataFetcher("syncMyKillmails", this::syncMyKillmails)
                .dataFetcher(
                    "startAllianceSync",
                    env -> startSync(env, QueueNames.ESI_ALLIANCE_INFO, "alliance"))
                .dataFetcher(
                    "startCategorySync",
                    env -> startSync(env, QueueNames.ESI_CATEGORY_INFO, "category"))
                .dataFetcher(
                    "startItemGroupSync",
                    env -> startSync(env, QueueNames.ESI_ITEM_GROUP_INFO, "item group"))
                .dataFetcher(
                    "startTypeSync", env -> startSync(env, QueueNames.ESI_TYPE_INFO, "type"))
                .dataFetcher(
                    "startRegionSync", env -> startSync(env, QueueNames.ESI_ALL_REGIONS, "region"))
                .dataFetcher(
                    "startConstellationSync",
                    env -> startSync(env, QueueNames.ESI_ALL_CONSTELLATIONS, "constellation"))
                .dataFetcher(
                    "startSolarSystemSync",
                    env -> startSync(env, QueueNames.ESI_ALL_SYSTEMS, "solar system")));
    w.type("Query", t -> t.dataFetcher("workerStatus", env -> Async.stage(status.read())));
    w.type("Subscription", t -> t.dataFetcher("workerStatusUpdates", env -> ticker.subscribe()));
  }

  private static String clientMutationId(DataFetchingEnvironment env) {
    Map<String, Object> input = env.getArgument("input");
    return input == null ? null : (String) input.get("clientMutationId");
  }

  private Object startSync(DataFetchingEnvironment env, String queue, String what) {
    // A full sync crawls ESI for every id of its kind: admins only (issue 10, R4).
    privileges.requireAdmin(
        RequestContext.of(env).authentication(), "start a full " + what + " sync");
    String mutationId = clientMutationId(env);
    JsonObject payload =
        EntityJob.everything()
            .toJson()
            .put("source", env.getField().getName())
            .put("queuedAt", Timestamps.iso(Instant.now()));
    return Async.stage(
        queues
            .queue()
            .compose(q -> q.enqueue(queue, payload, Priority.LOW))
            .map(id -> payload(true, "Queued a full " + what + " sync on " + queue, mutationId))
            .recover(
                e ->
                    Future.succeededFuture(
                        payload(
                            false,
                            "Failed to start " + what + " sync: job queues unavailable",
                            mutationId))));
  }

  private static Map<String, Object> payload(boolean success, String message, String mutationId) {
    Map<String, Object> m = new HashMap<>();
    m.put("success", success);
    m.put("message", message);
    m.put("clientMutationId", mutationId);
    return m;
  }

  private Object syncMyKillmails(DataFetchingEnvironment env) {
    Viewer viewer = RequestContext.of(env).authentication().require();
    String mutationId = clientMutationId(env);
    return Async.stage(
        users
            .byCharacter(viewer.characterId())
            .compose(
                user -> {
                  if (user == null) {
                    Map<String, Object> m =
                        payload(
                            false,
                            "Sign in with EVE SSO first: the sync uses the tokens stored at sign-in",
                            mutationId);
                    m.put("syncedCount", 0);
                    return Future.succeededFuture(m);
                  }
                  return queues
                      .queue()
                      .compose(
                          q ->
                              q.enqueue(
                                  QueueNames.ESI_USER_KILLMAILS,
                                  SignIn.syncPayload(user, "syncMyKillmails"),
                                  Priority.HIGH))
                      .map(
                          id -> {
                            Map<String, Object> m =
                                payload(true, "Queued a sync of your killmails", mutationId);
                            m.put("syncedCount", 0);
                            return m;
                          })
                      .recover(
                          e -> {
                            Map<String, Object> m =
                                payload(false, "Sync failed: job queues unavailable", mutationId);
                            m.put("syncedCount", 0);
                            return Future.succeededFuture(m);
                          });
                }));
  }
}
