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

  it('goes on after an interrupted load and ends with what one uninterrupted load builds', async () => {
    const now = Date.parse('2026-10-01T00:00:00Z');
    const graph = () =>
      db.cypher(
        `MATCH (e:Event) WITH count(e) AS events
         MATCH (i:Identifier) WITH events, count(i) AS identifiers
         MATCH (x:Interaction) WITH events, identifiers, count(x) AS interactions
         MATCH (p:Profile)
         RETURN events, identifiers, interactions, count(p) AS profiles`,
      );
    const options = { people: 40, seed: 9, now, logger: silentLogger, batchSize: 100 };

    await wipe(db);
    const whole = { state: 'pending', done: 0, total: 0 };
    await loadDemoIfEmpty(db.services, { ...options, progress: whole });
    const expected = await graph();

    await wipe(db);
    // The server stops after the second batch: the loader stops before the third.
    const stop = new AbortController();
    let batches = 0;
    const ingest = {
      hasEvents: () => db.services.ingest.hasEvents(),
      ingest: async (events: Array<Record<string, unknown>>) => {
        const result = await db.services.ingest.ingest(events);
        if ((batches += 1) === 2) stop.abort();
        return result;
      },
    };
    const first = { state: 'pending', done: 0, total: 0 };
    const services = { ingest, executor: db.services.executor };
    expect(await loadDemoIfEmpty(services, { ...options, progress: first, signal: stop.signal })).toBe(200);
    expect(first.state).toBe(
      `interrupted at 200 of ${whole.total} events: the next start goes on from there`,
    );
    const [partial] = await graph();
    expect(partial!.events).toBe(200);

    // The next start, whatever it is configured with, finishes the load it finds: same people, seed and time.
    const second = { state: 'pending', done: 0, total: 0 };
    const rest = await loadDemoIfEmpty(db.services, { people: 5, logger: silentLogger, progress: second });
    expect(rest).toBe(whole.total - 200);
    expect(second).toEqual({ state: 'loaded', done: whole.total, total: whole.total });
    expect(await graph()).toEqual(expected);

    const third = { state: 'pending', done: 0, total: 0 };
    expect(await loadDemoIfEmpty(db.services, { ...options, progress: third })).toBe(0);
    expect(third.state).toBe('skipped: the demo data is loaded');
  });
});
