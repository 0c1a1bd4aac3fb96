package dev.killboard.api;

import dev.killboard.api.auth.Privileges;
import dev.killboard.api.auth.SignIn;
import dev.killboard.api.auth.TokenAuthenticator;
import dev.killboard.api.config.ApiSettings;
import dev.killboard.api.config.ClientLimits;
import dev.killboard.api.data.Repositories;
import dev.killboard.api.data.Sql;
import dev.killboard.api.dataloaders.LoaderCatalog;
import dev.killboard.api.graphql.ApiGraphQL;
import dev.killboard.api.http.ApiMetrics;
import dev.killboard.api.http.ApiRouter;
import dev.killboard.api.http.BearerAuthentication;
import dev.killboard.api.http.ConnectionGuard;
import dev.killboard.api.http.HealthRoutes;
import dev.killboard.api.http.SsoCallback;
import dev.killboard.api.http.SsoLoginStart;
import dev.killboard.api.jobs.QueueAccess;
import dev.killboard.api.jobs.WorkerStatusSource;
import dev.killboard.api.limits.LeakyBuckets;
import dev.killboard.api.limits.RateLimit;
import dev.killboard.api.resolvers.AuthResolvers;
import dev.killboard.api.resolvers.CharacterResolvers;
import dev.killboard.api.resolvers.ItemResolvers;
import dev.killboard.api.resolvers.JobResolvers;
import dev.killboard.api.resolvers.KillmailResolvers;
import dev.killboard.api.resolvers.OrganisationResolvers;
import dev.killboard.api.resolvers.UniverseResolvers;
import dev.killboard.api.subscriptions.KillmailFeed;
import dev.killboard.api.subscriptions.WorkerStatusTicker;
import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.budget.DatabaseSettings;
import dev.killboard.budget.PoolProfile;
import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import dev.killboard.queue.QueueSettings;
import dev.killboard.runtime.PerVertx;
import dev.killboard.schema.SchemaMigrations;
import dev.killboard.upstream.sso.SsoClient;
import dev.killboard.upstream.sso.SsoTokenVerifier;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GraphQL API. Deploy with {@code KillboardLauncher dev.killboard.api.ApiVerticle -cluster
 * -instances N}; every instance of a process shares the process's budgeted API pool (5 connections
 * cluster-wide by default) and listens on the same port. Settings come from the environment (see
 * docs/api.md); a deployment config object {@code "env"} overrides single variables (used by tests
 * and the demo).
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

  /** Migrations run once per process and database, however many instances start. */
  private static final PerVertx<Map<String, Future<Void>>> MIGRATIONS =
      PerVertx.of("API schema migrations");

  /** The budget's meters are bound once per budget. */
  private static final PerVertx<Set<ConnectionBudget>> METERED = PerVertx.of("metered budgets");

  /**
   * Per-client buckets, one set per Vert.x instance and limits (the instances of a process share a
   * port, so a client meets any of them): query cost by character or address, and EVE SSO calls by
   * address. Forgotten with their Vert.x instance, so a later one in the same JVM starts empty.
   */
  private static final PerVertx<Map<String, LeakyBuckets>> BUCKETS =
      PerVertx.of("API rate-limit buckets");

  /** The worker pool GraphQL executions run on, shared by the instances of a process. */
  private static final String EXECUTION_POOL = "killboard-graphql";

  private WorkerExecutor executionPool;
  private BudgetedPool pool;
  private HttpServer server;
  private KillmailFeed feed;
  private QueueAccess queues;
  private WorkerStatusSource workerStatus;
  private WorkerStatusTicker ticker;
  private SsoTokenVerifier verifier;
  private SsoClient sso;

  /** The settings of one start, read and validated off the event loop. */
  private record Startup(
      ApiSettings settings,
      BudgetSettings budgetSettings,
      QueueSettings queueSettings,
      PrometheusMeterRegistry registry) {}

  @Override
  public Future<?> start() {
    Map<String, String> vars =
        Env.environment(config().getJsonObject("env", new JsonObject()).getMap());
    // Reading the settings and making the metrics registry load classes for a few hundred ms on a
    // cold JVM: not on the
    // event loop (the blocked-thread checker of the tests warned).
    Future<Startup> startup =
        vertx.executeBlocking(
            () -> {
              Env env = Env.of(vars);
              ApiSettings settings = ApiSettings.from(env);
              // The API's pool gets the API's statement timeout (a session setting of its
              // connections).
              BudgetSettings read = BudgetSettings.from(env);
              QueueSettings queueSettings = QueueSettings.from(env);
              try {
                env.check();
              } catch (ConfigurationException e) {
                LOG.error("Killboard API cannot start, invalid configuration: {}", e.getMessage());
                throw e;
              }
              // Netty's first buffer chunk registers its JFR event types (0.2–0.7 s of class
              // loading on a busy machine):
              // done here once, not on the event loop of the first statement or request.
              new io.netty.buffer.AdaptiveByteBufAllocator().directBuffer(1).release();
              return new Startup(
                  settings,
                  read.withDatabase(
                      read.database().withStatementTimeout(settings.limits().statementTimeout())),
                  queueSettings,
                  ApiMetrics.registry(vertx));
            },
            false);
    return startup.compose(
        st ->
            ConnectionBudget.forVertx(vertx, st.budgetSettings())
                .compose(
                    budget ->
                        st.settings().migrateOnStart()
                            ? migrate(vertx, budget).map(budget)
                            : Future.succeededFuture(budget))
                .compose(
                    budget -> {
                      if (METERED.get(vertx, v -> ConcurrentHashMap.newKeySet()).add(budget)) {
                        budget.bindMetrics(st.registry());
                      }
                      return budget
                          .sharedPool(st.budgetSettings().apiProfile(), "api")
                          .map(
                              p -> {
                                pool = p;
                                return budget;
                              });
                    })
                .compose(budget -> wire(st.settings(), st.queueSettings(), budget, st.registry()))
                .onSuccess(
                    s ->
                        LOG.info(
                            "Killboard API listening on {}:{} ({})",
                            st.settings().httpHost(),
                            s.actualPort(),
                            st.settings()))
                .onFailure(
                    e -> {
                      LOG.error("Killboard API failed to start: {}", e.getMessage());
                      stopParts();
                    }));
  }

  private Future<HttpServer> wire(
      ApiSettings settings,
      QueueSettings queueSettings,
      ConnectionBudget budget,
      PrometheusMeterRegistry registry) {
    // Parsing and wiring the schema takes a second of CPU on a cold JVM, and the parts and routes
    // load classes for
    // a few hundred ms more: not on the event loop.
    return vertx
        .executeBlocking(() -> router(settings, queueSettings, budget, registry), false)
        .compose(router -> listen(settings, router));
  }

  private io.vertx.ext.web.Router router(
      ApiSettings settings,
      QueueSettings queueSettings,
      ConnectionBudget budget,
      PrometheusMeterRegistry registry) {
    // Executions never run on an event loop (issue 10, item 2): they are CPU work (parsing, the
    // cost walk, field completion, row mapping, encoding) between waits, so the pool has a few
    // threads per core; a closed verticle releases it.
    executionPool =
        vertx.createSharedWorkerExecutor(
            EXECUTION_POOL, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    WorkerExecutor workers = executionPool;
    java.util.concurrent.Executor executor =
        task ->
            workers.executeBlocking(
                () -> {
                  task.run();
                  return null;
                },
                false);
    Sql sql = new Sql(pool.pool(), registry, executor);
    Repositories repos = Repositories.over(sql, settings.limits().exactCountCeiling());
    feed = new KillmailFeed(vertx, repos.killmails());
    queues = new QueueAccess(vertx, queueSettings);
    workerStatus = new WorkerStatusSource(vertx, queues);
    ticker =
        new WorkerStatusTicker(vertx, workerStatus, settings.workerStatusInterval().toMillis());
    // A token with an unknown key id refetches the JWKS at most once per
    // KILLBOARD_SSO_JWKS_MIN_RELOAD (30 s),
    // so forged key ids cannot hammer the SSO.
    verifier =
        new SsoTokenVerifier(
            vertx,
            settings.sso().upstream(),
            settings.sso().audience(),
            Clock.systemUTC(),
            settings.sso().upstream().ssoJwksMinReload());
    TokenAuthenticator authenticator = new TokenAuthenticator(verifier);
    sso = settings.sso().loginEnabled() ? new SsoClient(vertx, settings.sso().upstream()) : null;
    ClientLimits clients = settings.clientLimits();
    Privileges privileges = new Privileges(clients);
    Map<String, LeakyBuckets> buckets = BUCKETS.get(vertx, v -> new ConcurrentHashMap<>());
    LeakyBuckets ssoCalls =
        buckets.computeIfAbsent(
            "sso/" + clients.ssoCallsPerMinute(),
            k -> new LeakyBuckets(clients.ssoCallsPerMinute(), clients.ssoCallsPerMinute() / 60.0));
    LeakyBuckets costs =
        buckets.computeIfAbsent(
            "cost/" + clients.rateCapacity() + "/" + clients.rateLeakPerSecond(),
            k -> new LeakyBuckets(clients.rateCapacity(), clients.rateLeakPerSecond()));
    RateLimit rateLimit = new RateLimit(costs, clients.rateCapacity(), clients.rateLeakPerSecond());
    SignIn signIn =
        new SignIn(
            settings.sso(),
            sso,
            authenticator,
            repos.users(),
            queues,
            ssoCalls,
            clients.ssoCallsPerMinute());
    LoaderCatalog loaders = new LoaderCatalog(repos);
    var limits = settings.limits();
    List<dev.killboard.api.graphql.ResolverModule> modules =
        List.of(
            new UniverseResolvers(repos.universe(), limits),
            new ItemResolvers(repos.items(), limits),
            new CharacterResolvers(repos.characters(), limits),
            new OrganisationResolvers(repos.organisations(), limits),
            new KillmailResolvers(repos.killmails(), repos.users(), limits, feed),
            new AuthResolvers(signIn, repos.users(), limits, privileges),
            new JobResolvers(queues, repos.users(), workerStatus, ticker, privileges));
    ApiGraphQL api =
        new ApiGraphQL(
            modules,
            limits,
            rateLimit,
            settings.introspectionEnabled(),
            registry,
            loaders::create,
            executor);
    BearerAuthentication bearer = new BearerAuthentication(authenticator);
    return ApiRouter.create(
        vertx,
        new ApiRouter.Parts(
            settings,
            api,
            bearer,
            new SsoLoginStart(signIn),
            new SsoCallback(signIn, settings.sso()),
            new HealthRoutes(vertx, pool.pool(), budget, queues),
            registry,
            ApiMetrics.scrapeHandler(registry)));
  }

  private Future<HttpServer> listen(ApiSettings settings, io.vertx.ext.web.Router router) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(settings.httpHost())
            .setPort(settings.httpPort())
            .setCompressionSupported(true)
            // Browsers speak HTTP/2 only over TLS (terminated in front of the API); cleartext h2c
            // upgrades are refused.
            .setHttp2ClearTextEnabled(false)
            // Room for EVE SSO bearer tokens (about 1-2 KiB) with margin; Netty drops connections
            // whose headers exceed it.
            .setMaxHeaderSize(16 * 1024)
            .setWebSocketSubProtocols(List.of("graphql-transport-ws"))
            .setMaxWebSocketMessageSize(settings.limits().maxBodyBytes())
            .setMaxWebSocketFrameSize(settings.limits().maxBodyBytes())
            // Slowloris and forgotten connections (issue 10, D8); live streams write keep-alives
            // well within it.
            .setIdleTimeout((int) settings.idleTimeout().toSeconds());
    ConnectionGuard guard = new ConnectionGuard(vertx, settings.headerTimeout().toMillis());
    return Future.all(feed.start(), queues.start(), workerStatus.start())
        .compose(
            v ->
                vertx
                    .createHttpServer(options)
                    .connectionHandler(guard::connected)
                    .invalidRequestHandler(guard::invalid)
                    .requestHandler(guard.requests(router))
                    .listen())
        .map(
            s -> {
              server = s;
              return s;
            });
  }

  @Override
  public Future<?> stop() {
    return stopParts();
  }

  private Future<Void> stopParts() {
    List<Future<?>> steps = new ArrayList<>();
    if (server != null) {
      steps.add(server.close());
    }
    if (ticker != null) {
      ticker.stop();
    }
    if (feed != null) {
      steps.add(feed.stop());
    }
    if (workerStatus != null) {
      steps.add(workerStatus.stop());
    }
    if (queues != null) {
      steps.add(queues.stop());
    }
    if (verifier != null) {
      verifier.close();
    }
    if (sso != null) {
      sso.close();
    }
    if (executionPool != null) {
      steps.add(executionPool.close());
    }
    return Future.join(steps)
        .transform(ar -> pool == null ? Future.<Void>succeededFuture() : pool.close());
  }

  /**
   * Runs the Flyway migrations once per process and database. Flyway opens a JDBC connection of its
   * own, so it runs holding one API permit: that connection counts against the budget like every
   * other.
   */
  static Future<Void> migrate(Vertx vertx, ConnectionBudget budget) {
    DatabaseSettings db = budget.databaseSettings();
    Map<String, Future<Void>> migrations = MIGRATIONS.get(vertx, v -> new ConcurrentHashMap<>());
    return migrations.computeIfAbsent(
        db.jdbcUrl() + "|" + db.user(),
        key -> {
          Promise<Void> done = Promise.promise();
          budget
              .<Void>withPermitWhenFree(
                  PoolProfile.API_CLASS,
                  "schema-migration",
                  () -> {
                    SchemaMigrations.migrate(db.jdbcUrl(), db.user(), Secret.reveal(db.password()));
                    return null;
                  })
              .onComplete(done);
          Future<Void> f = done.future();
          f.onFailure(e -> migrations.remove(key));
          return f;
        });
  }
}
