import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A named, parameterised Cypher statement loaded from cypher/<domain>/<file>.cypher. */
export interface CypherQuery {
  /** `<domain>.<camelCaseFile>`, used to tag transactions and in logs. */
  readonly name: string;
  readonly text: string;
}

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

function findProjectRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** The folder holding the .cypher files, found from this module whether it runs from src/ or dist/. */
export const cypherRoot = join(findProjectRoot(__dirname), 'cypher');

export function camelCase(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The first line of a statement whose plan Neo4j keeps once made (`CYPHER replan=skip`) instead of planning it
 * again whenever the statistics of what it reads have moved enough, which in a growing graph is every few
 * seconds, and costs 100 to 300 ms each time for the larger statements. Only for statements whose plan cannot
 * depend on the statistics (every branch starts from a parameter, a unique key or an element id, and the plan is
 * the same on an empty graph and a populated one), and which seek each node they match by a unique key with a
 * `USING INDEX SEEK` hint: planned while the index samples lag behind the counts (after a bulk load, before the
 * sampler has run), such a lookup can become a scan of the whole index under each row, which would then be kept.
 * test/integration/query-plans.test.ts checks each of them.
 */
export const FIXED_PLAN = 'CYPHER replan=skip';

/**
 * A statement as sent to Neo4j: without its comment lines, indentation and blank lines. The text travels with
 * every run (Bolt has no prepared statements), and the driver writes a message to the socket in chunks of
 * 1,400 bytes: the comments of the larger files alone cost an extra write per run. No statement has a string
 * literal spanning lines (test/unit/cypher-files.test.ts checks), so trimming lines never changes a value.
 */
export function compactCypher(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('//'))
    .join('\n');
}

/**
 * Loads the named files of one domain at import time, so a missing or misnamed file fails at start-up and
 * not at the first request. For the domain profiles, the file profiles-page.cypher is loaded as `profilesPage`.
 */
export function defineQueries<const Names extends readonly string[]>(
  domain: string,
  files: Names,
): { readonly [K in Names[number] as CamelCase<K>]: CypherQuery } {
  const result: Record<string, CypherQuery> = {};
  for (const file of files) {
    const path = join(cypherRoot, domain, `${file}.cypher`);
    const key = camelCase(file);
    result[key] = { name: `${domain}.${key}`, text: compactCypher(readFileSync(path, 'utf8')) };
  }
  return result as { readonly [K in Names[number] as CamelCase<K>]: CypherQuery };
}

/** Every statement of cypher/schema/, in file-name order, one statement per `;`-terminated block. */
export function schemaStatements(): Array<{ file: string; statement: string }> {
  const dir = join(cypherRoot, 'schema');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.cypher'))
    .sort()
    .flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => !line.trim().startsWith('//'))
        .join('\n')
        .split(';')
        .map((statement) => statement.trim())
        .filter((statement) => statement.length > 0)
        .map((statement) => ({ file, statement })),
    );
}
