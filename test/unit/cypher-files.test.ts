import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { camelCase, compactCypher, cypherRoot } from '../../src/db/cypher';
import { namedQueryFiles } from '../helpers/cypher-files';

const srcRoot = join(cypherRoot, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** domain/file pairs named in defineQueries('domain', ['file', ...]) calls. */
function registered(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(srcRoot)) {
    for (const call of readFileSync(file, 'utf8').matchAll(
      /defineQueries\(\s*'([a-z-]+)',\s*\[([^\]]*)\]/g,
    )) {
      for (const name of call[2]!.matchAll(/'([a-z0-9-]+)'/g)) names.add(`${call[1]}/${name[1]}`);
    }
  }
  return names;
}

const files = namedQueryFiles().map((file) => file.replace(/\.cypher$/, ''));

describe('cypher/', () => {
  it('holds no query that the code does not load, and the code loads no missing file', () => {
    expect([...registered()].sort()).toEqual([...files].sort());
  });

  it.each(files)('%s says what it does and lists its parameters', (file) => {
    const text = readFileSync(join(cypherRoot, `${file}.cypher`), 'utf8');
    expect(text.startsWith('//')).toBe(true);
    const used = new Set([...text.matchAll(/\$([A-Za-z_]\w*)/g)].map((m) => m[1]));
    const header = text.split('\n').find((line) => line.startsWith('// params:')) ?? '';
    for (const param of used) expect(`${file}: ${header}`).toContain(`$${param}`);
  });

  it.each(files)('%s has no string literal spanning lines, so compacting it changes no value', (file) => {
    const code = readFileSync(join(cypherRoot, `${file}.cypher`), 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('//'));
    // A line that opens a literal it does not close (a quote of the other kind inside one counts too).
    const unpaired = code.filter((line) => (line.replace(/\\./g, '').match(/['"`]/g) ?? []).length % 2 === 1);
    expect(unpaired).toEqual([]);
  });

  it('sends statements without comments, indentation and blank lines', () => {
    const text = `// What it does.
// params: $id
MATCH (p:Profile {id: $id})

  WITH p, 'a  // not a comment' AS kept
RETURN p`;
    expect(compactCypher(text)).toBe(
      "MATCH (p:Profile {id: $id})\nWITH p, 'a  // not a comment' AS kept\nRETURN p",
    );
  });

  it('names queries in camelCase from kebab-case files', () => {
    expect(camelCase('profiles-by-identifiers')).toBe('profilesByIdentifiers');
  });
});
