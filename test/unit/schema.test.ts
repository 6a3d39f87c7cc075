import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPortraitSchema, printSortedSchema } from '../../src/server/schema';

const root = join(__dirname, '..', '..');

describe('schema/schema.graphql', () => {
  it('is exactly what the code emits (run `npm run schema` after changing the API)', async () => {
    const emitted = printSortedSchema(await buildPortraitSchema());
    expect(readFileSync(join(root, 'schema', 'schema.graphql'), 'utf8')).toBe(emitted);
  });

  it('keeps every name of the public contract that it implements, with its type and defaults', () => {
    // check-contract lists what is missing; fields of later issues may be missing, nothing may change.
    let output: string;
    try {
      output = execFileSync(
        'node',
        [join(root, '..', 'shared', 'tools', 'check-contract.mjs'), 'schema/schema.graphql'],
        {
          cwd: root,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? '');
    }
    const problems = output
      .split('\n')
      .filter((line) => /^[A-Z_]+:/.test(line) && !/^(TYPE_REMOVED|FIELD_REMOVED):/.test(line));
    expect(problems).toEqual([]);
  });
});
