package dev.killboard.budget.impl;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One permit held for one physical connection. It is given back exactly once: when the socket
 * closes, when the connect fails, or never, if the member's CP session expired and the CP group
 * already took it back (forfeit).
 */
public final class PermitLease {
  private final String budgetClass;
  private final long id;
  private final long session;
  private final AtomicBoolean settled = new AtomicBoolean();
  private volatile Runnable closer = () -> {};
  private volatile int backendPid = -1;

  PermitLease(String budgetClass, long id, long session) {
    this.budgetClass = budgetClass;
    this.id = id;
    this.session = session;
  }

  /**
   * The CP session that acquired the permit: the permit is ours exactly as long as that session
   * lives.
   */
  long session() {
    return session;
  }

  public String budgetClass() {
    return budgetClass;
  }

  public long id() {
    return id;
  }

  public int backendPid() {
    return backendPid;
  }

  void attach(Runnable closeConnection, int pid) {
    this.closer = closeConnection;
    this.backendPid = pid;
  }

  /** Runs {@code release} once, unless the lease was already released or forfeited. */
  boolean settle(Consumer<PermitLease> release) {
    if (settled.compareAndSet(false, true)) {
      release.accept(this);
      return true;
    }
    return false;
  }

  /**
   * The permit is gone already (session expired): never give it back, and close the connection it
   * covered.
   */
  boolean forfeit() {
    boolean mine = settled.compareAndSet(false, true);
    closer.run();
    return mine;
  }

  /**
   * Closes the connection the permit covers without settling it: the close gives the permit back as
   * any close does (released, or dropped when its session turns out to be gone).
   */
  void closeConnection() {
    closer.run();
  }

  boolean settled() {
    return settled.get();
  }
}
