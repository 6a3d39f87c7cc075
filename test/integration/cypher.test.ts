import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cypherRoot } from '../../src/db/cypher';
import { EMPTY_PLAN, type ViewPlan } from '../../src/profiles/profile-view';
import { composeView } from '../../src/profiles/profile-view-statement';
import { LEAN_RECORDS, TYPICAL_VIEW_PLAN } from '../helpers/view-plans';
import { namedQueryFiles } from '../helpers/cypher-files';
import { openTestDb, type TestDb } from '../helpers/neo4j';

const files = namedQueryFiles();

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

describe('every named query', () => {
  it.each(files)('%s compiles against the real database (EXPLAIN)', async (file) => {
    const text = readFileSync(join(cypherRoot, file), 'utf8');
    const params = Object.fromEntries(
      [...text.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => [m[1], null]),
    );
    await expect(db.cypher(`EXPLAIN ${text}`, params)).resolves.toBeDefined();
  });
});

describe('the composed profile view', () => {
  const all = TYPICAL_VIEW_PLAN;
  const page = all.interactions!;
  const lean = LEAN_RECORDS;
  // Each part off, each record whole, each option of the page on its own, and everything at once.
  const plans: Array<[string, ViewPlan]> = [
    ['nothing but the profile', EMPTY_PLAN],
    ['every part lean', all],
    ...(['identifiers', 'tags', 'segments'] as const).map((part): [string, ViewPlan] => [
      `without ${part}`,
      { ...all, [part]: false },
    ]),
    ['without interactions', { ...all, interactions: null }],
    ...(['profile', 'identifiers', 'tags', 'segments'] as const).map((record): [string, ViewPlan] => [
      `${record} whole`,
      { ...all, whole: { ...lean, [record]: true } },
    ]),
    ['segment sizes', { ...all, whole: { ...lean, segments: true }, segmentSize: true }],
    ['a later page', { ...all, interactions: { ...page, after: { at: 1, id: 'x' } } }],
    ['the count', { ...all, interactions: { ...page, count: true } }],
    ['properties', { ...all, interactions: { ...page, properties: true } }],
    ['no products', { ...all, interactions: { ...page, products: false } }],
    [
      'everything',
      {
        whole: { profile: true, identifiers: true, tags: true, segments: true },
        identifiers: true,
        tags: true,
        segments: true,
        segmentSize: true,
        interactions: { first: 5, after: { at: 1, id: 'x' }, count: true, products: true, properties: true },
      },
    ],
  ];

  it.each(plans)('%s: plans against the real database (EXPLAIN)', async (_, plan) => {
    const params = { keys: [], first: 20, afterAt: 0, afterId: '' };
    await expect(db.cypher(`EXPLAIN ${composeView(plan)}`, params)).resolves.toBeDefined();
  });
});
