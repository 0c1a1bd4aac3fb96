package dev.killboard.api.limits;

import dev.killboard.api.errors.ErrorCode;
import dev.killboard.api.graphql.RequestContext;
import graphql.ExecutionResult;
import graphql.execution.AbortExecutionException;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cost-based rate limit (issue 10, R6): every operation that passed the cost check pours its
 * cost (the {@code extensions.cost.requested} of its answer) into its client's {@link LeakyBuckets
 * bucket} — the signed-in character when the request carries a valid token, else the client
 * address. An operation that would overflow it is refused with RATE_LIMITED, its cost, the bucket's
 * size and the seconds to wait; HTTP answers it with 429 and {@code Retry-After}. Runs after {@link
 * ComplexityLimit}, which computes the cost.
 */
public final class RateLimit extends SimplePerformantInstrumentation {
  private final LeakyBuckets buckets;
  private final long capacity;
  private final long perSecond;

  public RateLimit(LeakyBuckets buckets, long capacity, long perSecond) {
    this.buckets = buckets;
    this.capacity = capacity;
    this.perSecond = perSecond;
  }

  /** The bucket key of a request: its character when signed in, else its address. */
  public static String clientKey(RequestContext rc) {
    var viewer = rc.authentication().viewer();
    return viewer != null ? "character:" + viewer.characterId() : "address:" + rc.clientAddress();
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    ExecutionContext context = parameters.getExecutionContext();
    ComplexityLimit.Cost cost = context.getGraphQLContext().get(ComplexityLimit.Cost.class);
    RequestContext rc = context.getGraphQLContext().get(RequestContext.class);
    if (cost == null || rc == null) {
      return SimpleInstrumentationContext.noOp();
    }
    LeakyBuckets.Charge charge = buckets.charge(clientKey(rc), Math.max(1, cost.requested()));
    if (!charge.allowed()) {
      throw new Limited(cost.requested(), capacity, perSecond, charge.retryAfterSeconds());
    }
    return SimpleInstrumentationContext.noOp();
  }

  /** The refusal: code RATE_LIMITED with the cost, the limit and the wait in its extensions. */
  public static final class Limited extends AbortExecutionException {
    private final Map<String, Object> extensions;

    Limited(long cost, long capacity, long perSecond, long retryAfterSeconds) {
      super(
          "Rate limit exceeded: this operation costs "
              + cost
              + " and your recent queries used up the allowance of "
              + capacity
              + " (it refills by "
              + perSecond
              + " per second); retry in "
              + retryAfterSeconds
              + " s");
      Map<String, Object> ext = new LinkedHashMap<>();
      ext.put("code", ErrorCode.RATE_LIMITED.name());
      ext.put("cost", cost);
      ext.put("limit", capacity);
      ext.put("refillPerSecond", perSecond);
      ext.put("retryAfterSeconds", retryAfterSeconds);
      this.extensions = Map.copyOf(ext);
    }

    @Override
    public Map<String, Object> getExtensions() {
      return extensions;
    }
  }
}
