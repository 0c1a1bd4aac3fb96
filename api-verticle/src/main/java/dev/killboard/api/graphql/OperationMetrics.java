package dev.killboard.api.graphql;

import graphql.ExecutionResult;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import graphql.language.OperationDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Times every GraphQL execution: {@code killboard_graphql_requests_seconds{type, outcome}}.
 * Operation names are chosen by clients, so they are not used as tags (unbounded cardinality).
 */
final class OperationMetrics extends SimplePerformantInstrumentation {
  private final MeterRegistry registry;

  OperationMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecution(
      InstrumentationExecutionParameters parameters, InstrumentationState state) {
    long start = System.nanoTime();
    return SimpleInstrumentationContext.whenCompleted(
        (result, error) -> {
          String outcome =
              error != null ? "failure" : result.getErrors().isEmpty() ? "ok" : "error";
          Timer.builder("killboard.graphql.requests")
              .description("GraphQL executions by operation type and outcome")
              .tag("type", typeOf(parameters.getQuery()))
              .tag("outcome", outcome)
              .register(registry)
              .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
  }

  private static String typeOf(String query) {
    // Cheap guess from the text: a full parse here would double the parse cost of every request.
    if (query == null) {
      return "unknown";
    }
    String q = query.stripLeading().toLowerCase(Locale.ROOT);
    if (q.startsWith("mutation")) {
      return OperationDefinition.Operation.MUTATION.name().toLowerCase(Locale.ROOT);
    }
    if (q.startsWith("subscription")) {
      return OperationDefinition.Operation.SUBSCRIPTION.name().toLowerCase(Locale.ROOT);
    }
    return "query";
  }
}
