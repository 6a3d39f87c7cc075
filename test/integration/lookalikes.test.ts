import { createPubSub } from '@graphql-yoga/subscription';
import { graphql } from 'graphql';
import { buildSchema } from 'type-graphql';
import { silentLogger } from '../../src/common/logger';
import { scalarsMap } from '../../src/common/scalars';
import { LookalikesRepository } from '../../src/lookalikes/lookalikes.repository';
import type { LookalikeSeedInput } from '../../src/lookalikes/lookalikes.service';
import { createRecommendationLoaders } from '../../src/recommendations/recommendations.loaders';
import { DEFAULT_RECOMMENDATION_SETTINGS } from '../../src/recommendations/settings';
import {
  createRecommendationServices,
  recommendationResolvers,
  registerSettleSteps,
  type RecommendationDependencies,
  type RecommendationServices,
} from '../../src/recommendations/wiring';
import { authChecker } from '../../src/security/auth-checker';
import { viewerOf } from '../../src/security/viewer';
import { createContext } from '../../src/server/context';
import { resolvers } from '../../src/server/schema';
import { identify, track } from '../helpers/events';
import { openTestDb, unique, wipe, type TestDb } from '../helpers/neo4j';

const HOUR = 3_600_000;
let db: TestDb;
let dependencies: RecommendationDependencies;
let portrait: RecommendationServices;

const u = unique('look');
const T = Date.now() - 48 * HOUR;
const at = (ms: number) => new Date(ms).toISOString();
const shoe = { product_id: `${u}-shoe`, name: 'Trail Shoe X', category: 'Sports/Running/Shoes', price: 120 };
const sock = { product_id: `${u}-sock`, name: 'Trail Sock', category: 'Sports/Running/Socks', price: 12 };
const pan = { product_id: `${u}-pan`, name: 'Cast Iron Pan', category: 'Home/Kitchen/Cookware', price: 80 };
const kettle = { product_id: `${u}-kettle`, name: 'Kettle', category: 'Home/Kitchen/Coffee', price: 40 };

/** A person who views and buys `products`, with traits. */
function person(userId: string, traits: Record<string, unknown>, ...products: Array<typeof shoe>) {
  return [
    identify({ userId, traits, timestamp: at(T) }),
    ...products.map((p, i) =>
      track('Product Viewed', { userId, timestamp: at(T + (i + 1) * 60_000), properties: p }),
    ),
    track('Order Completed', {
      userId,
      timestamp: at(T + HOUR),
      properties: { order_id: `${userId}-o`, products: products.map((p) => ({ ...p, quantity: 1 })) },
    }),
  ];
}

const seeds = Array.from({ length: 12 }, (_, i) => `${u}-seed-${i}`);
const runners = Array.from({ length: 4 }, (_, i) => `${u}-runner-${i}`);
const cooks = Array.from({ length: 20 }, (_, i) => `${u}-cook-${i}`);
const ids = new Map<string, string>();
const id = (userId: string) => ids.get(userId)!;
const seedIds = () => seeds.map(id);

beforeAll(async () => {
  db = await openTestDb();
  // Lookalikes are searched over every profile in the database: start from an empty one.
  await wipe(db);
  await db.services.tags.installDefaults();
  dependencies = {
    executor: db.executor,
    logger: silentLogger,
    jobs: db.services.jobs,
    tags: db.services.tags,
    segments: db.services.segments,
    consent: db.services.privacy.policy,
  };
  portrait = createRecommendationServices(dependencies, DEFAULT_RECOMMENDATION_SETTINGS);
  registerSettleSteps(db.services.changes, portrait);
  await db.services.ingest.ingest([
    ...seeds.flatMap((s) => person(s, { cohort: `${u}-seed` }, shoe, sock)),
    ...runners.flatMap((r) => person(r, { cohort: `${u}-other` }, shoe, sock)),
    ...person(`${u}-private`, { consent: { personalization: false } }, shoe, sock),
    ...cooks.flatMap((c) => person(c, {}, pan, kettle)),
    ...[0, 1, 2].flatMap((i) => person(`${u}-small-${i}`, { cohort: `${u}-small` }, pan)),
  ]);
  for (const userId of [...seeds, ...runners, ...cooks, `${u}-private`])
    ids.set(userId, (await db.profileOf('user_id', userId))!.id);
  // Reasons name products by how many profiles bought them, as of the last refresh.
  await portrait.recommendations.refresher.run('all');
});
afterAll(async () => {
  await db.services.jobs.idle();
  await db.close();
});

async function segmentOf(cohort: string): Promise<string> {
  const { segment } = await db.services.segments.create(`${cohort} segment`, { trait: 'cohort', eq: cohort });
  await db.services.jobs.idle();
  return segment.id;
}

async function refusal(seed: LookalikeSeedInput, first = 10): Promise<Record<string, unknown>> {
  try {
    await portrait.lookalikes.lookalikes(seed, first);
  } catch (error) {
    return {
      message: (error as Error).message,
      ...(error as { extensions: Record<string, unknown> }).extensions,
    };
  }
  throw new Error('expected the lookalike query to be refused');
}

describe('lookalikes', () => {
  it("counts a seed's frequent features in the database, with how common each is in general", async () => {
    const repository = new LookalikesRepository(db.executor);
    // 12 seeds who bought the shoe and the sock, and 2 cooks who bought the pan and the kettle: 14 profiles,
    // so a feature needs 2 of them (the 10 % would be 1.4).
    const read = await repository.seedFeatures([...seedIds(), id(cooks[0]!), id(cooks[1]!)], {
      minProfiles: 2,
      minShare: 0.1,
    });
    expect(read.seeds).toBe(14);
    expect(read.profiles).toBe(40);
    const counted = Object.fromEntries([...read.frequent].filter(([key]) => !key.startsWith('tag:')));
    // Buyers as of the last refresh: shoe and sock by the seeds, 4 runners and the private profile; the pan
    // by 20 cooks and 3 small buyers. A category sums its products' engaged profiles, below it too.
    expect(counted).toEqual({
      [`product:${shoe.product_id}`]: { seeds: 12, population: 17 },
      [`product:${sock.product_id}`]: { seeds: 12, population: 17 },
      [`product:${pan.product_id}`]: { seeds: 2, population: 23 },
      [`product:${kettle.product_id}`]: { seeds: 2, population: 20 },
      'category:Sports/Running': { seeds: 12, population: 34 },
      'category:Home/Kitchen': { seeds: 2, population: 43 },
    });
    const [holders] = await db.cypher('MATCH (t:Tag {id: $id}) RETURN COUNT { (t)<-[:HAS_TAG]-() } AS n', {
      id: 'tag-interest-sports',
    });
    expect(read.frequent.get('tag:tag-interest-sports')).toEqual({
      seeds: 12,
      population: Number(holders!.n),
    });
  });

  it('keeps only the features held by at least minProfiles and a minShare of the seed', async () => {
    const repository = new LookalikesRepository(db.executor);
    const products = async (ids: string[], minProfiles: number, minShare: number) =>
      [...(await repository.seedFeatures(ids, { minProfiles, minShare })).frequent.keys()]
        .filter((key) => key.startsWith('product:'))
        .sort();
    const running = [`product:${shoe.product_id}`, `product:${sock.product_id}`].sort();
    const kitchen = [`product:${kettle.product_id}`, `product:${pan.product_id}`].sort();
    // 13 profiles at least: the 12 seeds' shoe is not enough, with the 4 runners it is.
    expect(await products(seedIds(), 13, 0)).toEqual([]);
    expect(await products([...seedIds(), ...runners.map(id)], 13, 0)).toEqual(running);
    // Half of 32 profiles (12 seeds, 20 cooks): the cooks' 20 are, the seeds' 12 are not.
    expect(await products([...seedIds(), ...cooks.map(id)], 2, 0.5)).toEqual(kitchen);
    expect(await products([...seedIds(), ...cooks.map(id)], 2, 0.3)).toEqual([...kitchen, ...running].sort());
  });

  it('finds the profiles most like the seed profiles, with reasons, never a seed nor a refusal', async () => {
    const matches = await portrait.lookalikes.lookalikes({ profileIds: seedIds() }, 5);
    expect(new Set(matches.slice(0, 4).map((m) => m.profileId))).toEqual(new Set(runners.map(id)));
    expect(cooks.map(id)).toContain(matches[4]!.profileId);
    const returned = new Set(matches.map((m) => m.profileId));
    for (const excluded of [...seedIds(), id(`${u}-private`)]) expect(returned.has(excluded)).toBe(false);
    for (const [i, m] of matches.entries()) {
      expect(m.score).toBeGreaterThanOrEqual(0);
      expect(m.score).toBeLessThanOrEqual(1);
      if (i > 0) expect(m.score).toBeLessThanOrEqual(matches[i - 1]!.score);
    }
    expect(matches[0]!.score).toBeGreaterThan(0.99);
    expect(matches[0]!.reasons).toEqual(
      expect.arrayContaining(['bought Trail Shoe X', 'bought Trail Sock', 'tag Interest/Sports']),
    );
    expect(matches[4]!.reasons).toEqual([]);
  });

  it('reads a seed of ids and its features at once, then searches, then reads what the matches share', async () => {
    const statements: Array<{ query: string; start: number; end: number }> = [];
    const stop = db.executor.onQuery((event) => {
      const end = performance.now();
      statements.push({ query: event.query, start: end - event.ms, end });
    });
    await portrait.lookalikes.lookalikes({ profileIds: seedIds() }, 5);
    stop();
    expect(statements.map((s) => s.query).slice(2)).toEqual([
      'lookalikes.nearestProfiles',
      'lookalikes.matchFeatures',
    ]);
    const [a, b] = statements;
    expect([a!.query, b!.query].sort()).toEqual(['lookalikes.seedFeatures', 'lookalikes.seedOfProfiles']);
    // The first two run at once: each starts before the other ends.
    expect(a!.start).toBeLessThan(b!.end);
    expect(b!.start).toBeLessThan(a!.end);
  });

  it('takes a segment as seed and leaves its members out', async () => {
    const segmentId = await segmentOf(`${u}-seed`);
    const matches = await portrait.lookalikes.lookalikes({ segmentId }, 4);
    expect(new Set(matches.map((m) => m.profileId))).toEqual(new Set(runners.map(id)));
  });

  it('refuses bad seeds and sizes with a code and the argument', async () => {
    expect(await refusal({ segmentId: 'seg-vanished' })).toMatchObject({
      code: 'NOT_FOUND',
      argument: 'seed.segmentId',
      message: 'no segment seg-vanished',
    });
    expect(await refusal({ segmentId: await segmentOf(`${u}-small`) })).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'seed.segmentId',
      min: 10,
      size: 3,
      message: 'the seed segment has 3 members; lookalikes need at least 10',
    });
    expect(await refusal({ profileIds: [...seedIds(), 'p-nobody'] })).toMatchObject({
      code: 'NOT_FOUND',
      argument: 'seed.profileIds',
      unknown: ['p-nobody'],
      message: 'no profile p-nobody',
    });
    expect(await refusal({ profileIds: [...seedIds().slice(0, 3), ...seedIds().slice(0, 3)] })).toMatchObject(
      {
        code: 'BAD_USER_INPUT',
        argument: 'seed.profileIds',
        size: 3,
      },
    );
    expect(await refusal({})).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'seed' });
    expect(await refusal({ segmentId: 'x', profileIds: seedIds() })).toMatchObject({ argument: 'seed' });
    expect(await refusal({ profileIds: seedIds() }, 1001)).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'first',
      max: 1000,
    });
    const capped = createRecommendationServices(dependencies, {
      ...DEFAULT_RECOMMENDATION_SETTINGS,
      maxSeedProfileIds: 11,
    });
    await expect(capped.lookalikes.lookalikes({ profileIds: seedIds() }, 10)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', argument: 'seed.profileIds', max: 11 },
    });
  });

  it('follows consent as it changes: a profile that refuses leaves the results at once', async () => {
    const runner = id(runners[0]!);
    await db.services.ingest.ingest([
      identify({
        userId: runners[0],
        traits: { consent: { personalization: false } },
        timestamp: at(T + 2 * HOUR),
      }),
    ]);
    const matches = await portrait.lookalikes.lookalikes({ profileIds: seedIds() }, 10);
    expect(matches.map((m) => m.profileId)).not.toContain(runner);
    await db.services.ingest.ingest([
      identify({
        userId: runners[0],
        traits: { consent: { personalization: true } },
        timestamp: at(T + 3 * HOUR),
      }),
    ]);
    expect(
      (await portrait.lookalikes.lookalikes({ profileIds: seedIds() }, 10)).map((m) => m.profileId),
    ).toContain(runner);
  });

  it('saves a result as a segment whose members are the matches', async () => {
    const seed = { profileIds: seedIds() };
    const matches = await portrait.lookalikes.lookalikes(seed, 4);
    const segment = await portrait.lookalikes.save(seed, 4, `${u} runners like ours`);
    await db.services.jobs.idle();
    expect(segment.rule).toEqual({ tag: expect.stringMatching(/^tag-/) });
    const members = await db.services.segments.members(segment.id, 100, null);
    expect(new Set(members.edges.map((e) => e.node.id))).toEqual(new Set(matches.map((m) => m.profileId)));
    const catalogue = await db.services.tags.catalogue();
    const tag = catalogue.tags.find((t) => t.id === (segment.rule as { tag: string }).tag)!;
    expect(catalogue.categories.find((c) => c.id === tag.categoryId)).toMatchObject({
      name: 'Lookalikes',
      parentId: null,
    });
    expect(tag).toMatchObject({ kind: 'MANUAL', name: `${u} runners like ours` });
  });

  it('answers through GraphQL, with errors on the field path', async () => {
    const schema = await buildSchema({
      resolvers: [...resolvers, ...recommendationResolvers],
      scalarsMap,
      validate: false,
      authChecker,
      authMode: 'error',
      pubSub: createPubSub(),
    });
    const base = createContext(db.services, db.config, viewerOf('admin-key', 'test', 'admin', []));
    const contextValue = {
      ...base,
      services: { ...base.services, ...portrait },
      loaders: { ...base.loaders, recommendations: createRecommendationLoaders(portrait.repository) },
    };
    const ok = await graphql({
      schema,
      contextValue,
      source:
        'query ($ids: [ID!]) { lookalikes(seed: { profileIds: $ids }, first: 2) { profile { id } score reasons } }',
      variableValues: { ids: seedIds() },
    });
    expect(ok.errors).toBeUndefined();
    expect((ok.data as { lookalikes: unknown[] }).lookalikes).toEqual([
      { profile: { id: expect.any(String) }, score: expect.any(Number), reasons: expect.any(Array) },
      { profile: { id: expect.any(String) }, score: expect.any(Number), reasons: expect.any(Array) },
    ]);
    const bad = await graphql({
      schema,
      contextValue,
      source: '{ lookalikes(seed: { segmentId: "seg-vanished" }) { score } }',
    });
    expect(bad.errors?.[0]).toMatchObject({
      path: ['lookalikes'],
      extensions: { code: 'NOT_FOUND', argument: 'seed.segmentId' },
    });
  });

  it('resolves a merged-away seed id to its survivor, for the search and for the reasons', async () => {
    // An anonymous visitor, later known as the first seed: its younger profile merges into the seed's.
    const anon = `${u}-anon`;
    await db.services.ingest.ingest([
      track('Product Viewed', { anonymousId: anon, timestamp: at(T + 4 * HOUR), properties: shoe }),
    ]);
    const mergedAway = (await db.profileOf('anonymous_id', anon))!.id;
    await db.services.ingest.ingest([
      identify({ userId: seeds[0], anonymousId: anon, timestamp: at(T + 5 * HOUR) }),
    ]);
    expect((await db.profileOf('anonymous_id', anon))!.id).toBe(id(seeds[0]!));
    const seed = [mergedAway, ...seedIds().slice(1)];

    const read = await new LookalikesRepository(db.executor).seedFeatures(seed, {
      minProfiles: 2,
      minShare: 0.1,
    });
    expect(read.seeds).toBe(12);
    expect(read.frequent.get(`product:${shoe.product_id}`)?.seeds).toBe(12);
    const matches = await portrait.lookalikes.lookalikes({ profileIds: seed }, 5);
    expect(matches.map((m) => m.profileId)).not.toContain(id(seeds[0]!));
    expect(new Set(matches.slice(0, 4).map((m) => m.profileId))).toEqual(new Set(runners.map(id)));
    expect(matches[0]!.reasons).toEqual(expect.arrayContaining(['bought Trail Shoe X']));
  });
});
