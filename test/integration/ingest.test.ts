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
           COUNT { (:Identifier)-[:DID]->(x:Interaction)-[:ON]->(:Product) WHERE x.productId STARTS WITH $u } AS interactions,
           size([p IN people WHERE any(k IN keys(p) WHERE k IN ['_LOCK_', 'lockedAt'])]) AS marked`,
        { u, segment: `${u} buyers` },
      );
      // The profiles were write-locked by every settle (and tag and segment write) without a value being written.
      expect(counts).toEqual({ people: 32, buyers: 32, interactions: 8 * (8 + 4 * 3), marked: 0 });
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

describe('storing and settling in rounds', () => {
  /** Unsettled records holding any key that starts with `prefix`. */
  const recordsWith = async (prefix: string) =>
    (
      await db.cypher(
        'MATCH (x:Unsettled) WHERE any(k IN x.keys WHERE k STARTS WITH $prefix) RETURN x.keys AS keys',
        { prefix },
      )
    ).map((r) => r.keys as string[]);

  /** Another instance on the same database whose settle step fails while `failing()` says so. */
  async function flakyInstance(failing: () => boolean): Promise<TestDb> {
    const flaky = await openTestDb();
    flaky.services.changes.addStep('test-failure', async () => {
      if (failing()) throw new Error('settling refused by the test');
    });
    return flaky;
  }

  async function eventually(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`still not so after ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('stores concurrent requests in one round and settles every profile before any answers', async () => {
    const u = unique('round');
    const { result, queries } = await db.countQueries(() =>
      Promise.all(
        Array.from({ length: 12 }, (_, r) =>
          db.services.ingest.ingest([
            identify({ userId: `${u}-${r}`, anonymousId: `${u}-a${r}`, traits: { plan: `p${r}` } }),
            track('Clicked', { userId: `${u}-${r}`, minute: 1 }),
          ]),
        ),
      ),
    );
    expect(result.map((r) => r.accepted)).toEqual(Array(12).fill(2));
    // One storing transaction claimed all 24 events; the settling ones restitched every identifier.
    expect(queries.filter((q) => q.query === 'ingest.claimEvents').map((q) => q.rows)).toEqual([24]);
    const [joined] = await db.cypher(
      `MATCH (i:Identifier {namespace: 'user_id'})-[:IN]->(p:Profile)<-[:IN]-(a:Identifier {namespace: 'anonymous_id'})
       WHERE i.value STARTS WITH $u AND a.value = replace(i.value, $u + '-', $u + '-a')
       RETURN count(*) AS n, collect(DISTINCT p.traits CONTAINS 'plan') AS withTraits`,
      { u },
    );
    expect(joined).toEqual({ n: 12, withTraits: [true] });
    expect(await recordsWith(`user_id:${u}`)).toEqual([]);
  });

  it('a failed settle keeps the events and their record, answers the request, and is tried again', async () => {
    let failures = 1;
    const flaky = await flakyInstance(() => failures-- > 0);
    try {
      const u = unique('flaky');
      expect(await flaky.services.ingest.ingest([track('Clicked', { userId: u })])).toMatchObject({
        accepted: 1,
      });
      // Stored (the interaction is there), not settled (no profile yet), and recorded as such.
      const [stored] = await db.cypher(
        'MATCH (i:Identifier {namespace: "user_id", value: $u}) RETURN COUNT { (i)-[:DID]->() } AS did, COUNT { (i)-[:IN]->() } AS inProfile',
        { u },
      );
      expect(stored).toEqual({ did: 1, inProfile: 0 });
      expect(await recordsWith(`user_id:${u}`)).toEqual([[`user_id:${u}`]]);
      expect(flaky.services.ingest.backlog()).toEqual({
        requestsToStore: 0,
        identifiersToSettle: 0,
        settlesToRetry: 1,
      });
      // The retry (a second later) settles it and drops the record.
      await eventually(async () => (await db.profileOf('user_id', u)) !== null);
      await eventually(async () => (await recordsWith(`user_id:${u}`)).length === 0);
      expect(flaky.services.ingest.backlog().settlesToRetry).toBe(0);
    } finally {
      await flaky.close();
    }
  });

  it('events a stopped process stored but never settled are settled by another from their record', async () => {
    const broken = await flakyInstance(() => true);
    const u = unique('stopped');
    try {
      await broken.services.ingest.ingest([
        identify({ userId: u, anonymousId: `${u}-a`, traits: { name: 'Left Over' } }),
      ]);
    } finally {
      await broken.close();
    }
    expect(await recordsWith(`user_id:${u}`)).toEqual([[`anonymous_id:${u}-a`, `user_id:${u}`]]);
    expect(await db.profileOf('user_id', u)).toBeNull();
    // The scheduler's sweep leaves records younger than its grace period alone.
    await db.services.ingest.settleLeftovers(0);
    expect(await recordsWith(`user_id:${u}`)).toHaveLength(1);
    expect(await db.services.ingest.settleLeftovers(Date.now() + 1)).toBeGreaterThanOrEqual(1);
    const profile = await db.profileOf('anonymous_id', `${u}-a`);
    expect(profile?.id).toBe((await db.profileOf('user_id', u))?.id);
    expect(await recordsWith(`user_id:${u}`)).toEqual([]);
  });

  it("erasing a profile removes its identifiers' keys from records not settled yet", async () => {
    const u = unique('erase');
    await db.services.ingest.ingest([identify({ userId: u, anonymousId: `${u}-a` })]);
    const broken = await flakyInstance(() => true);
    try {
      await broken.services.ingest.ingest([
        track('Clicked', { userId: u }),
        track('Clicked', { userId: `${u}-other` }),
      ]);
    } finally {
      await broken.close();
    }
    expect(await recordsWith(`user_id:${u}`)).toEqual([[`user_id:${u}`, `user_id:${u}-other`]]);
    const profile = await db.profileOf('user_id', u);
    expect(await db.services.privacy.forget(profile!.id, null)).toBe(true);
    expect(await recordsWith(`user_id:${u}`)).toEqual([[`user_id:${u}-other`]]);
    await db.services.ingest.settleLeftovers(Date.now() + 1);
    expect(await recordsWith(`user_id:${u}`)).toEqual([]);
  });
});
