import {
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { decodeCursor } from '../common/connection';
import { SyntaxMemo } from '../common/syntax-memo';

/**
 * What a query asks of the profiles it reads, found by looking ahead at its selection, so that one round trip
 * fetches everything (profile-view-statement.ts) instead of one per field and kind of data.
 * Parts it does not cover (merge history, recommendations, ...) are still loaded by their own resolvers.
 */
export interface ViewPlan {
  /**
   * Whether each kind of record is read whole (`true`) or only with the fields that a typical read asks for
   * (LEAN_FIELDS), because the selection asks for nothing else. Only whole records prime the shared loaders.
   */
  readonly whole: {
    readonly profile: boolean;
    readonly identifiers: boolean;
    readonly tags: boolean;
    readonly segments: boolean;
  };
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
  whole: { profile: false, identifiers: false, tags: false, segments: false },
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

/**
 * The fields of each kind of record that the view statement reads when a selection asks for no other
 * (the parts a profile view reads itself count as lean fields of the profile). Anything else reads the
 * whole record.
 */
export const LEAN_FIELDS = {
  profile: new Set(['__typename', 'id', 'identifiers', 'tags', 'segments', 'interactions']),
  identifiers: new Set(['__typename', 'namespace', 'value', 'kind', 'shared']),
  tags: new Set(['__typename', 'id', 'name']),
  segments: new Set(['__typename', 'id', 'name']),
} as const;

const onlyLean = (fields: readonly FieldNode[], lean: ReadonlySet<string>): boolean =>
  fields.every((field) => lean.has(field.name.value));

function selects(fields: readonly FieldNode[], name: string): FieldNode[] {
  return fields.filter((field) => field.name.value === name);
}

type PlanInfo = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues'>;

/** Plans by field node and the values of the variables of the interactions' arguments. */
const plans = new SyntaxMemo<FieldNode, ViewPlan>(64);

/**
 * The plan for the profile fields in `info` (the resolver of a field returning Profile). Anything it cannot
 * plan exactly — two interaction pages, a bad cursor or page size — is left to the field's own resolver,
 * which also reports the error.
 * A plan depends only on the operation and the variables of the interactions' arguments, so plans are kept
 * by field node (SyntaxMemo).
 */
export function planProfileView(info: PlanInfo, maxPageSize: number): ViewPlan {
  const node = info.fieldNodes[0];
  if (!node) return makePlan(info, maxPageSize);
  return plans.get(
    node,
    info.variableValues,
    () => interactionVariables(info),
    () => makePlan(info, maxPageSize),
    [maxPageSize],
  );
}

/** Names of the variables used in the arguments of the selected interactions fields. */
function interactionVariables(info: PlanInfo): string[] {
  const fields = info.fieldNodes.flatMap((node) => fieldsOf(node.selectionSet, info.fragments));
  const names = new Set<string>();
  const collect = (value: ValueNode): void => {
    if (value.kind === Kind.VARIABLE) names.add(value.name.value);
    else if (value.kind === Kind.LIST) value.values.forEach(collect);
    else if (value.kind === Kind.OBJECT) value.fields.forEach((field) => collect(field.value));
  };
  for (const field of selects(fields, 'interactions')) {
    for (const argument of field.arguments ?? []) collect(argument.value);
  }
  return [...names].sort();
}

function makePlan(info: PlanInfo, maxPageSize: number): ViewPlan {
  const fields = info.fieldNodes.flatMap((node) => fieldsOf(node.selectionSet, info.fragments));
  const under = (nodes: readonly FieldNode[]) =>
    nodes.flatMap((node) => fieldsOf(node.selectionSet, info.fragments));
  const segments = selects(fields, 'segments');
  const identifiers = selects(fields, 'identifiers');
  // Under tags { tag { ... } }: the definitions' fields (a profile tag's own score and since are always read).
  const definitions = under(selects(under(selects(fields, 'tags')), 'tag'));
  return {
    whole: {
      profile: !onlyLean(fields, LEAN_FIELDS.profile),
      identifiers: !onlyLean(under(identifiers), LEAN_FIELDS.identifiers),
      tags: !onlyLean(definitions, LEAN_FIELDS.tags),
      segments: !onlyLean(under(segments), LEAN_FIELDS.segments),
    },
    identifiers: identifiers.length > 0,
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

const propertiesSelected = new WeakMap<FieldNode, boolean>();

/** Whether the interactions field being resolved (`info`) selects the interactions' properties. */
export function selectsProperties(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): boolean {
  const node = info.fieldNodes[0];
  let selected = node && propertiesSelected.get(node);
  if (selected === undefined) {
    selected = selects(nodeFields(info.fieldNodes, info.fragments), 'properties').length > 0;
    if (node) propertiesSelected.set(node, selected);
  }
  return selected;
}
