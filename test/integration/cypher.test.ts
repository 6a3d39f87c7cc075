import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cypherRoot } from '../../src/db/cypher';
import { openTestDb, type TestDb } from '../helpers/neo4j';

const files = readdirSync(cypherRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'schema')
  .flatMap((dir) => readdirSync(join(cypherRoot, dir.name)).map((file) => `${dir.name}/${file}`));

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

describe('every named query', () => {
  it.each(files)('%s compiles against the real database (EXPLAIN)', async (file) => {
    const text = readFileSync(join(cypherRoot, file), 'utf8');
    const params = Object.fromEntries(
      [...text.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => [m[1], null]),
    );
    await expect(db.cypher(`EXPLAIN ${text}`, params)).resolves.toBeDefined();
  });
});
