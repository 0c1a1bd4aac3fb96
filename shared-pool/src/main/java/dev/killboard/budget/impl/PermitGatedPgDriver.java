package dev.killboard.budget.impl;

import dev.killboard.budget.BudgetExhaustedException;
import io.vertx.core.Completable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.CloseFuture;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.internal.SqlConnectionBase;
import io.vertx.sqlclient.internal.command.CommandBase;
import io.vertx.sqlclient.internal.pool.CloseablePool;
import io.vertx.sqlclient.internal.pool.PoolImpl;
import io.vertx.sqlclient.spi.ConnectionFactory;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one place that reaches into vertx-sql-client internals: a PgDriver whose connection factory
 * takes a permit before each physical connect and gives it back when that connection's socket
 * closes, whatever closed it.
 *
 * <p>Pool has no public "physical connection closed" callback; the Netty channel's close future is
 * the only signal that covers idle eviction, max lifetime, server-side termination, network failure
 * and pool close alike. It also builds the pool with acquire/recycle hooks so the pool event log
 * can report borrowed and waiting counts, which the public Pool API does not expose.
 * PermitHookContractTest pins all of this against the Vert.x version in use.
 */
public final class PermitGatedPgDriver extends PgDriver {
  private final PermitGate gate;
  private final PoolActivity activity;
  private final boolean pipelined;

  /**
   * @param pipelined whether the pool pipelines statements (and so offers no exclusive connections;
   *     see PoolProfile)
   */
  public PermitGatedPgDriver(PermitGate gate, PoolActivity activity, boolean pipelined) {
    this.gate = gate;
    this.activity = activity;
    this.pipelined = pipelined;
  }

  @Override
  public Pool newPool(
      Vertx vertx,
      Supplier<Future<PgConnectOptions>> databases,
      PoolOptions poolOptions,
      NetClientOptions transportOptions,
      Handler<SqlConnection> connectHandler,
      CloseFuture closeFuture) {
    if (poolOptions.isShared()) {
      throw new IllegalArgumentException(
          "Budgeted pools are shared by ConnectionBudget, not by PoolOptions.setShared");
    }
    VertxInternal vx = (VertxInternal) vertx;
    ConnectionFactory<PgConnectOptions> factory = createConnectionFactory(vx, transportOptions);
    PoolImpl pool =
        new ObservedPool(
            vx,
            this,
            poolOptions,
            ctx -> factory.connect(ctx, databases.get()),
            connectHandler,
            closeFuture,
            activity,
            pipelined);
    pool.init();
    closeFuture.add(factory);
    return new CloseablePool(vx, closeFuture, pool);
  }

  @Override
  public ConnectionFactory<PgConnectOptions> createConnectionFactory(
      Vertx vertx, NetClientOptions transportOptions) {
    return new GatedFactory(super.createConnectionFactory(vertx, transportOptions), gate);
  }

  private static final class GatedFactory implements ConnectionFactory<PgConnectOptions> {
    private final ConnectionFactory<PgConnectOptions> physical;
    private final PermitGate gate;

    GatedFactory(ConnectionFactory<PgConnectOptions> physical, PermitGate gate) {
      this.physical = physical;
      this.gate = gate;
    }

    @Override
    public Future<SqlConnection> connect(Context context, PgConnectOptions options) {
      ContextInternal ctx = (ContextInternal) context;
      long asked = System.nanoTime();
      Promise<PermitLease> permit = ctx.promise();
      gate.acquire().onComplete(permit);
      return permit
          .future()
          .compose(
              lease -> {
                if (ProcessPauses.since(asked)) {
                  // The process stood still while this permit was on its way: its CP session may
                  // have expired and the permit gone to another member. Give it back (exactly once:
                  // the gate checks the session) and let the caller wait.
                  gate.closed(lease);
                  return Future.failedFuture(
                      new BudgetExhaustedException(
                          lease.budgetClass(),
                          "The process was paused while a"
                              + " permit of class '"
                              + lease.budgetClass()
                              + "' was being granted; it was given back and the connect"
                              + " will be tried again"));
                }
                return physical
                    .connect(context, options)
                    .andThen(
                        ar -> {
                          if (ar.failed()) {
                            gate.closed(lease);
                          }
                        })
                    .map(conn -> watchClose(conn, lease, asked));
              });
    }

    private SqlConnection watchClose(SqlConnection conn, PermitLease lease, long asked) {
      Connection physicalConnection = ((SqlConnectionBase<?>) conn).unwrap();
      if (!(physicalConnection instanceof SocketConnectionBase socketConnection)) {
        // Cannot observe its close: refuse the connection rather than leak a permit.
        conn.close();
        gate.closed(lease);
        throw new IllegalStateException(
            "Unexpected connection type "
                + physicalConnection.getClass().getName()
                + "; the connection budget cannot observe its close. Check the vertx-pg-client version.");
      }
      NetSocketInternal socket = socketConnection.socket();
      io.netty.channel.Channel channel = socket.channelHandlerContext().channel();
      lease.attach(channel::close, socketConnection.getProcessId());
      gate.opened(lease, socketConnection.getProcessId());
      channel.closeFuture().addListener(f -> gate.closed(lease));
      if (ProcessPauses.since(asked)) {
        // Paused during the connect itself: the same doubt about the permit; close at once (the
        // close gives it back).
        conn.close();
        throw new BudgetExhaustedException(
            lease.budgetClass(),
            "The process was paused while connecting under a permit"
                + " of class '"
                + lease.budgetClass()
                + "'; the connection was closed and the connect will be tried again");
      }
      return conn;
    }

    @Override
    public void close(Completable<Void> completion) {
      physical.close(completion);
    }
  }

  /** PoolImpl with hooks that count borrowed connections and waiting requests. */
  private static final class ObservedPool extends PoolImpl {
    private final PoolActivity activity;
    private final boolean pipelined;

    ObservedPool(
        VertxInternal vertx,
        PgDriver driver,
        PoolOptions options,
        Function<Context, Future<SqlConnection>> provider,
        Handler<SqlConnection> connectHandler,
        CloseFuture closeFuture,
        PoolActivity activity,
        boolean pipelined) {
      super(
          vertx,
          driver,
          pipelined,
          options,
          conn -> {
            activity.leased();
            return Future.succeededFuture();
          },
          conn -> {
            activity.recycled(conn);
            return Future.succeededFuture();
          },
          provider,
          connectHandler,
          closeFuture);
      this.activity = activity;
      this.pipelined = pipelined;
    }

    @Override
    public Future<SqlConnection> getConnection() {
      if (pipelined) {
        // Leases of a pipelined pool share connections: a transaction would take in other callers'
        // statements.
        return Future.failedFuture(
            new IllegalStateException(
                "This pool pipelines statements and offers no exclusive"
                    + " connection: getConnection/withTransaction need a pool profile with pipelining off"
                    + " (KILLBOARD_POOL_<PROFILE>_PIPELINED=false)."));
      }
      activity.connectionRequested();
      return super.getConnection()
          .andThen(
              ar ->
                  activity.connectionRequestEnded(
                      ar.succeeded()
                          ? ((SqlConnectionBase<?>) ar.result()).unwrap().unwrap()
                          : null));
    }

    @Override
    public <R> void schedule(CommandBase<R> cmd, Completable<R> handler) {
      activity.queryStarted();
      super.schedule(
          cmd,
          (result, failure) -> {
            activity.queryEnded();
            handler.complete(result, failure);
          });
    }
  }
}
