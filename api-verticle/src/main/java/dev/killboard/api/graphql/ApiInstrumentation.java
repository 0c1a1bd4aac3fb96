package dev.killboard.api.graphql;

import dev.killboard.api.limits.ComplexityLimit;
import graphql.ExecutionResult;
import graphql.execution.instrumentation.Instrumentation;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationCreateStateParameters;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.execution.instrumentation.parameters.InstrumentationValidationParameters;
import graphql.schema.DataFetcher;
import graphql.validation.ValidationError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The API's one instrumentation: the operation checks (transport guard, depth, complexity) when an
 * operation starts, execution metrics, the request deadline on fields that wait, and error codes on
 * the result.
 *
 * <p>One object rather than graphql-java's ChainedInstrumentation of six: a chain calls every
 * member on every field hook, and a killmail page has about 2,000 fields (that dispatch was a
 * quarter of a page's CPU). Here the per-field hooks are the base class's no-ops, except {@code
 * instrumentDataFetcher}.
 */
final class ApiInstrumentation extends SimplePerformantInstrumentation {
  private final List<Instrumentation> operationChecks;
  private final Instrumentation metrics;
  private final Instrumentation deadline;
  private final Instrumentation errorCodes;
  private final AnswerBounds answerBounds;

  /**
   * @param operationChecks instrumentations that act only at validation and operation start (they
   *     may throw an AbortExecutionException there); their other hooks are not called
   */
  ApiInstrumentation(
      List<Instrumentation> operationChecks,
      Instrumentation metrics,
      Instrumentation deadline,
      Instrumentation errorCodes,
      AnswerBounds answerBounds) {
    this.operationChecks = List.copyOf(operationChecks);
    this.metrics = metrics;
    this.deadline = deadline;
    this.errorCodes = errorCodes;
    this.answerBounds = answerBounds;
  }

  /** The operation checks' own states, by position. */
  private record CheckStates(InstrumentationState[] states) implements InstrumentationState {}

  @Override
  public CompletableFuture<InstrumentationState> createStateAsync(
      InstrumentationCreateStateParameters parameters) {
    @SuppressWarnings("unchecked")
    CompletableFuture<InstrumentationState>[] states =
        new CompletableFuture[operationChecks.size()];
    for (int i = 0; i < states.length; i++) {
      CompletableFuture<InstrumentationState> state =
          operationChecks.get(i).createStateAsync(parameters);
      states[i] = state == null ? CompletableFuture.completedFuture(null) : state;
    }
    // join() after allOf never waits: every state is complete by then.
    return CompletableFuture.allOf(states)
        .thenApply(
            done -> {
              InstrumentationState[] each = new InstrumentationState[states.length];
              for (int i = 0; i < each.length; i++) {
                each[i] = states[i].join();
              }
              return new CheckStates(each);
            });
  }

  @Override
  public InstrumentationContext<List<ValidationError>> beginValidation(
      InstrumentationValidationParameters parameters, InstrumentationState state) {
    for (int i = 0; i < operationChecks.size(); i++) {
      operationChecks.get(i).beginValidation(parameters, stateOf(state, i));
    }
    return SimpleInstrumentationContext.noOp();
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecution(
      InstrumentationExecutionParameters parameters, InstrumentationState state) {
    return metrics.beginExecution(parameters, null);
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    for (int i = 0; i < operationChecks.size(); i++) {
      operationChecks.get(i).beginExecuteOperation(parameters, stateOf(state, i));
    }
    return SimpleInstrumentationContext.noOp();
  }

  @Override
  public DataFetcher<?> instrumentDataFetcher(
      DataFetcher<?> dataFetcher,
      InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    return deadline.instrumentDataFetcher(dataFetcher, parameters, null);
  }

  @Override
  public CompletableFuture<ExecutionResult> instrumentExecutionResult(
      ExecutionResult result,
      InstrumentationExecutionParameters parameters,
      InstrumentationState state) {
    ExecutionResult bounded = answerBounds.bound(result, parameters.getGraphQLContext());
    return errorCodes
        .instrumentExecutionResult(bounded, parameters, null)
        .thenApply(
            coded ->
                withCost(coded, parameters.getGraphQLContext().get(ComplexityLimit.Cost.class)))
        .thenApply(
            costed -> withEstimates(costed, EstimatedCounts.in(parameters.getGraphQLContext())));
  }

  /**
   * The answer with {@code extensions.cost: {requested, limit}} (as GitHub's and Shopify's APIs
   * report it), so that clients see how close they are to the limit; answers refused before the
   * cost was known carry none.
   */
  private static ExecutionResult withCost(ExecutionResult result, ComplexityLimit.Cost cost) {
    if (cost == null) {
      return result;
    }
    Map<Object, Object> extensions =
        result.getExtensions() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(result.getExtensions());
    Map<String, Object> costs = new LinkedHashMap<>();
    costs.put("requested", cost.requested());
    costs.put("limit", cost.limit());
    extensions.put("cost", costs);
    return result.transform(b -> b.extensions(extensions));
  }

  /**
   * The answer with {@code extensions.estimatedTotalCounts}: the paths of lists whose totalCount is
   * an estimate.
   */
  private static ExecutionResult withEstimates(ExecutionResult result, EstimatedCounts estimates) {
    if (estimates == null || result.getData() == null) {
      return result;
    }
    List<String> paths = estimates.paths();
    if (paths.isEmpty()) {
      return result;
    }
    Map<Object, Object> extensions =
        result.getExtensions() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(result.getExtensions());
    extensions.put("estimatedTotalCounts", paths);
    return result.transform(b -> b.extensions(extensions));
  }

  private static InstrumentationState stateOf(InstrumentationState state, int index) {
    return state instanceof CheckStates s ? s.states()[index] : null;
  }
}
