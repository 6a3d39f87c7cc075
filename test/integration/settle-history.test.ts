import type { TestEvent } from '../helpers/events';
import { messageId } from '../helpers/events';
import { openTestDb, unique, wipe, type TestDb } from '../helpers/neo4j';

// A long-lived profile is settled from the interactions settling needs (the rules' and interest windows, orders
// and the events rules count over all time, the engagement step's newest 1,100), not from its whole history; and
// its engagement step reads only the ENGAGED edges of the products a new interaction changes.
// What is read depends on every rule in the database, so the file starts from an empty one (another file's
// segment on views of all time would make every view needed).

const DAY = 86_400_000;
let db: TestDb;
/** How many interactions each settle's derive step read, by profile id (a settle step placed after it). */
const read = new Map<string, number>();
/** How many ENGAGED edges each settle's engagement step passed on to the embeddings step, by profile id. */
const passed = new Map<string, number>();
/** What the engagement step's last read gave, by profile id (observed, not replaced). */
const engagementRead = new Map<string, { incremental: boolean; products: string[] }>();

beforeAll(async () => {
  db = await openTestDb();
  await wipe(db);
  await db.services.tags.installDefaults();
  const repository = db.services.repositories.recommendations;
  const engagementInputs = repository.engagementInputs.bind(repository);
  jest.spyOn(repository, 'engagementInputs').mockImplementation(async (...args) => {
    const rows = await engagementInputs(...args);
    for (const row of rows) {
      const products = row.engaged.map((e) => e.productId).sort();
      engagementRead.set(row.id, { incremental: row.incremental, products });
    }
    return rows;
  });
  db.services.changes.addStep('test-probe', async (_tx, ids, _now, _scope, memo) => {
    for (const id of ids) {
      read.set(id, memo?.interactions?.get(id)?.length ?? -1);
      passed.set(id, memo?.engaged?.get(id)?.length ?? -1);
    }
  });
});
afterAll(async () => {
  await db.services.jobs.idle();
  await db.close();
});

const u = unique('history');
const user = `${u}-user`;
const now = Date.now();
const at = (ms: number) => new Date(ms).toISOString();
const product = (i: number) => ({
  product_id: `${u}-p${i % 40}`,
  name: `Shoe ${i % 40}`,
  category: i % 2 === 0 ? 'Sports/Running' : 'Home/Kitchen',
  price: 20,
});
const view = (time: number, i: number): TestEvent => ({
  type: 'track',
  event: 'Product Viewed',
  messageId: messageId(),
  userId: user,
  timestamp: at(time),
  properties: product(i),
});

/** 1,500 views from 700 to 400 days ago, 3 orders 500 days ago, a sign-up 600 days ago, 3 views this week. */
function history(): TestEvent[] {
  const events: TestEvent[] = [];
  for (let i = 0; i < 1500; i += 1) events.push(view(now - 700 * DAY + (i * 300 * DAY) / 1500, i));
  for (let i = 0; i < 3; i += 1) {
    const line = { ...product(i), quantity: 1, price: 100 + i };
    events.push({
      type: 'track',
      event: 'Order Completed',
      messageId: messageId(),
      userId: user,
      timestamp: at(now - (500 - i) * DAY),
      properties: { order_id: `${u}-o${i}`, total: line.price, revenue: line.price, products: [line] },
    });
  }
  events.push({
    type: 'track',
    event: 'Signed Up',
    messageId: messageId(),
    userId: user,
    timestamp: at(now - 600 * DAY),
  });
  for (let i = 0; i < 3; i += 1) events.push(view(now - 3 * DAY + i * 3_600_000, 1600 + i));
  return events;
}

async function profileId(): Promise<string> {
  const [row] = await db.cypher(
    `MATCH (:Identifier {namespace: 'user_id', value: $user})-[:IN]->(p:Profile) RETURN p.id AS id`,
    { user },
  );
  return row!.id as string;
}

async function segments(id: string): Promise<string[]> {
  const [row] = await db.cypher(
    `MATCH (p:Profile {id: $id})
     RETURN COLLECT { MATCH (p)-[:MEMBER_OF]->(s) RETURN s.name AS name ORDER BY name } AS names`,
    { id },
  );
  return row!.names as string[];
}

/** What settling derived from the interactions: order figures, tags (with scores), engagement, embedding. */
async function derived(id: string) {
  const [row] = await db.cypher(
    `MATCH (p:Profile {id: $id})
     RETURN p.orders AS orders, p.monetary AS monetary, p.lastOrderAt AS lastOrderAt, p.aov AS aov,
       p.embedding AS embedding,
       COLLECT { MATCH (p)-[r:HAS_TAG]->(t) RETURN [t.id, r.score] AS tag ORDER BY tag[0] } AS tags,
       COLLECT {
         MATCH (p)-[e:ENGAGED]->(x)
         RETURN [x.id, e.weight, e.purchases, e.carts, e.views, e.lastAt] AS edge ORDER BY edge[0]
       } AS engaged`,
    { id },
  );
  return row!;
}

/** The profile's engagement as the engagement step computes it from its own read (the settle's dropped). */
async function engagementFromItsOwnRead(id: string): Promise<unknown> {
  await db.cypher('MATCH (:Profile {id: $id})-[e:ENGAGED]->() DELETE e', { id });
  await db.executor.writeTx('test.engagement', (tx) =>
    db.services.recommendations.settle(tx, [id], Date.now()),
  );
  return (await derived(id)).engaged;
}

/** The profile's embedding as the embeddings step computes it reading the ENGAGED edges itself. */
async function embeddingFromItsOwnRead(id: string): Promise<unknown> {
  await db.cypher('MATCH (p:Profile {id: $id}) SET p.embedding = null', { id });
  await db.executor.writeTx('test.embedding', (tx) => db.services.lookalikes.settle(tx, [id], Date.now()));
  return (await derived(id)).embedding;
}

const orderFigures = { orders: 3, monetary: 303, lastOrderAt: now - 498 * DAY, aov: 101 };

describe('settling a profile with a long history', () => {
  it('reads what the rules, the models and the engagement step need, and derives what all of it gives', async () => {
    await db.services.segments.create('ever signed up', { event: 'Signed Up' });
    await db.services.segments.create('viewed this week', { event: 'Product Viewed', withinDays: 7 });
    await db.services.jobs.idle();
    const events = history();
    for (let i = 0; i < events.length; i += 500) await db.services.ingest.ingest(events.slice(i, i + 500));
    await db.services.ingest.ingest([view(now - DAY, 1700)]);
    const id = await profileId();

    // 1,508 interactions; read: the newest 1,100 views and orders (the engagement step's window of 1,000 and a
    // tenth more; the 3 orders, 500 days ago, are among them) and the sign-up (a segment counts it over all
    // time): 1,101.
    expect(read.get(id)).toBe(1101);
    // The last view (of product 1700 % 40 = 20) pushed the oldest of the window out (a view of product
    // 506 % 40 = 26): the edges of those two products were read, not all 40.
    expect(engagementRead.get(id)).toEqual({ incremental: true, products: [`${u}-p20`, `${u}-p26`] });
    expect(await segments(id)).toEqual(['ever signed up', 'viewed this week']);
    const bounded = await derived(id);
    expect(bounded).toMatchObject(orderFigures);
    expect((bounded.tags as Array<[string]>).map(([tag]) => tag)).toEqual(
      expect.arrayContaining(['tag-interest-home', 'tag-interest-sports']),
    );
    expect((bounded.engaged as unknown[]).length).toBe(40);
    // The embeddings step took the 40 edges from the engagement step instead of reading them, to the same end.
    expect(passed.get(id)).toBe(40);
    expect((bounded.embedding as number[]).length).toBeGreaterThan(0);
    expect(await embeddingFromItsOwnRead(id)).toEqual(bounded.embedding);
    expect(await engagementFromItsOwnRead(id)).toEqual(bounded.engaged);

    // A rule counting views of all time: every interaction is read, and the figures are the same.
    await db.services.segments.create('viewed 1,500 times', {
      event: 'Product Viewed',
      count: { gte: 1500 },
    });
    await db.services.jobs.idle();
    for (const i of [1701, 1702]) {
      await db.services.ingest.ingest([view(now - DAY + i, i)]);
      expect(read.get(id)).toBe(1509 + (i - 1701));
      expect(await segments(id)).toEqual(['ever signed up', 'viewed 1,500 times', 'viewed this week']);
      const all = await derived(id);
      expect(all).toMatchObject(orderFigures);
      expect(await engagementFromItsOwnRead(id)).toEqual(all.engaged);
    }
  });

  it('counts no interaction for a profile that has none (it used to read one of nulls, which "any event" matched)', async () => {
    const quiet = `${u}-quiet`;
    await db.services.segments.create('did anything', { count: { gte: 1 } });
    await db.services.segments.create('never did anything', { not: { count: { gte: 1 } } });
    await db.services.jobs.idle();
    await db.services.ingest.ingest([
      {
        type: 'identify',
        messageId: messageId(),
        userId: quiet,
        traits: { plan: 'crm-only' },
        timestamp: at(now),
      },
    ]);
    const [row] = await db.cypher(
      `MATCH (:Identifier {namespace: 'user_id', value: $quiet})-[:IN]->(p:Profile)
       RETURN p.id AS id, COUNT { (p)<-[:IN]-(:Identifier)-[:DID]->() } AS interactions`,
      { quiet },
    );
    expect(row!.interactions).toBe(0);
    expect(read.get(row!.id as string)).toBe(0);
    expect(await segments(row!.id as string)).toEqual(['never did anything']);
  });
});
