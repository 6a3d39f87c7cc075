import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRule } from '../../../src/rules/describe';
import { validateRule } from '../../../src/rules/parse';
import { ruleWorld } from './cases';

// RULES.md is the reference marketers read: its examples must be rules that work, and its error example
// must be what validateRule really says.

const text = readFileSync(join(__dirname, '../../../src/rules/RULES.md'), 'utf8');
const blocks = (lang: string): string[] =>
  [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const { lookup } = ruleWorld();

describe('RULES.md', () => {
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
