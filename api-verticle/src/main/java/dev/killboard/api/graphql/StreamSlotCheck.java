package dev.killboard.api.graphql;

import dev.killboard.api.errors.ErrorCode;
import graphql.ExecutionResult;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.language.OperationDefinition;

/**
 * Refuses a subscription over a WebSocket whose {@link SubscriptionSlots} are all taken
 * (TOO_MANY_STREAMS).
 */
final class StreamSlotCheck extends SimplePerformantInstrumentation {

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    var context = parameters.getExecutionContext();
    SubscriptionSlots.Claim claim = context.getGraphQLContext().get(SubscriptionSlots.Claim.class);
    if (claim != null
        && context.getOperationDefinition().getOperation()
            == OperationDefinition.Operation.SUBSCRIPTION
        && !claim.slots().acquire(claim.id())) {
      throw new GetMutationGuard.Refused(
          ErrorCode.TOO_MANY_STREAMS,
          "At most "
              + claim.slots().max()
              + " subscriptions may run on one connection; complete one first");
    }
    return SimpleInstrumentationContext.noOp();
  }
}
