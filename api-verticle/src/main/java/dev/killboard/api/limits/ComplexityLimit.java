package dev.killboard.api.limits;

import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.errors.ErrorCode;
import graphql.ExecutionResult;
import graphql.analysis.QueryTraverser;
import graphql.analysis.QueryVisitorFieldEnvironment;
import graphql.analysis.QueryVisitorStub;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLOutputType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import java.util.HashMap;
import java.util.Map;

/**
 * The query cost check, run before execution like graphql-java's complexity check but with a model
 * of what a query really costs (docs/api.md, "Limits"):
 *
 * <ul>
 *   <li>every field costs 1 ({@code __typename} 0); a list field multiplies its children's cost by
 *       its size: a page by its {@code limit}/{@code first} (default when absent, the list's
 *       maximum when above), an unpaged list by the bound of {@link ListBounds};
 *   <li>a field that runs statements — a root field (a killmail search: 3), a field with a resolver
 *       of its own (a DataLoader batch) and {@code totalCount} — adds {@link #STATEMENT_COST} per
 *       statement, once: loaders batch one statement per level, so this part is not multiplied by
 *       the lists above it;
 *   <li>at most {@code maxRootFields} root fields and {@code maxAliases} aliases.
 * </ul>
 *
 * A refusal (QUERY_TOO_COMPLEX) names the cost, the limit and the heaviest field path. The cost of
 * every operation is kept in the execution's context as a {@link Cost} for {@code extensions.cost}.
 */
public final class ComplexityLimit extends SimplePerformantInstrumentation {
  /**
   * What one statement weighs against answer fields: a round trip and a plan cost about as much as
   * 100 fields.
   */
  public static final long STATEMENT_COST = 100;

  private final QueryLimits limits;

  public ComplexityLimit(QueryLimits limits) {
    this.limits = limits;
  }

  /** The cost of an operation as computed before it ran, and the limit it ran under. */
  public record Cost(long requested, long limit, String heaviestPath) {}

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    ExecutionContext context = parameters.getExecutionContext();
    Cost cost = measure(context.getGraphQLSchema(), context);
    context.getGraphQLContext().put(Cost.class, cost);
    if (cost.requested() > cost.limit()) {
      throw new LimitExceeded(
          ErrorCode.QUERY_TOO_COMPLEX,
          "Query cost "
              + cost.requested()
              + " exceeds the maximum of "
              + cost.limit()
              + "; the heaviest field is "
              + cost.heaviestPath()
              + " (lists cost their size times their fields: ask for smaller pages or fewer nested lists)");
    }
    return SimpleInstrumentationContext.noOp();
  }

  private Cost measure(GraphQLSchema schema, ExecutionContext context) {
    QueryTraverser traverser =
        QueryTraverser.newQueryTraverser()
            .schema(schema)
            .document(context.getDocument())
            .operationName(context.getExecutionInput().getOperationName())
            .coercedVariables(context.getCoercedVariables())
            .build();
    Walk walk = new Walk(schema);
    traverser.visitPostOrder(walk);
    if (walk.rootFields > limits.maxRootFields()) {
      throw new LimitExceeded(
          ErrorCode.QUERY_TOO_COMPLEX,
          "The operation selects "
              + walk.rootFields
              + " root fields; at most "
              + limits.maxRootFields()
              + " are allowed");
    }
    if (walk.aliases > limits.maxAliases()) {
      throw new LimitExceeded(
          ErrorCode.QUERY_TOO_COMPLEX,
          "The operation uses "
              + walk.aliases
              + " aliases; at most "
              + limits.maxAliases()
              + " are allowed");
    }
    Node root = walk.nodes.getOrDefault(null, new Node());
    return new Cost(
        root.total(),
        limits.maxComplexity(),
        root.heaviestPath == null ? "(none)" : root.heaviestPath);
  }

  /**
   * The summed cost of a field's children: answer fields (multiplied by list sizes) and statements
   * (not).
   */
  private static final class Node {
    long fields;
    long statements;
    long heaviestCost = -1;
    String heaviestPath;

    long total() {
      return saturate(fields, saturatedProduct(statements, STATEMENT_COST));
    }
  }

  /** Post-order walk: a field's children are complete when the field itself is visited. */
  private final class Walk extends QueryVisitorStub {
    private final GraphQLSchema schema;
    private final Map<QueryVisitorFieldEnvironment, Node> nodes = new HashMap<>();
    int rootFields;
    int aliases;

    Walk(GraphQLSchema schema) {
      this.schema = schema;
    }

    @Override
    public void visitField(QueryVisitorFieldEnvironment env) {
      QueryVisitorFieldEnvironment parent = env.getParentEnvironment();
      if (parent == null) {
        rootFields++;
      }
      if (env.getField().getAlias() != null) {
        aliases++;
      }
      Node children = nodes.remove(env);
      long childFields = children == null ? 0 : children.fields;
      long childStatements = children == null ? 0 : children.statements;
      long fields;
      long statements = childStatements;
      if (env.isTypeNameIntrospectionField()) {
        fields = 0;
      } else {
        long size = sizeOf(env);
        fields = saturate(1, saturatedProduct(size, childFields));
        statements = saturate(statements, statementsOf(env));
      }
      String name =
          env.getField().getAlias() != null
              ? env.getField().getAlias() + ":" + env.getField().getName()
              : env.getField().getName();
      String path =
          children == null || children.heaviestPath == null
              ? name
              : name + "." + children.heaviestPath;
      long cost = saturate(fields, saturatedProduct(statements, STATEMENT_COST));
      Node into = nodes.computeIfAbsent(parent, p -> new Node());
      into.fields = saturate(into.fields, fields);
      into.statements = saturate(into.statements, statements);
      if (cost > into.heaviestCost) {
        into.heaviestCost = cost;
        into.heaviestPath = path;
      }
    }

    /** How many times the field's children are answered. */
    private long sizeOf(QueryVisitorFieldEnvironment env) {
      if (!isList(env.getFieldDefinition().getType())) {
        return 1;
      }
      String parentType = env.getFieldsContainer().getName();
      if (parentType.startsWith("__")) {
        // Introspection: bounded by the schema, and graphql-java's own introspection limits apply.
        return 1;
      }
      String field = env.getFieldDefinition().getName();
      if (field.equals("edges") && env.getParentEnvironment() != null) {
        QueryVisitorFieldEnvironment connection = env.getParentEnvironment();
        return pageSize(connection.getFieldDefinition().getName(), connection.getArguments());
      }
      if (env.getFieldDefinition().getArgument("limit") != null
          || env.getFieldDefinition().getArgument("first") != null) {
        return pageSize(field, env.getArguments());
      }
      return ListBounds.sizeOf(parentType, field, env.getArguments(), limits);
    }

    /**
     * Rows of a page: the limit asked for, the default when none, the list's maximum when above it.
     */
    private long pageSize(String field, Map<String, Object> arguments) {
      Object limit = arguments.get("first");
      if (limit == null) {
        limit = arguments.get("limit");
      }
      if (limit == null && arguments.get("filter") instanceof Map<?, ?> filter) {
        limit = filter.get("limit");
      }
      int max = limits.maxPageSizeOf(field);
      if (limit instanceof Number n) {
        return Math.max(1, Math.min(n.longValue(), max));
      }
      return Math.min(limits.defaultPageSize(), max);
    }

    /**
     * How many statements the field runs (batched loaders: one per field and level, whatever the
     * list above it).
     */
    private long statementsOf(QueryVisitorFieldEnvironment env) {
      GraphQLFieldsContainer container = env.getFieldsContainer();
      String field = env.getFieldDefinition().getName();
      if (container.getName().startsWith("__")) {
        return 0;
      }
      if (env.getParentEnvironment() == null) {
        if (field.equals("_empty")) {
          return 0;
        }
        // A killmail search matches names first, then reads the matched entities' involvement
        // (issue 10, R1: three
        // statements per search); every other root field one.
        return field.equals("killmails")
                && env.getArguments().get("filter") instanceof Map<?, ?> filter
                && filter.get("search") instanceof String text
                && !text.isBlank()
            ? 3
            : 1;
      }
      if (container.getName().equals("PageInfo") && field.equals("totalCount")) {
        return 1;
      }
      return schema
              .getCodeRegistry()
              .hasDataFetcher(FieldCoordinates.coordinates(container.getName(), field))
          ? 1
          : 0;
    }
  }

  private static boolean isList(GraphQLOutputType type) {
    GraphQLType t = type;
    if (t instanceof GraphQLNonNull nonNull) {
      t = nonNull.getWrappedType();
    }
    return t instanceof GraphQLList;
  }

  private static final long CEILING = Long.MAX_VALUE / 4;

  static long saturate(long a, long b) {
    long sum = a + b;
    return sum < 0 || sum > CEILING ? CEILING : sum;
  }

  static long saturatedProduct(long a, long b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return a > CEILING / b ? CEILING : a * b;
  }
}
