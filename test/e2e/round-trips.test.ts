import { track } from '../helpers/events';
import { unique, wipe, openTestDb, type TestDb } from '../helpers/neo4j';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  await wipe(db);
  server = await startTestServer();
  const events = [];
  for (let person = 0; person < 25; person += 1) {
    const u = unique(`rt${person}`);
    for (let i = 0; i < 25; i += 1) {
      events.push(
        track('Product Viewed', {
          userId: u,
          anonymousId: `${u}-a${i % 3}`,
          day: i,
          properties: { product_id: `rt-p${(person + i) % 40}`, price: i },
        }),
      );
    }
  }
  await server.portrait.services.ingest.ingest(events);
});
afterAll(async () => {
  await server.close();
  await db.close();
});

const query = (n: number) => `{
  profiles(first: ${n}) {
    totalCount
    edges { node {
      id mergedIds traits
      identifiers { namespace value kind }
      interactions(first: 20) { totalCount edges { node { event at product { id name price } } } }
    } }
  }
}`;

async function roundTrips(
  n: number,
): Promise<{ statements: string[]; profiles: number; interactions: number }> {
  const statements: string[] = [];
  const stop = await capture(statements);
  try {
    const { body } = await server.gql<{
      profiles: { edges: Array<{ node: { interactions: { edges: unknown[] } } }> };
    }>(query(n));
    const edges = body.data!.profiles.edges;
    return {
      statements,
      profiles: edges.length,
      interactions: edges.reduce((sum, e) => sum + e.node.interactions.edges.length, 0),
    };
  } finally {
    stop();
  }
}

/**
 * Records the statements run from now on. Audit entries of earlier requests are written first: they are
 * flushed in the background a second after a request, which would otherwise land in the capture.
 */
async function capture(statements: string[]): Promise<() => void> {
  await server.portrait.services.audit.flush();
  return server.portrait.services.executor.onQuery((event) => statements.push(event.query));
}

describe('DataLoader batching', () => {
  it('20 profiles with identifiers and 20 interactions each take a fixed handful of round trips', async () => {
    const big = await roundTrips(20);
    expect(big.profiles).toBe(20);
    expect(big.interactions).toBe(400);
    expect([...big.statements].sort()).toEqual([
      'products.productsByIds',
      'profiles.identifiersOfProfiles',
      'profiles.interactionCounts', // totalCount is asked for: counted for all 20 at once
      'profiles.interactionsOfProfiles',
      'profiles.mergedIdsOfProfiles',
      'profiles.profilesPage',
    ]);
    const small = await roundTrips(2);
    expect(small.statements.length).toBe(big.statements.length);
  });

  it('aliased profile lookups share one round trip', async () => {
    const statements: string[] = [];
    const stop = await capture(statements);
    const ids = Array.from({ length: 10 }, (_, i) => `p${i}: profile(id: "missing-${i}") { id }`).join('\n');
    await server.gql(`{ ${ids} }`);
    stop();
    expect(statements).toEqual(['profiles.profileViews']);
  });

  // Every part of a profile, as front ends ask for it (the read benchmark's query, and more).
  const fields = (tagFields: string) => `
    id traits
    identifiers { namespace value kind shared }
    tags { score since tag { ${tagFields} } }
    segments { id name size }
    interactions(first: 20) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id event at quantity value properties product { id name price brand category } } }
    }`;
  const profileQuery = (tagFields = 'id name kind') =>
    `query ($value: String!) { profile(identifier: { namespace: "user_id", value: $value }) { ${fields(tagFields)} } }`;

  it('reads a profile with its identifiers, tags, segments and interactions in one round trip', async () => {
    const [row] = await db.cypher(
      'MATCH (i:Identifier {namespace: "user_id"})-[:IN]->(:Profile) RETURN i.value AS value LIMIT 1',
    );
    const statements: string[] = [];
    const stop = await capture(statements);
    const { body } = await server.gql<{ profile: { interactions: { edges: unknown[] } } }>(profileQuery(), {
      value: row!.value,
    });
    stop();
    expect(body.errors).toBeUndefined();
    expect(body.data!.profile.interactions.edges).toHaveLength(20);
    expect(statements).toEqual(['profiles.profileViews']);
  });

  it('answers the same through the one-read view as through the fields own loaders', async () => {
    const rows = await db.cypher(
      'MATCH (i:Identifier {namespace: "user_id"})-[:IN]->(p:Profile) RETURN i.value AS value, p.id AS id LIMIT 3',
    );
    await server.portrait.services.segments.create(unique('rt-seg'), { event: 'Product Viewed' });
    await server.portrait.services.jobs.idle();
    const tagFields = 'id name kind rule description category { id name }';
    for (const row of rows) {
      const viewed = await server.gql<{ profile: Record<string, unknown> }>(profileQuery(tagFields), {
        value: row.value,
      });
      // The same fields under `profiles`, which is not planned: each field resolves through its own loader.
      const listed = await server.gql<{ profiles: { edges: Array<{ node: Record<string, unknown> }> } }>(
        `{ profiles(first: 30) { edges { node { ${fields(tagFields)} } } } }`,
      );
      expect(listed.body.errors).toBeUndefined();
      const same = listed.body.data!.profiles.edges.find((e) => e.node.id === row.id)!.node;
      expect((viewed.body.data!.profile.segments as unknown[]).length).toBeGreaterThan(0);
      expect((viewed.body.data!.profile.tags as unknown[]).length).toBeGreaterThan(0);
      expect(viewed.body.data!.profile).toEqual(same);
    }
  });

  it('answers a lean and a whole selection of one profile in one query, each with its own fields', async () => {
    const [row] = await db.cypher(
      'MATCH (i:Identifier {namespace: "user_id"})-[:IN]->(p:Profile) RETURN i.value AS value, p.id AS id LIMIT 1',
    );
    await server.portrait.services.segments.create(unique('rt-lean'), { event: 'Product Viewed' });
    await server.portrait.services.jobs.idle();
    // Lean: only what the view statement reads lean. Whole: fields beyond it on every kind of record.
    const selections = {
      lean: `id identifiers { namespace value kind shared } tags { score since tag { id name } }
        segments { id name } interactions(first: 5) { edges { node { id product { id } } } }`,
      whole: `id traits lifecycleStage identifiers { namespace value firstSeen lastSeen conflicts }
        tags { score tag { id name kind rule description } } segments { id name rule purpose createdAt }
        interactions(first: 5) { edges { node { id product { id } } } }`,
    };
    // The same selections under `profiles`, which is not planned: each field resolves through its own loader.
    const expected: Record<string, Record<string, unknown>> = {};
    for (const [name, selection] of Object.entries(selections)) {
      const listed = await server.gql<{ profiles: { edges: Array<{ node: Record<string, unknown> }> } }>(
        `{ profiles(first: 30) { edges { node { ${selection} } } } }`,
      );
      expect(listed.body.errors).toBeUndefined();
      expected[name] = listed.body.data!.profiles.edges.find((e) => e.node.id === row!.id)!.node;
    }
    expect((expected.whole!.tags as unknown[]).length).toBeGreaterThan(0);
    expect((expected.whole!.segments as unknown[]).length).toBeGreaterThan(0);
    for (const order of [
      ['lean', 'whole'],
      ['whole', 'lean'],
    ] as const) {
      const aliases = order.map(
        (name) =>
          `${name}: profile(identifier: { namespace: "user_id", value: $value }) { ${selections[name]} }`,
      );
      const { body } = await server.gql<Record<string, Record<string, unknown>>>(
        `query ($value: String!) { ${aliases.join(' ')} }`,
        { value: row!.value },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual(expected);
    }
  });
});
