import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema as buildSdl, findBreakingChanges, findDangerousChanges, printSchema } from 'graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { buildSchema } from 'type-graphql';
import { scalarsMap } from '../../../src/common/scalars';
import { recommendationResolvers } from '../../../src/recommendations/wiring';
import { authChecker } from '../../../src/security/auth-checker';
import { resolvers } from '../../../src/server/schema';

const contract = buildSdl(readFileSync(join(__dirname, '..', '..', 'contract', 'portrait.graphql'), 'utf8'));
const OURS = [
  'ProductRelation',
  'ProductRecommendation',
  'LookalikeSeed',
  'LookalikeMatch',
  'Product.related',
  'Query.relatedProducts',
  'Query.recommendations',
  'Query.lookalikes',
];

describe('the recommendation and lookalike API', () => {
  it('keeps the public contract for its types, fields and argument defaults once wired in', async () => {
    const schema = await buildSchema({
      resolvers: [...resolvers, ...recommendationResolvers],
      scalarsMap,
      validate: false,
      authChecker,
      pubSub: createPubSub(),
    });
    const ours = buildSdl(printSchema(schema));
    const mentionsOurs = (description: string) =>
      OURS.some((name) => new RegExp(`\\b${name.replace('.', '\\.')}\\b`).test(description));
    const problems = [
      ...findBreakingChanges(contract, ours),
      ...findDangerousChanges(contract, ours).filter((c) => c.type === 'ARG_DEFAULT_VALUE_CHANGE'),
    ].filter((change) => mentionsOurs(change.description));
    expect(problems).toEqual([]);
    for (const name of OURS.filter((n) => !n.includes('.'))) expect(ours.getType(name)).toBeDefined();
    const mutations = ours.getMutationType()!.getFields();
    const args = (field: string) =>
      Object.fromEntries(
        mutations[field]!.args.map((a) => [
          a.name,
          `${String(a.type)}${a.defaultValue === undefined ? '' : ` = ${String(a.defaultValue)}`}`,
        ]),
      );
    expect(String(mutations.saveLookalikeSegment!.type)).toBe('Segment!');
    expect(args('saveLookalikeSegment')).toEqual({ seed: 'LookalikeSeed!', first: 'Int', name: 'String!' });
    expect(String(mutations.refreshRelatedProducts!.type)).toBe('Job!');
    expect(args('refreshRelatedProducts')).toEqual({ rebuild: 'Boolean = false' });
  });
});
