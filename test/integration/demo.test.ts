import { silentLogger } from '../../src/common/logger';
import { loadDemoIfEmpty } from '../../src/demo/demo';
import { openTestDb, wipe, type TestDb } from '../helpers/neo4j';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  await wipe(db);
});
afterAll(() => db.close());

describe('demo data', () => {
  it('loads through the ingestion path into an empty database, with progress, and only then', async () => {
    const progress = { state: 'pending', done: 0, total: 0 };
    const applied = await loadDemoIfEmpty(db.services, {
      people: 60,
      logger: silentLogger,
      progress,
      seed: 5,
    });
    expect(applied).toBeGreaterThan(500);
    expect(progress).toEqual({ state: 'loaded', done: progress.total, total: applied });
    const [counts] = await db.cypher(
      'MATCH (p:Profile) WITH count(p) AS profiles MATCH (x:Interaction) WITH profiles, count(x) AS interactions MATCH (o:Interaction {event: "Order Completed"}) RETURN profiles, interactions, count(o) AS orders',
    );
    expect(counts!.profiles).toBeGreaterThan(50);
    expect(counts!.orders).toBeGreaterThan(0);

    const again = { state: 'pending', done: 0, total: 0 };
    expect(await loadDemoIfEmpty(db.services, { people: 60, logger: silentLogger, progress: again })).toBe(0);
    expect(again.state).toMatch(/^skipped/);
  });
});
