import {
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { decodeCursor } from '../common/connection';

/**
 * What a query asks of the profiles it reads, found by looking ahead at its selection, so that one round trip
 * fetches everything (profiles/profile-views.cypher) instead of one per field and kind of data.
 * Parts it does not cover (merge history, recommendations, ...) are still loaded by their own resolvers.
 */
export interface ViewPlan {
  readonly identifiers: boolean;
  readonly tags: boolean;
  readonly segments: boolean;
  readonly segmentSize: boolean;
  /** One page of interactions, when the selection asks for exactly one valid page. */
  readonly interactions: {
    readonly first: number;
    readonly after: { at: number; id: string } | null;
    readonly count: boolean;
    readonly products: boolean;
    /** Interaction properties (JSON) are read only when selected. */
    readonly properties: boolean;
  } | null;
}

export const EMPTY_PLAN: ViewPlan = {
  identifiers: false,
  tags: false,
  segments: false,
  segmentSize: false,
  interactions: null,
};

type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

/** The fields selected under `selectionSet`, through fragments, by response name order. */
function fieldsOf(selectionSet: SelectionSetNode | undefined, fragments: Fragments): FieldNode[] {
  if (!selectionSet) return [];
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsOf(selection.selectionSet, fragments);
    const fragment = fragments[selection.name.value];
    return fragment ? fieldsOf(fragment.selectionSet, fragments) : [];
  });
}

function selects(fields: readonly FieldNode[], name: string): FieldNode[] {
  return fields.filter((field) => field.name.value === name);
}

/**
 * The plan for the profile fields in `info` (the resolver of a field returning Profile). Anything it cannot
 * plan exactly — two interaction pages, a bad cursor or page size — is left to the field's own resolver,
 * which also reports the error.
 */
export function planProfileView(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues'>,
  maxPageSize: number,
): ViewPlan {
  const fields = info.fieldNodes.flatMap((node) => fieldsOf(node.selectionSet, info.fragments));
  const under = (nodes: readonly FieldNode[]) =>
    nodes.flatMap((node) => fieldsOf(node.selectionSet, info.fragments));
  const segments = selects(fields, 'segments');
  return {
    identifiers: selects(fields, 'identifiers').length > 0,
    tags: selects(fields, 'tags').length > 0,
    segments: segments.length > 0,
    segmentSize: selects(under(segments), 'size').length > 0,
    interactions: planInteractions(selects(fields, 'interactions'), info, maxPageSize),
  };
}

function planInteractions(
  nodes: readonly FieldNode[],
  info: Pick<GraphQLResolveInfo, 'fragments' | 'variableValues'>,
  maxPageSize: number,
): ViewPlan['interactions'] {
  if (nodes.length === 0) return null;
  const pages = nodes.map((node) => {
    const args = Object.fromEntries(
      (node.arguments ?? []).map((arg) => [
        arg.name.value,
        valueFromASTUntyped(arg.value, info.variableValues),
      ]),
    );
    return { first: args.first ?? 20, after: args.after ?? null };
  });
  const { first, after } = pages[0]!;
  if (pages.some((p) => p.first !== first || p.after !== after)) return null;
  if (!Number.isInteger(first) || (first as number) < 0 || (first as number) > maxPageSize) return null;
  let position: { at: number; id: string } | null = null;
  if (after !== null) {
    if (typeof after !== 'string') return null;
    try {
      position = decodeCursor<{ at: number; id: string }>(after, { at: 'number', id: 'string' });
    } catch {
      return null;
    }
  }
  const connection = nodes.flatMap((node) => fieldsOf(node.selectionSet, info.fragments));
  const interactionFields = nodeFields(nodes, info.fragments);
  return {
    first: first as number,
    after: position,
    count: selects(connection, 'totalCount').length > 0,
    products: selects(interactionFields, 'product').length > 0,
    properties: selects(interactionFields, 'properties').length > 0,
  };
}

/** The fields selected on the nodes of a connection field (`edges { node { ... } }`). */
function nodeFields(connections: readonly FieldNode[], fragments: Fragments): FieldNode[] {
  const connection = connections.flatMap((node) => fieldsOf(node.selectionSet, fragments));
  const edges = selects(connection, 'edges').flatMap((edge) => fieldsOf(edge.selectionSet, fragments));
  return selects(edges, 'node').flatMap((node) => fieldsOf(node.selectionSet, fragments));
}

/** Whether the interactions field being resolved (`info`) selects the interactions' properties. */
export function selectsProperties(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): boolean {
  return selects(nodeFields(info.fieldNodes, info.fragments), 'properties').length > 0;
}
