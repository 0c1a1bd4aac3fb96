package dev.killboard.api.graphql;

import io.vertx.core.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The worker threads GraphQL executions run on, so that no request holds an event loop (issue 10,
 * item 2): parsing, validation, the cost walk, field completion and encoding all happen here. A
 * field's value that is still waiting (a statement, a DataLoader batch) completes on the event loop
 * that received the database's answer; {@link #resume} hands that completion back to a worker
 * thread, so graphql-java completes the fields below it here too.
 */
public final class ExecutionThreads {
  private final Executor executor;

  public ExecutionThreads(Executor executor) {
    this.executor = executor;
  }

  public Executor executor() {
    return executor;
  }

  /**
   * {@code value}, completing on a worker thread. Failures go the same way (CompletableFuture's own
   * *Async methods run a failed stage's dependants on the completing thread).
   */
  public <T> CompletableFuture<T> resume(CompletableFuture<T> value) {
    if (value.isDone()) {
      return value;
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    value.whenComplete(
        (v, e) -> {
          Runnable complete =
              () -> {
                if (e != null) {
                  out.completeExceptionally(
                      e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                } else {
                  out.complete(v);
                }
              };
          // Values mapped by Sql complete on a worker already; only an event loop's completion is
          // handed over.
          if (Context.isOnEventLoopThread()) {
            executor.execute(complete);
          } else {
            complete.run();
          }
        });
    return out;
  }
}
