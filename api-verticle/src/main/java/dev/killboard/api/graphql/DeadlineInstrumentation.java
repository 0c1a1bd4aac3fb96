package dev.killboard.api.graphql;

import graphql.TrivialDataFetcher;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import graphql.schema.LightDataFetcher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Fields that wait for something: applies the execution's {@link RequestDeadline} (when it has one:
 * plain HTTP requests) and hands their completion back to the {@link ExecutionThreads} (the
 * database answers on an event loop; the fields below are completed on a worker). Fields that read
 * a property of their parent cannot wait and are left alone.
 */
final class DeadlineInstrumentation extends SimplePerformantInstrumentation {

  @Override
  public DataFetcher<?> instrumentDataFetcher(
      DataFetcher<?> dataFetcher,
      InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    if (dataFetcher instanceof TrivialDataFetcher || dataFetcher instanceof LightDataFetcher) {
      return dataFetcher;
    }
    var context = parameters.getEnvironment().getGraphQlContext();
    RequestDeadline deadline = context.get(RequestDeadline.class);
    ExecutionThreads threads = context.get(ExecutionThreads.class);
    if (deadline == null && threads == null) {
      return dataFetcher;
    }
    return env -> {
      if (deadline != null && deadline.passed()) {
        throw deadline.timeout();
      }
      Object value = dataFetcher.get(env);
      if (!(value instanceof CompletionStage<?> stage)) {
        return value;
      }
      CompletableFuture<?> f = stage.toCompletableFuture();
      if (deadline != null) {
        f = deadline.bound(f);
      }
      return threads == null ? f : threads.resume(f);
    };
  }
}
