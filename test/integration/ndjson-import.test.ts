import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSummary, importNdjson } from '../../src/ingest/ndjson-import';
import { identify, track } from '../helpers/events';
import { openTestDb, unique, type TestDb } from '../helpers/neo4j';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

describe('NDJSON import', () => {
  it('imports a file in batches with progress, reporting bad lines by number', async () => {
    const u = unique('imp');
    const dir = mkdtempSync(join(tmpdir(), 'portrait-import-'));
    const file = join(dir, 'events.ndjson');
    const good = Array.from({ length: 23 }, (_, i) =>
      JSON.stringify(track('Viewed', { userId: u, minute: i })),
    );
    const lines = [
      JSON.stringify(identify({ userId: u, traits: { name: 'Imported' } })),
      ...good,
      '{not json',
      '',
      JSON.stringify({ type: 'track', userId: u }),
      good[0]!,
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);

    const updates: number[] = [];
    let total = 0;
    const summary = await importNdjson(db.services.ingest, [file], 5, {
      start: (bytes) => (total = bytes),
      update: (done) => updates.push(done),
      stop: () => undefined,
    });
    expect(summary).toMatchObject({ read: 27, accepted: 24, duplicates: 1 });
    expect(summary.rejected.map((r) => [r.line, r.reason])).toEqual([
      [25, expect.stringMatching(/^not valid JSON/)],
      [27, 'messageId is required'],
    ]);
    expect(updates.length).toBeGreaterThan(4);
    expect(updates.at(-1)).toBe(total);
    expect((await db.profileOf('user_id', u))?.traits).toEqual({ name: 'Imported' });
    expect(formatSummary([file], summary)).toContain(`${file}:25: not valid JSON`);
  });
});
