import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRule } from '../../../src/rules/describe';
import { validateRule } from '../../../src/rules/parse';
import { ruleWorld } from './cases';

// The README's rule language section is the reference marketers read: its examples must be rules that work, and its error example
// must be what validateRule really says.

// The README's "Rule language" section, up to the next section of the same level.
const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
const text = readme.slice(
  readme.indexOf('\n## Rule language'),
  readme.indexOf('\n## ', readme.indexOf('\n## Rule language') + 1),
);
const blocks = (lang: string): string[] =>
  [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const { lookup } = ruleWorld();

describe('the README on the rule language', () => {
  const examples = blocks('json');

  it('has an example for every kind of condition', () => {
    const keys = new Set(examples.flatMap((block) => [...block.matchAll(/"(\w+)":/g)].map((m) => m[1])));
    for (const key of [
      'all',
      'any',
      'not',
      'trait',
      'tag',
      'segment',
      'event',
      'lifecycle',
      'rfm',
      'identity',
    ]) {
      expect(keys).toContain(key);
    }
  });

  it.each(examples.map((block, i) => [i, block] as const))('example %i is a valid rule', (_i, block) => {
    expect(validateRule(JSON.parse(block), lookup)).toEqual([]);
  });

  it('describes its first example as it says', () => {
    const said = /reads "(.+?)"\.\n/s.exec(text)?.[1]?.replace(/\s+/g, ' ');
    expect(describeRule(JSON.parse(examples[0]!))).toBe(said);
  });

  it('shows the problems validateRule really reports', () => {
    const [block] = blocks('jsonc');
    const [rule, problems] = block!
      .split('// its problems')
      .map((part) => JSON.parse(part.replace(/^\/\/.*$/m, '')));
    expect(validateRule(rule, lookup)).toEqual(problems);
  });
});
