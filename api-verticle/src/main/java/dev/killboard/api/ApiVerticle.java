package dev.killboard.api;

import dev.killboard.api.auth.SignIn;
import dev.killboard.api.auth.TokenAuthenticator;
import dev.killboard.api.config.ApiSettings;
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
import dev.killboard.api.jobs.QueueAccess;
import dev.killboard.api.jobs.WorkerStatusSource;
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
import dev.killboard.budget.PoolProfile;
import dev.killboard.budget.DatabaseSettings;
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
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GraphQL API. Deploy with {@code KillboardLauncher dev.killboard.api.ApiVerticle -cluster -instances N}; every
 * instance of a process shares the process's budgeted API pool (5 connections cluster-wide by default) and listens on
 * the same port. Settings come from the environment (see docs/api.md); a deployment config object {@code "env"}
 * overrides single variables (used by tests and the demo).
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  /** Migrations run once per process and database, however many instances start. */
  private static final PerVertx<Map<String, Future<Void>>> MIGRATIONS = PerVertx.of("API schema migrations");
  /** The budget's meters are bound once per budget. */
  private static final PerVertx<Set<ConnectionBudget>> METERED = PerVertx.of("metered budgets");

  private BudgetedPool pool;
  private HttpServer server;
  private KillmailFeed feed;
  private QueueAccess queues;
  private WorkerStatusSource workerStatus;
  private WorkerStatusTicker ticker;
  private SsoTokenVerifier verifier;
  private SsoClient sso;

  @Override
  public Future<?> start() {
    Map<String, String> env = environment();
    ApiSettings settings;
    BudgetSettings budgetSettings;
    QueueSettings queueSettings;
    try {
      settings = ApiSettings.fromEnv(env);
      // The API's pool gets the API's statement timeout (a session setting of its connections).
      Map<String, String> dbEnv = new HashMap<>(env);
      dbEnv.put("KILLBOARD_DB_STATEMENT_TIMEOUT_MS", Integer.toString(settings.limits().statementTimeoutMillis()));
      budgetSettings = BudgetSettings.fromEnv(dbEnv);
      queueSettings = QueueSettings.fromEnvironment(env);
    } catch (RuntimeException e) {
      // ApiConfigException, BudgetConfigException and the queue settings' IllegalArgumentException alike.
      LOG.error("Killboard API cannot start, invalid configuration: {}", e.getMessage());
      return Future.failedFuture(e);
    }
    PrometheusMeterRegistry registry = ApiMetrics.registry();
    return ConnectionBudget.forVertx(vertx, budgetSettings)
        .compose(budget -> settings.migrateOnStart() ? migrate(vertx, budget).map(budget) : Future.succeededFuture(budget))
        .compose(budget -> {
          if (METERED.get(vertx, v -> ConcurrentHashMap.newKeySet()).add(budget)) {
            budget.bindMetrics(registry);
          }
          return budget.sharedPool(budgetSettings.apiProfile(), "api").map(p -> {
            pool = p;
            return budget;
          });
        })
        .compose(budget -> wire(settings, queueSettings, budget, registry))
        .onSuccess(s -> LOG.info("Killboard API listening on {}:{} ({})", settings.httpHost(), s.actualPort(), settings))
        .onFailure(e -> {
          LOG.error("Killboard API failed to start: {}", e.getMessage());
          stopParts();
        });
  }

  private Future<HttpServer> wire(ApiSettings settings, QueueSettings queueSettings, ConnectionBudget budget,
      PrometheusMeterRegistry registry) {
    Sql sql = new Sql(pool.pool(), registry);
    Repositories repos = Repositories.over(sql);
    feed = new KillmailFeed(vertx, repos.killmails());
    queues = new QueueAccess(vertx, queueSettings);
    workerStatus = new WorkerStatusSource(vertx, queues);
    ticker = new WorkerStatusTicker(vertx, workerStatus, settings.workerStatusIntervalMillis());
    // A token with an unknown key id refetches the JWKS at most once per KILLBOARD_SSO_JWKS_MIN_RELOAD_SECONDS (30 s),
    // so forged key ids cannot hammer the SSO.
    verifier = new SsoTokenVerifier(vertx, settings.sso().upstream(), settings.sso().audience(), Clock.systemUTC(),
        settings.sso().upstream().ssoJwksMinReload());
    TokenAuthenticator authenticator = new TokenAuthenticator(verifier);
    sso = settings.sso().loginEnabled() ? new SsoClient(vertx, settings.sso().upstream()) : null;
    SignIn signIn = new SignIn(settings.sso(), sso, authenticator, repos.users(), queues);
    LoaderCatalog loaders = new LoaderCatalog(repos);
    var limits = settings.limits();
    List<dev.killboard.api.graphql.ResolverModule> modules = List.of(
        new UniverseResolvers(repos.universe(), sql, limits),
        new ItemResolvers(repos.items(), sql, limits),
        new CharacterResolvers(repos.characters(), sql, limits),
        new OrganisationResolvers(repos.organisations(), sql, limits),
        new KillmailResolvers(repos.killmails(), repos.users(), sql, limits, feed),
        new AuthResolvers(signIn, repos.users(), limits),
        new JobResolvers(queues, repos.users(), workerStatus, ticker));
    // Parsing and wiring the schema takes a second of CPU on a cold JVM: not on the event loop.
    return vertx.executeBlocking(() -> new ApiGraphQL(modules, limits, settings.introspectionEnabled(), registry, loaders::create), false)
        .compose(api -> listen(settings, budget, registry, signIn, authenticator, api));
  }

  private Future<HttpServer> listen(ApiSettings settings, ConnectionBudget budget, PrometheusMeterRegistry registry, SignIn signIn,
      TokenAuthenticator authenticator, ApiGraphQL api) {
    BearerAuthentication bearer = new BearerAuthentication(authenticator);
    var router = ApiRouter.create(vertx, new ApiRouter.Parts(settings, api, bearer, new SsoCallback(signIn, settings.sso()),
        new HealthRoutes(vertx, pool.pool(), budget, queues), registry, ApiMetrics.scrapeHandler(registry)));
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.httpHost()).setPort(settings.httpPort())
        .setCompressionSupported(true)
        // Browsers speak HTTP/2 only over TLS (terminated in front of the API); cleartext h2c upgrades are refused.
        .setHttp2ClearTextEnabled(false)
        // Room for EVE SSO bearer tokens (about 1-2 KiB) with margin; Netty drops connections whose headers exceed it.
        .setMaxHeaderSize(16 * 1024)
        .setWebSocketSubProtocols(List.of("graphql-transport-ws"))
        .setMaxWebSocketMessageSize(settings.limits().maxBodyBytes())
        .setMaxWebSocketFrameSize(settings.limits().maxBodyBytes())
        // Slowloris and forgotten connections (issue 10, D8); live streams write keep-alives well within it.
        .setIdleTimeout(settings.idleTimeoutSeconds());
    ConnectionGuard guard = new ConnectionGuard(vertx, settings.headerTimeoutMillis());
    return Future.all(feed.start(), queues.start(), workerStatus.start())
        .compose(v -> vertx.createHttpServer(options).connectionHandler(guard::connected)
            .invalidRequestHandler(guard::invalid).requestHandler(guard.requests(router)).listen())
        .map(s -> {
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
    return Future.join(steps).transform(ar -> pool == null ? Future.<Void>succeededFuture() : pool.close());
  }

  /** The process environment, with the deployment config's {@code "env"} object on top. */
  private Map<String, String> environment() {
    Map<String, String> env = new HashMap<>(System.getenv());
    JsonObject overrides = config().getJsonObject("env");
    if (overrides != null) {
      overrides.forEach(e -> env.put(e.getKey(), e.getValue() == null ? null : String.valueOf(e.getValue())));
    }
    return env;
  }

  /**
   * Runs the Flyway migrations once per process and database. Flyway opens a JDBC connection of its own, so it runs
   * holding one API permit: that connection counts against the budget like every other.
   */
  static Future<Void> migrate(Vertx vertx, ConnectionBudget budget) {
    DatabaseSettings db = budget.databaseSettings();
    Map<String, Future<Void>> migrations = MIGRATIONS.get(vertx, v -> new ConcurrentHashMap<>());
    return migrations.computeIfAbsent(db.jdbcUrl() + "|" + db.user(), key -> {
      Promise<Void> done = Promise.promise();
      budget.<Void>withPermitWhenFree(PoolProfile.API_CLASS, "schema-migration", () -> {
        SchemaMigrations.migrate(db.jdbcUrl(), db.user(), db.password());
        return null;
      }).onComplete(done);
      Future<Void> f = done.future();
      f.onFailure(e -> migrations.remove(key));
      return f;
    });
  }
}
