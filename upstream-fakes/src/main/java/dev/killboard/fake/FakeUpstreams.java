package dev.killboard.fake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Starts the four fakes (ESI, zKillboard, R2Z2, SSO) over one universe, on one shared port or on
 * separate ones, and reports their base URLs, also as the {@code KILLBOARD_*} environment that
 * points Killboard's clients at them.
 */
public final class FakeUpstreams {
  private final FakeUniverse universe;
  private final FakeSso sso;
  private final FakeEsi esi;
  private final FakeZkillboard zkillboard;
  private final FakeR2z2 r2z2;
  private HttpServer shared;

  /**
   * How to start the fakes; defaults: 127.0.0.1, one random port, {@link UniverseSpec#defaults()}.
   */
  public static final class Options {
    private String host = FakeServer.LOOPBACK;
    private int port;
    private boolean separatePorts;
    private FakeUniverse universe;
    private FakeEsi.Options esi = new FakeEsi.Options();
    private FakeSso.Options sso = new FakeSso.Options();
    private int zkillboardPageSize = 200;
    private long r2z2FirstSequence = 1_000_001L;
    private int r2z2SequenceLag = 1;

    /** The interface to bind. */
    public Options host(String value) {
      this.host = Objects.requireNonNull(value);
      return this;
    }

    /** The shared port (0 = random); with separate ports, every fake takes a random one. */
    public Options port(int value) {
      this.port = value;
      return this;
    }

    /** One server per fake instead of one for all. */
    public Options separatePorts(boolean value) {
      this.separatePorts = value;
      return this;
    }

    /** The universe to serve (default: generated from {@link UniverseSpec#defaults()}). */
    public Options universe(FakeUniverse value) {
      this.universe = value;
      return this;
    }

    /** Settings of the fake ESI. */
    public Options esi(FakeEsi.Options value) {
      this.esi = Objects.requireNonNull(value);
      return this;
    }

    /** Settings of the fake SSO. */
    public Options sso(FakeSso.Options value) {
      this.sso = Objects.requireNonNull(value);
      return this;
    }

    /** zKillboard's page size. */
    public Options zkillboardPageSize(int value) {
      this.zkillboardPageSize = value;
      return this;
    }

    /** The first R2Z2 sequence and how far sequence.json lags. */
    public Options r2z2(long firstSequence, int sequenceLag) {
      this.r2z2FirstSequence = firstSequence;
      this.r2z2SequenceLag = sequenceLag;
      return this;
    }
  }

  private FakeUpstreams(Vertx vertx, Options options) {
    this.universe =
        options.universe != null
            ? options.universe
            : FakeUniverse.generate(UniverseSpec.defaults());
    this.sso = new FakeSso(vertx, universe, options.sso);
    this.esi = new FakeEsi(vertx, universe, sso, options.esi);
    this.zkillboard = new FakeZkillboard(vertx, universe, options.zkillboardPageSize);
    this.r2z2 = new FakeR2z2(vertx, universe, options.r2z2FirstSequence, options.r2z2SequenceLag);
  }

  /**
   * Generates the universe and keys if needed (CPU work: call from a test or main thread, not an
   * event loop) and starts the servers.
   */
  public static Future<FakeUpstreams> start(Vertx vertx, Options options) {
    FakeUpstreams fakes = new FakeUpstreams(vertx, options);
    if (options.separatePorts) {
      return Future.all(
              List.of(
                  fakes.esi.start(options.host, 0),
                  fakes.zkillboard.start(options.host, 0),
                  fakes.r2z2.start(options.host, 0),
                  fakes.sso.start(options.host, 0)))
          .map(x -> fakes);
    }
    Router router = Router.router(vertx);
    List<FakeServer> all = fakes.servers();
    all.forEach(f -> f.mount(router));
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(options.host).setPort(options.port))
        .requestHandler(router)
        .listen()
        .map(
            server -> {
              fakes.shared = server;
              String origin = "http://" + options.host + ":" + server.actualPort();
              all.forEach(f -> f.attach(origin));
              return fakes;
            });
  }

  /** Starts with default options. */
  public static Future<FakeUpstreams> start(Vertx vertx) {
    return start(vertx, new Options());
  }

  /** Stops every server. */
  public Future<Void> close() {
    if (shared != null) {
      return shared.close();
    }
    return Future.all(servers().stream().map(FakeServer::close).toList()).mapEmpty();
  }

  /** The served universe. */
  public FakeUniverse universe() {
    return universe;
  }

  /** The fake ESI. */
  public FakeEsi esi() {
    return esi;
  }

  /** The fake zKillboard. */
  public FakeZkillboard zkillboard() {
    return zkillboard;
  }

  /** The fake R2Z2 feed. */
  public FakeR2z2 r2z2() {
    return r2z2;
  }

  /** The fake EVE SSO. */
  public FakeSso sso() {
    return sso;
  }

  /**
   * The environment that points Killboard at these fakes: base URLs, the SSO issuer, JWKS URL and
   * client credentials, and a User-Agent with a contact.
   */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KILLBOARD_ESI_BASE_URL", esi.baseUrl());
    env.put("KILLBOARD_ZKB_BASE_URL", zkillboard.baseUrl());
    env.put("KILLBOARD_R2Z2_BASE_URL", r2z2.baseUrl());
    env.put("KILLBOARD_SSO_BASE_URL", sso.baseUrl());
    env.put("KILLBOARD_SSO_ISSUER", sso.issuer());
    env.put("KILLBOARD_SSO_JWKS_URL", sso.baseUrl() + FakeSso.JWKS);
    env.put("KILLBOARD_SSO_CLIENT_ID", sso.clientId());
    env.put("KILLBOARD_SSO_CLIENT_SECRET", sso.clientSecret());
    env.put("KILLBOARD_USER_AGENT", "Killboard-offline-demo/0.1 (killboard@example.invalid)");
    return env;
  }

  private List<FakeServer> servers() {
    return List.of(esi, zkillboard, r2z2, sso);
  }
}
