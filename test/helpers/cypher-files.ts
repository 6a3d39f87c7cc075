import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cypherRoot } from '../../src/db/cypher';

/** Every named query's file under cypher/ (`<domain>/<name>.cypher`), the schema's statements left out. */
export function namedQueryFiles(): string[] {
  return readdirSync(cypherRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'schema')
    .flatMap((dir) =>
      readdirSync(join(cypherRoot, dir.name))
        .filter((file) => file.endsWith('.cypher'))
        .map((file) => `${dir.name}/${file}`),
    );
}
