package dev.killboard.api.graphql;

import dev.killboard.api.auth.Authentication;
import dev.killboard.api.dataloaders.Loaders;
import graphql.GraphQLContext;
import graphql.schema.DataFetchingEnvironment;

/**
 * What one GraphQL execution carries besides its arguments: who is asking (token and address), the
 * request's DataLoaders and how it arrived. Stored in the execution's {@link GraphQLContext}.
 *
 * @param clientAddress the client's address (from X-Forwarded-For only when configured to trust
 *     it); "unknown" if none
 */
public record RequestContext(
    Authentication authentication, Loaders loaders, Transport transport, String clientAddress) {

  /** How an operation reached the API. */
  public enum Transport {
    HTTP_GET,
    HTTP_POST,
    SSE,
    WEBSOCKET
  }

  /** The context of the execution {@code env} belongs to. */
  public static RequestContext of(DataFetchingEnvironment env) {
    return of(env.getGraphQlContext());
  }

  /** The context stored in {@code context}. */
  public static RequestContext of(GraphQLContext context) {
    RequestContext rc = context.get(RequestContext.class);
    if (rc == null) {
      throw new IllegalStateException("no RequestContext in the GraphQL context");
    }
    return rc;
  }
}
