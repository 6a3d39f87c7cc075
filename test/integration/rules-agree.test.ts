import fc from 'fast-check';
import { compileRule } from '../../src/rules/compile';
import { evaluateRule, type ProfileFacts } from '../../src/rules/evaluate';
import { parseRule } from '../../src/rules/parse';
import type { RuleLookup } from '../../src/rules/rule';
import { openTestDb, unique, type TestDb } from '../helpers/neo4j';

// The in-memory evaluator and the compiled Cypher must agree on every rule and every profile: random rules
// over a small vocabulary, random profiles written to the real database, both answers compared.

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

const scalar = fc.oneof(
  fc.constantFrom('Wuhan', 'Shanghai', 'gold', 'silver', '2026-01-01', 'a'),
  fc.integer({ min: -2, max: 60 }),
  fc.double({ min: 0, max: 5, noNaN: true }),
  fc.boolean(),
);

interface Case {
  traits: Record<string, unknown>;
  tags: Array<[string, number | null]>;
  namespaces: string[];
  interactions: Array<{ event: string; daysAgo: number; value: number | null; product: string | null }>;
  lifecycleStage: string | null;
  rfm: { r: number; f: number; m: number; group: string } | null;
}

const PRODUCTS: Record<string, string> = { p1: 'Sports/Running/Shoes', p2: 'Sports/Cycling', p3: 'Home' };

const profileCase: fc.Arbitrary<Case> = fc.record({
  traits: fc.dictionary(
    fc.constantFrom('city', 'age', 'plan', 'score', 'when', 'list', 'flag'),
    fc.oneof(scalar, fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 })),
  ),
  tags: fc.uniqueArray(
    fc.tuple(
      fc.constantFrom('t1', 't2'),
      fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    ),
    { selector: (t) => t[0], maxLength: 2 },
  ),
  namespaces: fc.uniqueArray(fc.constantFrom('user_id', 'email', 'phone'), { maxLength: 3 }),
  interactions: fc.array(
    fc.record({
      event: fc.constantFrom('Order Completed', 'Product Viewed', 'Signed Up'),
      daysAgo: fc.integer({ min: 0, max: 60 }),
      value: fc.option(fc.integer({ min: 1, max: 300 }), { nil: null }),
      product: fc.option(fc.constantFrom('p1', 'p2', 'p3'), { nil: null }),
    }),
    { maxLength: 8 },
  ),
  lifecycleStage: fc.option(fc.constantFrom('NEW', 'ACTIVE', 'AT_RISK'), { nil: null }),
  rfm: fc.option(
    fc.record({
      r: fc.integer({ min: 1, max: 5 }),
      f: fc.integer({ min: 1, max: 5 }),
      m: fc.integer({ min: 1, max: 5 }),
      group: fc.constantFrom('champions', 'lost', 'loyal'),
    }),
    { nil: null },
  ),
});

const bounds = (keys: readonly string[]) =>
  fc.constantFrom(...keys).chain((op) => fc.integer({ min: 0, max: 400 }).map((v) => ({ [op]: v })));

const ruleArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.record({
      trait: fc.constantFrom('city', 'age', 'plan', 'score', 'when', 'list', 'flag', 'missing'),
      eq: scalar,
    }),
    fc.record({
      trait: fc.constantFrom('city', 'plan', 'age'),
      in: fc.array(scalar, { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      trait: fc.constantFrom('age', 'score', 'when', 'city'),
      gte: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constantFrom('2025-12-31', 'S')),
    }),
    fc.record({
      trait: fc.constantFrom('age', 'score'),
      gt: fc.integer({ min: 0, max: 30 }),
      lt: fc.integer({ min: 20, max: 60 }),
    }),
    fc.record({
      trait: fc.constantFrom('city', 'list', 'age'),
      contains: fc.constantFrom('a', 'x', 'Wu', 1),
    }),
    fc.record({ trait: fc.constantFrom('city', 'flag', 'missing'), exists: fc.boolean() }),
    fc.record({ tag: fc.constantFrom('t1', 't2') }),
    fc.record({ tag: fc.constantFrom('t1', 't2'), minScore: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc
      .record({
        event: fc.option(fc.constantFrom('Order Completed', 'Product Viewed'), { nil: undefined }),
        withinDays: fc.option(fc.integer({ min: 1, max: 45 }), { nil: undefined }),
        category: fc.option(fc.constantFrom('Sports', 'Sports/Running', 'Home'), { nil: undefined }),
        count: fc.option(
          bounds(['gte', 'lte', 'eq']).map((b) =>
            Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v % 5])),
          ),
          { nil: undefined },
        ),
      })
      .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined))),
    fc.record({
      event: fc.constant('Order Completed'),
      product: fc.constantFrom('p1', 'p2'),
      sum: bounds(['gte', 'lt']),
    }),
    fc.record({
      lifecycle: fc.oneof(fc.constantFrom('NEW', 'ACTIVE'), fc.constant({ in: ['AT_RISK', 'NEW'] })),
    }),
    fc.record({
      rfm: fc.oneof(
        fc.constant({ group: 'lost' }),
        fc.constant({ r: { gte: 3 } }),
        fc.constant({ score: 'R5F5M5' }),
      ),
    }),
    fc.record({ identity: fc.constantFrom('email', 'phone') }),
    fc.record({ all: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('rule') }),
  ),
})).rule;

const lookup: RuleLookup = {
  tag: (id) => (id === 't1' || id === 't2' ? { kind: 'MANUAL', rule: null } : null),
  segment: () => null,
};

/** Writes a case as a real profile; returns its id and the facts the evaluator is given. */
async function writeProfile(
  prefix: string,
  c: Case,
  n: number,
): Promise<{ id: string; facts: ProfileFacts }> {
  const id = `${prefix}-${n}`;
  const properties: Record<string, unknown> = Object.fromEntries(
    Object.entries(c.traits).map(([k, v]) => [`trait.${k}`, v]),
  );
  if (c.lifecycleStage) properties.lifecycleStage = c.lifecycleStage;
  if (c.rfm)
    Object.assign(properties, {
      rfmR: c.rfm.r,
      rfmF: c.rfm.f,
      rfmM: c.rfm.m,
      rfmGroup: c.rfm.group,
      rfmScore: `R${c.rfm.r}F${c.rfm.f}M${c.rfm.m}`,
    });
  const interactions = c.interactions.map((x, i) => ({
    id: `${id}-x${i}`,
    event: x.event,
    at: NOW - x.daysAgo * DAY - i,
    value: x.value,
    productId: x.product ? `${prefix}-${x.product}` : null,
    category: x.product ? PRODUCTS[x.product]! : null,
  }));
  await db.cypher(
    `CREATE (p:Profile {id: $id}) SET p += $properties
     WITH p
     FOREACH (ns IN $namespaces | CREATE (:Identifier {namespace: ns, value: $id + '-' + ns})-[:IN]->(p))
     FOREACH (t IN $tags | MERGE (tag:Tag {id: $prefix + '-' + t.id}) CREATE (p)-[:HAS_TAG {score: t.score}]->(tag))
     WITH p
     CREATE (i:Identifier {namespace: 'anonymous_id', value: $id + '-anon'})-[:IN]->(p)
     WITH i
     UNWIND $interactions AS x
     CREATE (i)-[:DID]->(it:Interaction {id: x.id, event: x.event, at: x.at, value: x.value, productId: x.productId})
     WITH it, x WHERE x.productId IS NOT NULL
     MATCH (prod:Product {id: x.productId})
     CREATE (it)-[:ON]->(prod)`,
    {
      id,
      prefix,
      properties,
      namespaces: c.namespaces,
      tags: c.tags.map(([t, score]) => ({ id: t, score })),
      interactions,
    },
  );
  return {
    id,
    facts: {
      properties,
      tags: new Map(c.tags.map(([t, score]) => [`${prefix}-${t}`, score])),
      namespaces: new Set([...c.namespaces, 'anonymous_id']),
      interactions: interactions.map((x) => ({
        event: x.event,
        at: x.at,
        value: x.value,
        productId: x.productId,
        category: x.category,
      })),
    },
  };
}

/** Rules name tags and products without the run prefix; the stored graph has it. */
function prefixed(rule: unknown, prefix: string): unknown {
  if (Array.isArray(rule)) return rule.map((r) => prefixed(r, prefix));
  if (!rule || typeof rule !== 'object') return rule;
  return Object.fromEntries(
    Object.entries(rule as Record<string, unknown>).map(([k, v]) => [
      k,
      (k === 'tag' || k === 'product') && typeof v === 'string' ? `${prefix}-${v}` : prefixed(v, prefix),
    ]),
  );
}

describe('the in-memory evaluator and the compiled Cypher agree', () => {
  it('on random rules over random profiles', async () => {
    const prefix = unique('agree');
    const cases = fc.sample(profileCase, { numRuns: 40, seed: 4242 });
    await db.cypher(
      `UNWIND $products AS p
       MERGE (c:Category {path: p.category})
       CREATE (:Product {id: p.id, category: p.category})-[:IN_CATEGORY]->(c)`,
      { products: Object.entries(PRODUCTS).map(([id, category]) => ({ id: `${prefix}-${id}`, category })) },
    );
    await db.cypher(
      `UNWIND [['Sports/Running/Shoes', 'Sports/Running'], ['Sports/Running', 'Sports'], ['Sports/Cycling', 'Sports']] AS pair
       MERGE (child:Category {path: pair[0]})
       MERGE (parent:Category {path: pair[1]})
       MERGE (child)-[:CHILD_OF]->(parent)`,
    );
    const profiles: Array<{ id: string; facts: ProfileFacts }> = [];
    for (const [n, c] of cases.entries()) profiles.push(await writeProfile(prefix, c, n));
    const prefixedLookup: RuleLookup = {
      tag: (id) => lookup.tag(id.slice(prefix.length + 1)),
      segment: () => null,
    };
    await fc.assert(
      fc.asyncProperty(ruleArb, async (raw) => {
        const rule = prefixed(raw, prefix);
        const { rule: node } = parseRule(rule, prefixedLookup);
        if (!node) return; // not a valid rule: nothing to compare
        const compiled = compileRule(rule, prefixedLookup);
        const rows = await db.cypher(
          `UNWIND $ids AS id MATCH (p:Profile {id: id}) RETURN id, ${compiled.predicate} AS member`,
          {
            ...compiled.params,
            ids: profiles.map((p) => p.id),
            now: NOW,
          },
        );
        const cypher = new Map(rows.map((row) => [row.id as string, row.member as boolean]));
        for (const profile of profiles) {
          const memory = evaluateRule(node, profile.facts, NOW);
          if (memory !== cypher.get(profile.id)) {
            throw new Error(
              `disagree on ${JSON.stringify(raw)} for ${JSON.stringify(cases[profiles.indexOf(profile)])}: memory ${memory}, cypher ${cypher.get(profile.id)}`,
            );
          }
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('regressions found by the agreement test', () => {
  it('a profile without the trait is not in `contains` and is in its `not` (null IS :: STRING holds in Cypher)', async () => {
    const id = unique('contains');
    await db.cypher('CREATE (:Profile {id: $id})', { id });
    for (const [rule, expected] of [
      [{ trait: 'city', contains: 'a' }, false],
      [{ not: { trait: 'city', contains: 'a' } }, true],
    ] as const) {
      const compiled = compileRule(rule, lookup);
      const [row] = await db.cypher(`MATCH (p:Profile {id: $id}) RETURN ${compiled.predicate} AS member`, {
        ...compiled.params,
        id,
        now: NOW,
      });
      expect(row!.member).toBe(expected);
    }
  });
});
