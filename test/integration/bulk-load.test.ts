import { bulkLoad } from '../../src/bulk/bulk-load';
import { batches } from '../../src/demo/demo';
import { generateEvents } from '../../src/demo/generator';
import { openTestDb, wipe, type TestDb } from '../helpers/neo4j';

// The bulk load must build the graph ingestion builds from the same events. Both loads run at the same
// fixed time, with the same tags and segments; profiles are compared by their members (ids are random).
const NOW = Date.UTC(2026, 9, 1, 12);
const events = () => generateEvents({ people: 70, seed: 21, now: NOW, sharedDeviceRate: 0.1 });

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb({}, { clock: () => NOW });
});
afterAll(async () => {
  await db.services.jobs.idle();
  await db.close();
});

async function prepare(): Promise<void> {
  await wipe(db);
  await db.services.tags.installDefaults();
  await db.services.segments.create('Buyers', { event: 'Order Completed' });
  await db.services.segments.create('Recent visitors in Shanghai', {
    all: [{ trait: 'city', eq: 'Shanghai' }, { withinDays: 30 }],
  });
  await db.services.jobs.idle();
}

/** The graph in a form that does not depend on profile ids or on the order things were written in. */
async function snapshot(): Promise<Record<string, unknown>> {
  const rows = async (text: string) => (await db.cypher(text)).map((row) => JSON.stringify(row)).sort();
  const profiles = await db.cypher(
    `MATCH (p:Profile)<-[:IN]-(i:Identifier)
     WITH p, i ORDER BY i.namespace, i.value
     WITH p, collect(i.namespace + ':' + i.value) AS members
     OPTIONAL MATCH (p)-[r:HAS_TAG]->(t:Tag) WHERE NOT t.id STARTS WITH 'tag-cluster-'
     WITH p, members, t, r ORDER BY t.id
     WITH p, members, collect(t.id + '=' + coalesce(toString(round(r.score, 3)), '-')) AS tags
     OPTIONAL MATCH (p)-[:MEMBER_OF]->(s:Segment)
     WITH p, members, tags, s ORDER BY s.name
     RETURN members, tags, collect(s.name) AS segments, p.traits AS traits, p.lifecycleStage AS stage,
       p.orders AS orders, p.monetary AS monetary, p.size AS size, p.firstSeen AS firstSeen, p.lastSeen AS lastSeen,
       COUNT { (p)-[:ENGAGED]->() } AS engaged, p.embedding IS NOT NULL AS embedded`,
  );
  return {
    profiles: profiles.map((row) => JSON.stringify(row)).sort(),
    identifiers: await rows(
      'MATCH (i:Identifier) RETURN i.namespace AS ns, i.value AS v, i.kind AS kind, i.firstSeen AS first, i.lastSeen AS last, i.shared AS shared, i.conflicts AS conflicts, i.traits AS traits, COUNT { (i)-[:DID]->() } AS did, COUNT { (i)-[:SHARED_IN]->() } AS sharedIn',
    ),
    links: await rows(
      'MATCH (a)-[l:LINKED]->(b) RETURN a.value AS a, b.value AS b, l.at AS at, l.lastAt AS lastAt, l.messageId AS m, l.type AS type, l.count AS count',
    ),
    events: await rows(
      'MATCH (e:Event) RETURN e.messageId AS m, e.type AS type, e.at AS at, COUNT { (e)-[:CARRIED]->() } AS carried',
    ),
    interactions: await rows(
      'MATCH (x:Interaction) OPTIONAL MATCH (x)-[:ON]->(p:Product) RETURN x.id AS id, x.event AS e, x.at AS at, x.value AS v, p.id AS product',
    ),
    products: await rows(
      'MATCH (p:Product) OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c) RETURN p.id AS id, p.name AS name, p.price AS price, c.path AS category',
    ),
  };
}

describe('bulk load', () => {
  it('builds the same graph as ingesting the same events', async () => {
    await prepare();
    for (const batch of batches(events(), 400)) await db.services.ingest.ingest(batch);
    await db.services.recommendations.refresh(false);
    await db.services.jobs.idle();
    const ingested = await snapshot();

    await prepare();
    const phases = new Set<string>();
    const report = await bulkLoad(db.services, db.executor, events, {
      batchSize: 500,
      progress: (phase) => phases.add(phase),
    });
    const loaded = await snapshot();

    expect(report.events).toBe((ingested.events as string[]).length);
    expect([...phases]).toEqual(
      expect.arrayContaining(['scan', 'identifiers', 'links', 'profiles', 'events', 'settle']),
    );
    for (const key of Object.keys(ingested)) expect([key, loaded[key]]).toEqual([key, ingested[key]]);
  });

  it('refuses to load into a graph that holds data', async () => {
    await expect(bulkLoad(db.services, db.executor, events)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
  });
});
