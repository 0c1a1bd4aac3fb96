package dev.killboard.api.graphql;

import graphql.schema.idl.RuntimeWiring;

/** One concept's resolvers: adds its data fetchers to the runtime wiring. */
public interface ResolverModule {
  void wire(RuntimeWiring.Builder wiring);
}
