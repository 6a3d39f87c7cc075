import { identify, messageId, page, track } from '../helpers/events';
import { openTestDb, unique, type TestDb } from '../helpers/neo4j';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

const profileOf = (namespace: string, value: string) => db.profileOf(namespace, value);

describe('ingestion', () => {
  it('commits accepted events before answering and applies a repeated messageId once', async () => {
    const u = unique('u');
    const event = track('Product Viewed', { userId: u, properties: { product_id: `${u}-p`, price: 10 } });
    expect(await db.services.ingest.ingest([event])).toEqual({
      accepted: 1,
      duplicates: 0,
      suppressed: 0,
      rejected: [],
    });
    expect(await db.services.ingest.ingest([event, event])).toEqual({
      accepted: 0,
      duplicates: 2,
      suppressed: 0,
      rejected: [],
    });
    const rows = await db.cypher(
      'MATCH (:Identifier {namespace: "user_id", value: $u})-[:DID]->(x:Interaction) RETURN count(x) AS n',
      { u },
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('rejects bad events by index and reason without blocking the rest', async () => {
    const u = unique('u');
    const result = await db.services.ingest.ingest([
      track('Ok', { userId: u }),
      { type: 'track', event: 'No id', userId: u },
      track('No person', {}),
      track('Bad time', { userId: u, timestamp: 'last tuesday' }),
      track('Too big', { userId: u, properties: { blob: 'x'.repeat(33 * 1024) } }),
      page({ anonymousId: `${u}-anon` }),
    ]);
    expect(result.accepted).toBe(2);
    expect(result.rejected).toEqual([
      { index: 1, messageId: null, reason: 'messageId is required' },
      { index: 2, messageId: expect.any(String), reason: 'userId or anonymousId is required' },
      {
        index: 3,
        messageId: expect.any(String),
        reason: expect.stringMatching(/^timestamp is not an ISO-8601/),
      },
      { index: 4, messageId: expect.any(String), reason: expect.stringMatching(/limit is 32\.0 KB/) },
    ]);
    expect(await profileOf('user_id', u)).not.toBeNull();
  });

  it('keeps the newest trait values whatever order identify calls arrive in', async () => {
    const u = unique('u');
    await db.services.ingest.ingest([
      identify({ userId: u, day: 5, traits: { city: 'Chengdu', plan: 'pro' } }),
    ]);
    await db.services.ingest.ingest([identify({ userId: u, day: 1, traits: { city: 'Wuhan', age: 30 } })]);
    expect((await profileOf('user_id', u))?.traits).toEqual({ city: 'Chengdu', plan: 'pro', age: 30 });
  });

  it('creates products with their category path from e-commerce events, newest description winning', async () => {
    const u = unique('u');
    const p = `${u}-shoe`;
    await db.services.ingest.ingest([
      track('Product Viewed', {
        userId: u,
        day: 2,
        properties: {
          product_id: p,
          name: 'Trail Shoe v2',
          price: 120,
          category: 'Sports > Running > Shoes',
        },
      }),
      track('Product Viewed', {
        userId: u,
        day: 1,
        properties: { product_id: p, name: 'Trail Shoe', price: 99, category: 'Sports/Running/Shoes' },
      }),
      track('Order Completed', {
        userId: u,
        day: 3,
        properties: {
          order_id: `${u}-o`,
          products: [
            { product_id: p, price: 120, quantity: 2 },
            { product_id: `${p}-sock`, price: 5, category: 'Sports/Running/Socks' },
          ],
        },
      }),
    ]);
    const [product] = await db.services.repositories.products.byIds([p]);
    expect(product).toEqual({
      id: p,
      name: 'Trail Shoe v2',
      category: 'Sports/Running/Shoes',
      price: 120,
      brand: null,
    });
    const tree = await db.cypher(
      'MATCH (:Product {id: $p})-[:IN_CATEGORY]->(c:Category)-[:CHILD_OF*0..]->(up:Category) RETURN up.path AS path ORDER BY size(up.path) DESC',
      { p },
    );
    expect(tree.map((r) => r.path)).toEqual(['Sports/Running/Shoes', 'Sports/Running', 'Sports']);
    const lines = await db.cypher(
      'MATCH (x:Interaction {event: "Order Completed"})-[:ON]->(p:Product) WHERE x.orderId = $o RETURN p.id AS p, x.quantity AS q, x.value AS v ORDER BY p',
      { o: `${u}-o` },
    );
    expect(lines).toEqual([
      { p, q: 2, v: 240 },
      { p: `${p}-sock`, q: 1, v: 5 },
    ]);
  });

  it('applies each event once when the same batch is sent concurrently', async () => {
    const u = unique('u');
    const batch = Array.from({ length: 30 }, (_, i) =>
      track('Clicked', { userId: u, anonymousId: `${u}-a${i % 3}`, minute: i }),
    );
    const results = await Promise.all([1, 2, 3].map(() => db.services.ingest.ingest(batch)));
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(30);
    expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(60);
    // One profile holding the account and its three devices.
    const rows = await db.cypher(
      'MATCH (:Identifier {namespace: "user_id", value: $u})-[:IN]->(p) MATCH (p)<-[:IN]-(i) RETURN count(i) AS n',
      { u },
    );
    expect(rows[0]!.n).toBe(4);
  });

  it('concurrent requests about the same products, tags and segments neither deadlock nor half-apply', async () => {
    // No retries: a deadlock between two requests would fail one of them here instead of being retried.
    const strict = await openTestDb({ NEO4J_RETRY_MS: '1' });
    try {
      await strict.services.tags.installDefaults();
      const u = unique('rush');
      await strict.services.segments.create(`${u} buyers`, { event: 'Order Completed', count: { gte: 1 } });
      await strict.services.jobs.idle();
      const products = [1, 2, 3].map((n) => ({
        product_id: `${u}-p${n}`,
        name: `Shoe ${n}`,
        category: n === 3 ? 'Sports/Running' : 'Sports',
        price: 10 * n,
      }));
      const request = (r: number) =>
        Array.from({ length: 12 }, (_, i) => {
          const userId = `${u}-r${r}-${i % 4}`;
          return i % 3 === 2
            ? track('Order Completed', {
                userId,
                minute: i,
                properties: { order_id: `${u}-${r}-${i}`, total: 60, products: [...products].reverse() },
              })
            : track('Product Viewed', { userId, minute: i, properties: products[(r + i) % 3] });
        });
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, r) => strict.services.ingest.ingest(request(r))),
      );
      expect(results.map((r) => r.accepted)).toEqual(Array(8).fill(12));
      const [counts] = await strict.cypher(
        `MATCH (i:Identifier {namespace: 'user_id'})-[:IN]->(p:Profile) WHERE i.value STARTS WITH $u
         WITH collect(p) AS people
         RETURN size(people) AS people,
           size([p IN people WHERE EXISTS { (p)-[:MEMBER_OF]->(:Segment {name: $segment}) }]) AS buyers,
           COUNT { (:Identifier)-[:DID]->(x:Interaction)-[:ON]->(:Product) WHERE x.productId STARTS WITH $u } AS interactions`,
        { u, segment: `${u} buyers` },
      );
      expect(counts).toEqual({ people: 32, buyers: 32, interactions: 8 * (8 + 4 * 3) });
    } finally {
      await strict.services.jobs.idle();
      await strict.close();
    }
  });

  it('counts duplicates within one request', async () => {
    const event = track('Twice', { userId: unique('u'), messageId: messageId('dup') });
    expect(await db.services.ingest.ingest([event, event])).toEqual({
      accepted: 1,
      duplicates: 1,
      suppressed: 0,
      rejected: [],
    });
  });
});
