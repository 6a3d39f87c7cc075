import type { ApolloServerPlugin } from '@apollo/server';
import {
  Kind,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import {
  checkOperation,
  measureOperation,
  type QueryLimits,
  type QueryMeasure,
} from '../security/query-limits';

/** Measures kept per operation: one per value of the variables its `first` arguments use. */
const MEASURES_PER_OPERATION = 64;

/** Names of the variables that the `first` arguments of `document` use: all a measure depends on. */
function pageSizeVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if (node.name.value !== 'first') return;
      visit(node.value, {
        Variable(variable) {
          names.add(variable.name.value);
        },
      });
    },
  });
  return [...names].sort();
}

/**
 * Refuses operations deeper or costlier than the limits, before any resolver runs (HTTP; graphql-ws checks on
 * subscribe). Apollo keeps one syntax tree per query text, so an operation is measured once per value of the
 * variables that state its page sizes, not on every request.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  const measured = new WeakMap<
    OperationDefinitionNode,
    { variables: string[]; measures: Map<string, QueryMeasure> }
  >();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, operation, document, request }) {
          if (!operation) return;
          const variables = request.variables ?? {};
          let entry = measured.get(operation);
          if (!entry) {
            entry = { variables: pageSizeVariables(document), measures: new Map() };
            measured.set(operation, entry);
          }
          const key = JSON.stringify(entry.variables.map((name) => variables[name] ?? null));
          let measure = entry.measures.get(key);
          if (!measure) {
            const fragments = Object.fromEntries(
              document.definitions
                .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
                .map((d) => [d.name.value, d]),
            );
            measure = measureOperation(schema, operation, fragments, variables);
            if (entry.measures.size < MEASURES_PER_OPERATION) entry.measures.set(key, measure);
          }
          checkOperation(limits, measure);
        },
      };
    },
  };
}
