import { openTestDb, type TestDb } from '../helpers/neo4j';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

describe('jobs', () => {
  it('stop at their next progress report when the instance stops, recorded as failed with the reason', async () => {
    // A job of endless batches: only the stop can end it.
    let batches = 0;
    const started = await db.services.jobs.start('test.endless', 'endless batches', async (progress) => {
      progress.total(1_000_000);
      for (;;) {
        batches += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        await progress.advance(1);
      }
    });
    while (batches < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await db.services.jobs.stop();
    const job = await db.services.jobs.job(started.id);
    expect(job).toMatchObject({ state: 'FAILED', total: 1_000_000 });
    expect(job!.error).toMatch(
      /^interrupted after \d+ of 1000000 units: the API instance running it stopped/,
    );
  });
});
