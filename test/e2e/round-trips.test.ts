import { track } from '../helpers/events';
import { unique, wipe, openTestDb } from '../helpers/neo4j';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  const db = await openTestDb();
  await wipe(db);
  await db.close();
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
afterAll(() => server.close());

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
  const stop = server.portrait.services.executor.onQuery((event) => statements.push(event.query));
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

describe('DataLoader batching', () => {
  it('20 profiles with identifiers and 20 interactions each take a fixed handful of round trips', async () => {
    const big = await roundTrips(20);
    expect(big.profiles).toBe(20);
    expect(big.interactions).toBe(400);
    expect([...big.statements].sort()).toEqual([
      'products.productsByIds',
      'profiles.identifiersOfProfiles',
      'profiles.interactionsOfProfiles',
      'profiles.mergedIdsOfProfiles',
      'profiles.profilesPage',
    ]);
    const small = await roundTrips(2);
    expect(small.statements.length).toBe(big.statements.length);
  });

  it('aliased profile lookups share one round trip', async () => {
    const statements: string[] = [];
    const stop = server.portrait.services.executor.onQuery((event) => statements.push(event.query));
    const ids = Array.from({ length: 10 }, (_, i) => `p${i}: profile(id: "missing-${i}") { id }`).join('\n');
    await server.gql(`{ ${ids} }`);
    stop();
    expect(statements).toEqual(['profiles.profilesByIds']);
  });
});
