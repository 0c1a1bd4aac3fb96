package dev.killboard.api.graphql;

import dev.killboard.api.auth.Authentication;
import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.dataloaders.Loaders;
import dev.killboard.api.errors.ErrorCodeInstrumentation;
import dev.killboard.api.errors.ResolverExceptionHandler;
import dev.killboard.api.limits.ComplexityLimit;
import dev.killboard.api.limits.DepthLimit;
import dev.killboard.api.limits.RateLimit;
import graphql.ExecutionInput;
import graphql.GraphQL;
import graphql.execution.instrumentation.Instrumentation;
import graphql.introspection.Introspection;
import graphql.parser.ParserOptions;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The executable GraphQL API: the SDL files of {@code src/main/resources/graphql}, the resolver
 * modules, the limits (depth, complexity), error codes and metrics. One per verticle instance.
 */
public final class ApiGraphQL {
  /** The SDL files, one per concept; their union is the contract. */
  static final List<String> SDL_FILES =
      List.of(
          "root",
          "killmail",
          "alliance",
          "corporation",
          "character",
          "universe",
          "item",
          "auth",
          "worker");

  /**
   * Parsed documents kept per instance, and the longest query text kept (longer ones are parsed
   * every time).
   */
  static final int DOCUMENT_CACHE_ENTRIES = 500;

  static final int DOCUMENT_CACHE_QUERY_LENGTH = 20_000;

  private final GraphQL graphQL;
  private final GraphQLSchema schema;
  private final boolean introspectionEnabled;
  private final Function<Boolean, Loaders> loaders;
  private final AnswerBounds answerBounds;
  private final ParserOptions parserOptions;
  private final ExecutionThreads threads;

  /**
   * @param rateLimit the per-client cost limit checked after the cost (null: none)
   * @param loaders makes a request's DataLoaders; the argument says whether they may cache (false
   *     for long-lived subscriptions, whose cache would only grow and go stale)
   * @param executor the worker threads executions run and continue on (never an event loop)
   */
  public ApiGraphQL(
      List<ResolverModule> modules,
      QueryLimits limits,
      RateLimit rateLimit,
      boolean introspectionEnabled,
      MeterRegistry registry,
      Function<Boolean, Loaders> loaders,
      Executor executor) {
    this.schema = buildSchema(modules);
    this.threads = new ExecutionThreads(executor);
    this.introspectionEnabled = introspectionEnabled;
    this.loaders = loaders;
    this.answerBounds = new AnswerBounds(limits.maxResponseBytes());
    // The token cap stops an alias bomb while it is parsed: parsing, validating and walking a
    // document of graphql-java's
    // default 15,000 tokens blocked an event loop for seconds (issue 10, R1).
    this.parserOptions =
        ParserOptions.getDefaultOperationParserOptions()
            .transform(o -> o.maxTokens(limits.maxQueryTokens()));
    List<Instrumentation> operationChecks =
        new ArrayList<>(
            List.of(
                new GetMutationGuard(),
                new StreamSlotCheck(),
                new DepthLimit(limits.maxDepth()),
                new ComplexityLimit(limits)));
    if (rateLimit != null) {
      operationChecks.add(rateLimit);
    }
    this.graphQL =
        GraphQL.newGraphQL(schema)
            .instrumentation(
                new ApiInstrumentation(
                    operationChecks,
                    new OperationMetrics(registry),
                    new DeadlineInstrumentation(),
                    new ErrorCodeInstrumentation(),
                    answerBounds))
            .defaultDataFetcherExceptionHandler(new ResolverExceptionHandler())
            .preparsedDocumentProvider(
                new DocumentCache(DOCUMENT_CACHE_ENTRIES, DOCUMENT_CACHE_QUERY_LENGTH))
            .build();
  }

  /** Parses the SDL and wires it; fails at start when a module wires a field the SDL lacks. */
  public static GraphQLSchema buildSchema(List<ResolverModule> modules) {
    TypeDefinitionRegistry types = new TypeDefinitionRegistry();
    SchemaParser parser = new SchemaParser();
    for (String file : SDL_FILES) {
      types.merge(parser.parse(readSdl(file)));
    }
    RuntimeWiring.Builder wiring =
        RuntimeWiring.newRuntimeWiring()
            .codeRegistry(
                GraphQLCodeRegistry.newCodeRegistry().defaultDataFetcher(new ContractNames()));
    for (ResolverModule module : modules) {
      module.wire(wiring);
    }
    return new SchemaGenerator().makeExecutableSchema(types, wiring.build());
  }

  /** The text of one SDL file. */
  public static String readSdl(String name) {
    String path = "graphql/" + name + ".graphqls";
    try (InputStream in = ApiGraphQL.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("SDL file " + path + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public GraphQL graphQL() {
    return graphQL;
  }

  public GraphQLSchema schema() {
    return schema;
  }

  /** The worker threads executions run on. */
  public ExecutionThreads threads() {
    return threads;
  }

  /**
   * Completes {@code builder} for one execution: the caller, fresh DataLoaders, the transport and
   * the introspection switch.
   */
  public ExecutionInput.Builder prepare(
      ExecutionInput.Builder builder,
      Authentication authentication,
      RequestContext.Transport transport,
      String clientAddress) {
    return prepare(builder, authentication, transport, clientAddress, null);
  }

  /** As above, with the request's time limit ({@code null}: none, as for streams). */
  public ExecutionInput.Builder prepare(
      ExecutionInput.Builder builder,
      Authentication authentication,
      RequestContext.Transport transport,
      String clientAddress,
      RequestDeadline deadline) {
    boolean longLived =
        transport == RequestContext.Transport.SSE
            || transport == RequestContext.Transport.WEBSOCKET;
    Loaders requestLoaders = loaders.apply(!longLived);
    RequestContext context =
        new RequestContext(
            authentication,
            requestLoaders,
            transport,
            clientAddress == null ? "unknown" : clientAddress);
    builder.dataLoaderRegistry(requestLoaders.registry());
    builder.graphQLContext(
        b -> {
          b.put(RequestContext.class, context);
          b.put(ParserOptions.class, parserOptions);
          b.put(ExecutionThreads.class, threads);
          if (deadline != null) {
            b.put(RequestDeadline.class, deadline);
          }
          if (!longLived) {
            // A stream's executions share one node count for its whole life; its events are one
            // killmail or status each.
            answerBounds.limit(b);
          }
          if (!introspectionEnabled) {
            b.put(Introspection.INTROSPECTION_DISABLED, true);
          }
        });
    return builder;
  }
}
