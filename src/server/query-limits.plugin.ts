import type { ApolloServerPlugin } from '@apollo/server';
import { checkOperation, measureOperation, type QueryLimits } from '../security/query-limits';

/** Refuses operations deeper or costlier than the limits, before any resolver runs (HTTP; graphql-ws checks on subscribe). */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, operation, document, request }) {
          if (!operation) return;
          const fragments = Object.fromEntries(
            document.definitions.flatMap((d) =>
              d.kind === 'FragmentDefinition' ? [[d.name.value, d] as const] : [],
            ),
          );
          checkOperation(limits, measureOperation(schema, operation, fragments, request.variables ?? {}));
        },
      };
    },
  };
}
