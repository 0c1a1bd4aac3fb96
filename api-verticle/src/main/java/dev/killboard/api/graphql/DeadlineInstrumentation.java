package dev.killboard.api.graphql;

import graphql.TrivialDataFetcher;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import graphql.schema.LightDataFetcher;
import java.util.concurrent.CompletableFuture;

/**
 * Applies the execution's {@link RequestDeadline} (when it has one: plain HTTP requests) to every field that waits
 * for something; fields that read a property of their parent cannot wait and are left alone.
 */
final class DeadlineInstrumentation extends SimplePerformantInstrumentation {

  @Override
  public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> dataFetcher, InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    if (dataFetcher instanceof TrivialDataFetcher || dataFetcher instanceof LightDataFetcher) {
      return dataFetcher;
    }
    RequestDeadline deadline = parameters.getEnvironment().getGraphQlContext().get(RequestDeadline.class);
    if (deadline == null) {
      return dataFetcher;
    }
    return env -> {
      if (deadline.passed()) {
        throw deadline.timeout();
      }
      Object value = dataFetcher.get(env);
      return value instanceof CompletableFuture<?> f ? deadline.bound(f) : value;
    };
  }
}
