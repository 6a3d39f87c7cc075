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
import { SyntaxMemo } from '../common/syntax-memo';

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
 * subscribe). An operation is measured once per value of the variables that state its page sizes (SyntaxMemo),
 * not on every request.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  const measures = new SyntaxMemo<OperationDefinitionNode, QueryMeasure>(64);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, operation, document, request }) {
          if (!operation) return;
          const variables = request.variables ?? {};
          const measure = measures.get(
            operation,
            variables,
            () => pageSizeVariables(document),
            () => {
              const fragments = Object.fromEntries(
                document.definitions
                  .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
                  .map((d) => [d.name.value, d]),
              );
              return measureOperation(schema, operation, fragments, variables);
            },
          );
          checkOperation(limits, measure);
        },
      };
    },
  };
}
