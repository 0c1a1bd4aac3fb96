package dev.killboard.api.graphql;

import dev.killboard.api.errors.ErrorCode;
import graphql.ExecutionResult;
import graphql.execution.AbortExecutionException;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.language.OperationDefinition;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Refuses mutations sent with HTTP GET (GET must be safe: caches and prefetchers replay it), with
 * status 405, and subscriptions on plain HTTP, which cannot stream.
 */
final class GetMutationGuard extends SimplePerformantInstrumentation {

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    RequestContext rc =
        parameters.getExecutionContext().getGraphQLContext().get(RequestContext.class);
    RoutingContext http =
        parameters.getExecutionContext().getGraphQLContext().get(RoutingContext.class);
    OperationDefinition.Operation op =
        parameters.getExecutionContext().getOperationDefinition().getOperation();
    boolean get =
        (rc != null && rc.transport() == RequestContext.Transport.HTTP_GET)
            || (http != null && http.request().method() == HttpMethod.GET);
    if (get && op == OperationDefinition.Operation.MUTATION) {
      // GraphQL over HTTP: 405 for a mutation sent with GET, whatever the Accept header
      // (graphql-sse GETs too).
      if (http != null && !http.response().headWritten()) {
        http.response().setStatusCode(405).putHeader("Allow", "POST");
      }
      throw new Refused(ErrorCode.BAD_REQUEST, "Mutations must be sent with POST");
    }
    if (rc != null
        && op == OperationDefinition.Operation.SUBSCRIPTION
        && (rc.transport() == RequestContext.Transport.HTTP_GET
            || rc.transport() == RequestContext.Transport.HTTP_POST)) {
      throw new Refused(
          ErrorCode.BAD_REQUEST,
          "Subscriptions need a stream: send them with 'Accept: text/event-stream' (graphql-sse) or over WebSocket (graphql-transport-ws)");
    }
    return super.beginExecuteOperation(parameters, state);
  }

  /** The refusal, with its code. */
  static final class Refused extends AbortExecutionException {
    private final ErrorCode code;

    Refused(ErrorCode code, String message) {
      super(message);
      this.code = code;
    }

    @Override
    public Map<String, Object> getExtensions() {
      return Map.of("code", code.name());
    }
  }
}
