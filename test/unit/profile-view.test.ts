import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { encodeCursor } from '../../src/common/connection';
import { EMPTY_PLAN, planProfileView } from '../../src/profiles/profile-view';

/** The plan for the first root field of `document`, as the `profile` resolver would compute it. */
function plan(document: string, variables: Record<string, unknown> = {}) {
  const ast = parse(document);
  const operation = ast.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = Object.fromEntries(
    ast.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const field = operation.selectionSet.selections[0]!;
  if (field.kind !== Kind.FIELD) throw new Error('expected a field');
  return planProfileView({ fieldNodes: [field], fragments, variableValues: variables }, 100);
}

describe('planProfileView', () => {
  it('plans nothing but the whole profile for a profile asked only for its own fields', () => {
    expect(plan('{ profile(id: "p") { id traits lifecycleStage } }')).toEqual({
      ...EMPTY_PLAN,
      whole: { ...EMPTY_PLAN.whole, profile: true },
    });
  });

  it('reads records lean when the selection asks only for their lean fields, whole otherwise', () => {
    const lean = `id identifiers { namespace value kind shared } tags { score since tag { id name } }
      segments { __typename id name } interactions { edges { node { id } } }`;
    expect(plan(`{ profile(id: "p") { ${lean} } }`).whole).toEqual({
      profile: false,
      identifiers: false,
      tags: false,
      segments: false,
    });
    const whole = (selection: string) => plan(`{ profile(id: "p") { ${selection} } }`).whole;
    expect(whole('id mergedIds')).toMatchObject({ profile: true });
    expect(whole('identifiers { value firstSeen }')).toMatchObject({ profile: false, identifiers: true });
    expect(whole('tags { tag { id rule } }')).toMatchObject({ tags: true });
    expect(whole('segments { id size }')).toMatchObject({ segments: true });
    const throughFragment = plan(
      '{ profile(id: "p") { ...F } } fragment F on Profile { tags { tag { ... on Tag { description } } } }',
    );
    expect(throughFragment.whole).toMatchObject({ profile: false, tags: true });
  });

  it('plans each part the selection asks for, through fragments and inline fragments', () => {
    const document = `query ($n: Int) {
      profile(id: "p") {
        ...Parts
        ... on Profile { segments { id size } }
        interactions(first: $n) { totalCount edges { node { id product { id } } } }
      }
    }
    fragment Parts on Profile { identifiers { value } tags { tag { name } } }`;
    expect(plan(document, { n: 5 })).toEqual({
      whole: { profile: false, identifiers: false, tags: false, segments: true },
      identifiers: true,
      tags: true,
      segments: true,
      segmentSize: true,
      interactions: { first: 5, after: null, count: true, products: true, properties: false },
    });
  });

  it('plans an operation once per value of the variables its interactions use', () => {
    const ast = parse(`query ($v: String, $n: Int) {
      profile(identifier: { namespace: "user_id", value: $v }) { id interactions(first: $n) { totalCount } }
    }`);
    const operation = ast.definitions[0] as OperationDefinitionNode;
    const field = operation.selectionSet.selections[0]!;
    if (field.kind !== Kind.FIELD) throw new Error('expected a field');
    const at = (variableValues: Record<string, unknown>) =>
      planProfileView({ fieldNodes: [field], fragments: {}, variableValues }, 100);
    const first = at({ v: 'a', n: 5 });
    expect(first.interactions?.first).toBe(5);
    expect(at({ v: 'b', n: 5 })).toBe(first);
    const other = at({ v: 'a', n: 7 });
    expect(other.interactions?.first).toBe(7);
    expect(at({ v: 'c', n: 7 })).toBe(other);
    expect(planProfileView({ fieldNodes: [field], fragments: {}, variableValues: { n: 5 } }, 50)).not.toBe(
      first,
    );
  });

  it('defaults to the first 20 interactions and asks for products and counts only when selected', () => {
    expect(plan('{ profile(id: "p") { interactions { edges { node { id } } } } }').interactions).toEqual({
      first: 20,
      after: null,
      count: false,
      products: false,
      properties: false,
    });
  });

  it('reads interaction properties only when they are selected', () => {
    const planned = plan('{ profile(id: "p") { interactions { edges { node { properties } } } } }');
    expect(planned.interactions?.properties).toBe(true);
  });

  it('decodes the cursor of a later page', () => {
    const after = encodeCursor({ at: 1000, id: 'x-1' });
    const planned = plan(`{ profile(id: "p") { interactions(first: 3, after: "${after}") { totalCount } } }`);
    expect(planned.interactions).toEqual({
      first: 3,
      after: { at: 1000, id: 'x-1' },
      count: true,
      products: false,
      properties: false,
    });
  });

  it('leaves to the field resolver what it cannot plan exactly (so that it reports the errors)', () => {
    const two =
      '{ profile(id: "p") { a: interactions(first: 1) { totalCount } b: interactions(first: 2) { totalCount } } }';
    expect(plan(two).interactions).toBeNull();
    expect(plan('{ profile(id: "p") { interactions(first: 101) { totalCount } } }').interactions).toBeNull();
    expect(plan('{ profile(id: "p") { interactions(first: -1) { totalCount } } }').interactions).toBeNull();
    expect(
      plan('{ profile(id: "p") { interactions(after: "nonsense") { totalCount } } }').interactions,
    ).toBeNull();
    // Two selections of the same page are one page.
    const same =
      '{ profile(id: "p") { a: interactions(first: 2) { totalCount } b: interactions(first: 2) { edges { cursor } } } }';
    expect(plan(same).interactions).toEqual({
      first: 2,
      after: null,
      count: true,
      products: false,
      properties: false,
    });
  });
});
