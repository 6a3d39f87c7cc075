import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromAST,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { PortraitError } from '../common/errors';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
}

const INTROSPECTION_FIELDS: ReadonlySet<string> = new Set(['__schema', '__type']);

/** Page size assumed for a list whose size the query does not state (`identifiers`, `tags`, ...). */
const UNSTATED_LIST_SIZE = 10;

export interface QueryMeasure {
  depth: number;
  cost: number;
}

/**
 * Depth and estimated cost of an operation: every field costs 1, times the sizes of the lists above it,
 * where a list's size is its `first` argument (from the query, its variables or its default) or 10. The
 * `edges` of a connection are not counted twice. Introspection fields count for nothing.
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>>,
): QueryMeasure {
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  let depth = 0;
  const visiting = new Set<string>();
  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLType | null | undefined,
    level: number,
    multiplier: number,
  ): number => {
    depth = Math.max(depth, level);
    let cost = 0;
    const type = parent ? getNamedType(parent) : null;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        if (!fragment || visiting.has(fragment.name.value)) continue;
        visiting.add(fragment.name.value);
        cost += walk(
          fragment.selectionSet,
          schema.getType(fragment.typeCondition.name.value) ?? type,
          level,
          multiplier,
        );
        visiting.delete(fragment.name.value);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        cost += walk(selection.selectionSet, condition, level, multiplier);
        continue;
      }
      // Introspection (__schema, __type) is not measured: tools send graphql-js's standard introspection
      // query, 15 levels deep, and its answer is bounded by the schema. Production turns introspection off.
      if (INTROSPECTION_FIELDS.has(selection.name.value)) continue;
      cost += multiplier;
      if (!selection.selectionSet) continue;
      const field: GraphQLField<unknown, unknown> | undefined =
        type && (isObjectType(type) || isInterfaceType(type))
          ? type.getFields()[selection.name.value]
          : undefined;
      let size = 1;
      const firstArg = field?.args.find((arg) => arg.name === 'first');
      if (firstArg) {
        const node = selection.arguments?.find((arg) => arg.name.value === 'first');
        const given = node
          ? valueFromAST(node.value, firstArg.type, variables as Record<string, unknown>)
          : undefined;
        size =
          typeof given === 'number'
            ? given
            : typeof firstArg.defaultValue === 'number'
              ? firstArg.defaultValue
              : UNSTATED_LIST_SIZE;
      } else if (field && isListType(getNullableType(field.type)) && selection.name.value !== 'edges') {
        size = UNSTATED_LIST_SIZE;
      }
      cost += walk(selection.selectionSet, field?.type, level + 1, multiplier * Math.max(1, size));
    }
    return cost;
  };
  const cost = walk(operation.selectionSet, root, 1, 1);
  return { depth, cost };
}

/** Throws QUERY_TOO_COMPLEX when the operation is deeper or costlier than allowed. */
export function checkOperation(limits: QueryLimits, measure: QueryMeasure): void {
  if (measure.depth > limits.maxDepth) {
    throw new PortraitError(
      'QUERY_TOO_COMPLEX',
      `the query is ${measure.depth} levels deep; the limit is ${limits.maxDepth}`,
      {
        depth: measure.depth,
        maxDepth: limits.maxDepth,
        http: { status: 400 },
      },
    );
  }
  if (measure.cost > limits.maxCost) {
    throw new PortraitError(
      'QUERY_TOO_COMPLEX',
      `the query's estimated cost is ${measure.cost}; the limit is ${limits.maxCost} (ask for smaller pages)`,
      { cost: measure.cost, maxCost: limits.maxCost, http: { status: 400 } },
    );
  }
}
