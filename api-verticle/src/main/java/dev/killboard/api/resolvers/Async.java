package dev.killboard.api.resolvers;

import io.vertx.core.Future;
import java.util.concurrent.CompletionStage;

/** Hands Vert.x futures to graphql-java, which waits on CompletionStages. */
final class Async {
  private Async() {}

  static <T> CompletionStage<T> stage(Future<T> future) {
    return future.toCompletionStage();
  }
}
