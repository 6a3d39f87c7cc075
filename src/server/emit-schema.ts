import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cypherRoot } from '../db/cypher';
import { buildPortraitSchema, printSortedSchema } from './schema';

/** Writes schema/schema.graphql from the code (`npm run schema`); a test fails when the two disagree. */
async function main(): Promise<void> {
  const path = join(cypherRoot, '..', 'schema', 'schema.graphql');
  writeFileSync(path, printSortedSchema(await buildPortraitSchema()));
  process.stdout.write(`wrote ${path}\n`);
}

void main();
