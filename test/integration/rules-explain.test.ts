import { int } from 'neo4j-driver';
import { categoryAncestry } from '../../src/ingest/ecommerce';
import { compileRule } from '../../src/rules/compile';
import type { CompiledRule } from '../../src/rules/rule';
import { openTestDb, unique, type TestDb } from '../helpers/neo4j';
import { ruleWorld, type ProfileFixture, type RuleCase } from '../unit/rules/cases';

// The rule table of test/unit/rules/compile.test.ts against the real Neo4j: every compiled predicate must
// plan (EXPLAIN), and on a tiny graph built here each case's `match` profile must be a member and its `miss`
// profile must not. Everything created carries a unique prefix and is deleted afterwards.

const DAY_MS = 86_400_000;
const prefix = `${unique('rules')}-`;
const { cases, lookup, catalog } = ruleWorld(prefix);
const table = Object.entries(cases) as Array<[string, RuleCase]>;
const now = Date.now();

let db: TestDb;

/** Whole numbers as Neo4j integers, as stored data has them (rule parameters arrive as floats). */
function stored(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return int(value);
  if (Array.isArray(value)) return value.map(stored);
  return value;
}

async function createCatalog(): Promise<void> {
  for (const product of catalog) {
    const paths = categoryAncestry(product.category);
    await db.cypher(
      `UNWIND range(0, size($paths) - 1) AS i
       MERGE (c:Category {path: $paths[i]})
       WITH c, i WHERE i > 0
       MATCH (parent:Category {path: $paths[i - 1]})
       MERGE (c)-[:CHILD_OF]->(parent)`,
      { paths },
    );
    await db.cypher(
      `MATCH (c:Category {path: $category})
       MERGE (p:Product {id: $id})
       MERGE (p)-[:IN_CATEGORY]->(c)`,
      { id: product.id, category: product.category },
    );
  }
}

async function createProfile(id: string, fixture: ProfileFixture): Promise<void> {
  await db.cypher(
    `CREATE (p:Profile {id: $id})
     SET p += $props
     CREATE (p)<-[:IN]-(u:Identifier {namespace: 'user_id', value: $id})
     FOREACH (ns IN $namespaces | CREATE (p)<-[:IN]-(:Identifier {namespace: ns, value: $id}))
     FOREACH (t IN $tags | MERGE (tag:Tag {id: t.id}) CREATE (p)-[:HAS_TAG {score: t.score, since: $now}]->(tag))
     WITH u
     UNWIND $interactions AS x
     CREATE (u)-[:DID]->(it:Interaction {id: x.id, event: x.event, at: x.at, value: x.value, productId: x.productId})
     WITH it, x WHERE x.productId IS NOT NULL
     MATCH (product:Product {id: x.productId})
     CREATE (it)-[:ON]->(product)`,
    {
      id,
      now: int(now),
      props: Object.fromEntries(
        Object.entries(fixture.props ?? {}).map(([key, value]) => [key, stored(value)]),
      ),
      namespaces: fixture.identifiers ?? [],
      tags: (fixture.tags ?? []).map((tag) => ({ id: tag.id, score: tag.score ?? null })),
      interactions: (fixture.interactions ?? []).map((x, i) => ({
        id: `${id}-x${i}`,
        event: x.event,
        at: int(now - x.daysAgo * DAY_MS),
        value: x.value ?? null,
        productId: x.product ?? null,
      })),
    },
  );
}

beforeAll(async () => {
  db = await openTestDb();
  await createCatalog();
  for (const [name, c] of table) {
    if (c.match) await createProfile(`${prefix}${name}-match`, c.match);
    if (c.miss) await createProfile(`${prefix}${name}-miss`, c.miss);
  }
});

afterAll(async () => {
  if (!db) return;
  await db.cypher(
    `MATCH (p:Profile) WHERE p.id STARTS WITH $prefix
     OPTIONAL MATCH (p)<-[:IN]-(i:Identifier)
     OPTIONAL MATCH (i)-[:DID]->(x:Interaction)
     DETACH DELETE p, i, x`,
    { prefix },
  );
  await db.cypher('MATCH (t:Tag) WHERE t.id STARTS WITH $prefix DETACH DELETE t', { prefix });
  await db.cypher('MATCH (p:Product) WHERE p.id STARTS WITH $prefix DETACH DELETE p', { prefix });
  await db.cypher('MATCH (c:Category) WHERE c.path STARTS WITH $prefix DETACH DELETE c', { prefix });
  await db.close();
});

function compiled(c: RuleCase): CompiledRule {
  return compileRule(c.rule, lookup);
}

describe('every compiled rule', () => {
  it.each(table)('%s plans against the real database (EXPLAIN)', async (_name, c) => {
    const { predicate, params } = compiled(c);
    await expect(
      db.cypher(`EXPLAIN MATCH (p:Profile) WHERE ${predicate} RETURN p.id`, { ...params, now }),
    ).resolves.toBeDefined();
  });
});

describe('membership on a tiny graph', () => {
  const withFixtures = table.filter(([, c]) => c.match && c.miss);

  it('covers every case of the table', () => {
    expect(withFixtures.map(([name]) => name)).toEqual(table.map(([name]) => name));
  });

  it.each(withFixtures)('%s: the profile built to match is a member, the other is not', async (name, c) => {
    const { predicate, params } = compiled(c);
    const ids = [`${prefix}${name}-match`, `${prefix}${name}-miss`];
    // As a projection: true or false, never null (NOT must not swallow a missing property).
    const rows = await db.cypher(
      `MATCH (p:Profile) WHERE p.id IN $ids RETURN p.id AS id, ${predicate} AS member ORDER BY id`,
      { ...params, now, ids },
    );
    expect(Object.fromEntries(rows.map((row) => [row.id, row.member]))).toEqual({
      [ids[0]!]: true,
      [ids[1]!]: false,
    });
    // As a filter, the way segment refreshes use it.
    const members = await db.cypher(
      `MATCH (p:Profile) WHERE p.id IN $ids AND (${predicate}) RETURN p.id AS id`,
      {
        ...params,
        now,
        ids,
      },
    );
    expect(members.map((row) => row.id)).toEqual([ids[0]]);
  });
});
