import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXED_PLAN, compactCypher, cypherRoot } from '../../src/db/cypher';
import { batches } from '../../src/demo/demo';
import { generateEvents } from '../../src/demo/generator';
import { namedQueryFiles } from '../helpers/cypher-files';
import { openTestDb, wipe, type TestDb } from '../helpers/neo4j';

// A statement that starts with FIXED_PLAN (`CYPHER replan=skip`) keeps the plan Neo4j first made for it, however
// the graph grows. That is right only for a statement whose plan cannot depend on the graph's statistics: every
// branch of it starts from its parameters, a unique key or an element id, and Neo4j plans it the same on an empty
// graph as on a populated one. Both are checked here for every such statement, with plans made afresh
// (`replan=force`) on an empty database and again once it holds a few hundred people's events.

const FORCE = 'CYPHER replan=force';
/** Where a branch of a plan may start without the plan depending on how many nodes there are. */
const ANCHORS = new Set([
  'Argument',
  'Unwind',
  'Create',
  'EmptyRow',
  'NodeUniqueIndexSeek',
  'NodeUniqueIndexSeek(Locking)',
  'NodeByElementIdSeek',
  'DirectedRelationshipByElementIdSeek',
  'UndirectedRelationshipByElementIdSeek',
  'NodeCountFromCountStore',
  'RelationshipCountFromCountStore',
]);

const fixed = namedQueryFiles()
  .map((file) => ({ file, text: compactCypher(readFileSync(join(cypherRoot, file), 'utf8')) }))
  .filter(({ text }) => text.startsWith(`${FIXED_PLAN}\n`));

interface PlanNode {
  operatorType: string;
  arguments: Record<string, unknown>;
  children: PlanNode[];
}
type Shape = [string, string, Shape[]];

/**
 * A plan's operators and what each does, less what does not change the work: the numbers of generated names
 * (and of the operators an Eager's reason names), where properties are read into the row's cache
 * (CacheProperties, placed by estimated row counts), the order in which a Filter tests its conjuncts
 * (by estimated selectivity: the same rows pass), and which side of a CartesianProduct of unique-key seeks comes
 * first (each finds one node at most).
 */
function shape(plan: PlanNode): Shape {
  const children = plan.children.map(shape);
  const operator = plan.operatorType.replace(/@neo4j$/, '');
  if (operator === 'CacheProperties' && children.length === 1) return children[0]!;
  if (
    operator === 'CartesianProduct' &&
    children.every(([op, , below]) => UNIQUE_SEEKS.has(op) && !below.length)
  )
    children.sort((a, b) => a[1].localeCompare(b[1]));
  const details = String(plan.arguments.Details ?? '')
    .replace(/\banon_\d+/g, 'anon')
    .replace(/@\d+`/g, '`')
    .replace(/ \(Operator: [^)]*\)/g, '')
    .replace(/cache\[([^\]]+)\]/g, '$1');
  return [operator, operator === 'Filter' ? conjuncts(details).sort().join(' AND ') : details, children];
}
/**
 * The parts of a predicate joined by AND outside any parentheses or brackets, each without its outer parentheses
 * (the predicate whole when an OR binds at its top).
 */
function conjuncts(predicate: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < predicate.length; i++) {
    const c = predicate[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && (predicate.startsWith(' OR ', i) || predicate.startsWith(' XOR ', i)))
      return [predicate];
    else if (depth === 0 && predicate.startsWith(' AND ', i)) {
      parts.push(predicate.slice(start, i));
      start = i + ' AND '.length;
    }
  }
  parts.push(predicate.slice(start));
  return parts.flatMap((part) => {
    const inner = unwrapped(part.trim());
    return inner === part.trim() ? [inner] : conjuncts(inner);
  });
}
/** A predicate without the parentheses around all of it, if it has them. */
function unwrapped(predicate: string): string {
  if (!predicate.startsWith('(') || !predicate.endsWith(')')) return predicate;
  let depth = 0;
  for (let i = 0; i < predicate.length - 1; i++) {
    if (predicate[i] === '(') depth++;
    else if (predicate[i] === ')') depth--;
    if (depth === 0) return predicate;
  }
  return predicate.slice(1, -1);
}

const leaves = ([operator, , children]: Shape): string[] =>
  children.length === 0 ? [operator] : children.flatMap(leaves);

const UNIQUE_SEEKS = new Set(['NodeUniqueIndexSeek', 'NodeUniqueIndexSeek(Locking)']);

/** Each label's unique key, from the constraints (`FOR (x:Label) REQUIRE x.key IS UNIQUE`, or a composite key). */
const UNIQUE_KEYS = new Map(
  [
    ...readFileSync(join(cypherRoot, 'schema', '001-constraints.cypher'), 'utf8').matchAll(
      /FOR \(\w+:(\w+)\) REQUIRE \(?([\w., ]+?)\)? IS UNIQUE/g,
    ),
  ].map(([, label, key]) => [label!, key!.split(',').map((part) => part.trim().split('.')[1]!)]),
);

/**
 * The node patterns of a statement's MATCH and OPTIONAL MATCH clauses that give a label's whole unique key
 * (`(p:Profile {id: ...})`) without a `USING INDEX SEEK` hint for that node.
 */
function unhintedUniqueLookups(text: string): string[] {
  const missing: string[] = [];
  for (const clause of text.split(
    /(?=\b(?:OPTIONAL MATCH|MATCH|MERGE|WITH|UNWIND|RETURN|CALL|CREATE|SET)\b)/,
  )) {
    if (!/^(OPTIONAL )?MATCH\b/.test(clause)) continue;
    for (const [pattern, variable, label, map] of clause.matchAll(/\((\w*):(\w+) \{([^}]*)\}/g)) {
      const key = UNIQUE_KEYS.get(label!);
      const given = [...map!.matchAll(/(\w+):/g)].map(([, property]) => property!);
      if (!key || !key.every((property) => given.includes(property))) continue;
      if (!variable || !clause.includes(`USING INDEX SEEK ${variable}:${label}(${key.join(', ')})`))
        missing.push(pattern);
    }
  }
  return missing;
}

let db: TestDb;
const empty = new Map<string, Shape>();

async function planned(text: string): Promise<Shape> {
  const session = db.driver.session({ database: db.config.NEO4J_DATABASE });
  try {
    const result = await session.run(`EXPLAIN ${FORCE}\n${text.slice(FIXED_PLAN.length + 1)}`);
    return shape(result.summary.plan as unknown as PlanNode);
  } finally {
    await session.close();
  }
}

beforeAll(async () => {
  db = await openTestDb();
  await wipe(db);
  for (const { file, text } of fixed) empty.set(file, await planned(text));
  await db.services.tags.installDefaults();
  const events = [...generateEvents({ people: 200, seed: 5, now: Date.now() })];
  for (const batch of batches(events, 500)) await db.services.ingest.ingest(batch);
  await db.services.jobs.idle();
});
afterAll(async () => {
  await db.services.jobs.idle();
  await db.close();
});

describe('statements with a fixed plan', () => {
  it('include the ingestion and settling statements that are planned most often as the graph grows', () => {
    expect(fixed.map(({ file }) => file)).toEqual(
      expect.arrayContaining([
        'ingest/claim-events.cypher',
        'ingest/create-interactions.cypher',
        'identity/load-component.cypher',
        'audiences/apply-segment-changes.cypher',
        'recommendations/engagement-inputs.cypher',
        'recommendations/write-engagement.cypher',
      ]),
    );
  });

  it.each(fixed.map(({ file }) => file))('%s starts every branch from an anchor', (file) => {
    const outside = leaves(empty.get(file)!).filter((operator) => !ANCHORS.has(operator));
    expect(outside).toEqual([]);
  });

  // Planned while Neo4j's index samples lag behind its counts (a graph filled before the background sampler ran,
  // as after a bulk load; the suite's shared database once was), a lookup by a unique key was planned as a scan
  // of the whole index under each row; kept, that plan would stay. A seek hint leaves the planner no such choice.
  // (To plan with lagging samples throughout: NEO4J_SETTINGS=db.index_sampling.background_enabled=false.)
  it.each(fixed)('$file seeks every node it matches by a unique key with a hint', ({ text }) => {
    expect(unhintedUniqueLookups(text)).toEqual([]);
  });

  it.each(fixed)('$file is planned the same on an empty and on a populated graph', async ({ file, text }) => {
    expect(await planned(text)).toEqual(empty.get(file));
  });
});
