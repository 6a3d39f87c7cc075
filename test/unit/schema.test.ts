import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { buildPortraitSchema, printSortedSchema } from '../../src/server/schema';

const root = join(__dirname, '..', '..');
const contractCopy = join(root, 'test', 'contract', 'portrait.graphql');
const sharedContract = join(root, '..', 'shared', 'contract', 'portrait.graphql');

describe('schema/schema.graphql', () => {
  it('is exactly what the code emits (run `npm run schema` after changing the API)', async () => {
    const emitted = printSortedSchema(await buildPortraitSchema());
    expect(readFileSync(join(root, 'schema', 'schema.graphql'), 'utf8')).toBe(emitted);
  });

  it('keeps every name, type and default of the public contract (as ../shared/tools/check-contract.mjs does)', () => {
    const contract = buildSchema(readFileSync(contractCopy, 'utf8'));
    const ours = buildSchema(readFileSync(join(root, 'schema', 'schema.graphql'), 'utf8'));
    const problems = [
      ...findBreakingChanges(contract, ours),
      ...findDangerousChanges(contract, ours).filter((c) => c.type === 'ARG_DEFAULT_VALUE_CHANGE'),
    ].map((change) => `${change.type}: ${change.description}`);
    expect(problems).toEqual([]);
  });

  it('declares every object type with simple resolvers, so no field of one may carry auth or middleware', async () => {
    // simpleResolvers: a plain field resolves as a property read, without type-graphql's wrapper per field
    // (hundreds per profile read); type-graphql then ignores @Authorized and @UseMiddleware on such fields.
    await buildPortraitSchema();
    const storage = getMetadataStorage();
    const notSimple = storage.objectTypes.filter((t) => t.simpleResolvers !== true).map((t) => t.name);
    expect(notSimple).toEqual([]);
    const guarded = storage.fields
      .filter((f) => (f.roles?.length ?? 0) > 0 || (f.middlewares?.length ?? 0) > 0)
      .filter((f) => storage.objectTypes.some((t) => t.target === f.target))
      .map((f) => `${f.target.name}.${f.name}`);
    expect(guarded).toEqual([]);
  });

  it('tests against the current contract', () => {
    // The copy in test/contract keeps this check meaningful where ../shared is absent (a bare clone).
    if (existsSync(sharedContract))
      expect(readFileSync(contractCopy, 'utf8')).toBe(readFileSync(sharedContract, 'utf8'));
  });
});
