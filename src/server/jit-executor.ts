import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { execute, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

/**
 * Executes operations with graphql-jit instead of graphql-js: each operation is compiled once into a function
 * that calls the same resolvers, and then runs without graphql-js's per-field interpretation (argument
 * coercion, type checks and promise bookkeeping for every field of every answer).
 * Apollo Server has one hook for its executor, the gateway interface; Apollo still parses, validates, runs
 * its plugins and formats errors, only execution is replaced.
 */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  // Apollo keeps one DocumentNode per query text (its document store), so the document is the cache key.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery>>();
  const executor: GatewayExecutor = async ({ document, operationName, request, context }) => {
    const name = operationName ?? '';
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    let query = byName.get(name);
    if (!query) {
      const result = compileQuery(schema, document, operationName ?? undefined, {
        // Leaf values are serialised by their scalars as graphql-js does; errors carry no compiler stack.
        disablingCapturingStackErrors: true,
      });
      if (!isCompiledQuery(result)) return result as ExecutionResult;
      query = result;
      byName.set(name, query);
    }
    const result = await query.query(undefined, context, request.variables ?? {});
    // Errors and no data: the variables did not coerce, and nothing ran. graphql-js words those errors
    // better (the variable's path, the scalar's reason) and Apollo recognises them as BAD_USER_INPUT.
    if (!('data' in result)) {
      return execute({
        schema,
        document,
        operationName,
        variableValues: request.variables,
        contextValue: context,
      });
    }
    return result;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: async () => ({ executor }),
    stop: async () => undefined,
  };
}
