import { createPubSub } from '@graphql-yoga/subscription';
import { graphql, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { silentLogger } from '../../src/common/logger';
import { scalarsMap } from '../../src/common/scalars';
import { RecommendationsService } from '../../src/recommendations/recommendations.service';
import { createRecommendationLoaders } from '../../src/recommendations/recommendations.loaders';
import { REFRESH_SUBJECT } from '../../src/recommendations/related-products.refresher';
import { DEFAULT_RECOMMENDATION_SETTINGS } from '../../src/recommendations/settings';
import {
  createRecommendationServices,
  recommendationResolvers,
  registerSettleSteps,
  type RecommendationServices,
} from '../../src/recommendations/wiring';
import { authChecker } from '../../src/security/auth-checker';
import { viewerOf } from '../../src/security/viewer';
import { createContext } from '../../src/server/context';
import { resolvers } from '../../src/server/schema';
import { identify, track } from '../helpers/events';
import { openTestDb, unique, wipe, type TestDb } from '../helpers/neo4j';

const HOUR = 3_600_000;
const settings = { ...DEFAULT_RECOMMENDATION_SETTINGS, minSupport: 1 };
let db: TestDb;
let portrait: RecommendationServices;

/** Portrait's recommendation services on the test database with `given` settings. */
const withSettings = (given: typeof settings) =>
  createRecommendationServices(
    {
      executor: db.executor,
      logger: silentLogger,
      jobs: db.services.jobs,
      tags: db.services.tags,
      segments: db.services.segments,
      consent: db.services.privacy.policy,
    },
    given,
  );

beforeAll(async () => {
  db = await openTestDb();
  // Lifts divide by the number of engaged profiles in the whole database: start from an empty one.
  await wipe(db);
  await db.services.tags.installDefaults();
  portrait = withSettings(settings);
  registerSettleSteps(db.services.changes, portrait);
});
afterAll(async () => {
  await db.services.jobs.idle();
  await db.close();
});

const T = Date.now() - 24 * HOUR;
const at = (ms: number) => new Date(ms).toISOString();
const u = unique('rec');
const product = (letter: string, category = 'Sports/Running/Shoes') => ({
  product_id: `${u}-${letter}`,
  name: `Trail Shoe ${letter}`,
  category,
  price: 100,
});
const [A, B, C, D] = [product('A'), product('B'), product('C', 'Sports/Running/Socks'), product('D')];
const ingest = (...events: Array<Record<string, unknown>>) => db.services.ingest.ingest(events);
const buy = (userId: string, time: number, ...products: Array<ReturnType<typeof product>>) =>
  track('Order Completed', {
    userId,
    timestamp: at(time),
    properties: { order_id: `${userId}-${time}`, products: products.map((p) => ({ ...p, quantity: 1 })) },
  });
const view = (userId: string, time: number, p: ReturnType<typeof product>) =>
  track('Product Viewed', { userId, timestamp: at(time), properties: p });
const cart = (userId: string, time: number, p: ReturnType<typeof product>) =>
  track('Product Added', { userId, timestamp: at(time), properties: { ...p, quantity: 1 } });
const profileId = async (userId: string) => (await db.profileOf('user_id', userId))!.id;
const related = async (p: { product_id: string }) =>
  portrait.recommendations.relatedProducts(
    createRecommendationLoaders(portrait.repository),
    p.product_id,
    10,
  );
const refreshed = async () => {
  const job = await portrait.recommendations.refresher.refreshDirty();
  await db.services.jobs.idle();
  return job ? db.services.jobs.job(job.id) : null;
};

/** The recommendation read of one profile, with the settings of these tests. */
const inputsOf = (id: string, first: number, now = Date.now()) =>
  portrait.repository.recommendationInputs({
    id,
    consentKeys: [],
    sources: settings.recommendationSources,
    neighbours: settings.neighbours,
    candidates: 200,
    first,
    now,
    halfLifeMs: 30 * 24 * HOUR,
    lookalikeWeight: settings.lookalikeWeight,
  });

/**
 * Each product of the `prefix` has the lists a refresh stores on it (write-related.cypher) equal to its RELATED
 * edges, best first; and some have relations.
 */
const expectListsMatchEdges = async (prefix: string) => {
  const rows = await db.cypher(
    `MATCH (a:Product) WHERE a.id STARTS WITH $prefix
     WITH a, coalesce(a.relatedIds, []) AS ids
     RETURN a.id AS id, [i IN range(0, size(ids) - 1) | [ids[i], a.relatedScores[i], a.relatedTogether[i]]] AS stored,
       COLLECT { MATCH (a)-[r:RELATED]->(b) WITH r, b ORDER BY r.score DESC, b.id
         RETURN [b.id, r.score, r.bothBought > 0] } AS edges`,
    { prefix },
  );
  expect(rows.map((row) => [row.id, row.stored])).toEqual(rows.map((row) => [row.id, row.edges]));
  expect(rows.some((row) => (row.edges as unknown[]).length > 0)).toBe(true);
};

/**
 * Each profile engaged with a product of the `prefix` has the products it bought stored (boughtIds,
 * write-engagement.cypher) as its ENGAGED edges show them; and some bought something.
 */
const expectBoughtMatchesEdges = async (prefix: string) => {
  const rows = await db.cypher(
    `MATCH (p:Profile)-[:ENGAGED]->(x:Product) WHERE x.id STARTS WITH $prefix
     WITH DISTINCT p
     RETURN p.id AS id, coalesce(p.boughtIds, []) AS stored,
       COLLECT { MATCH (p)-[e:ENGAGED]->(b) WHERE e.purchases > 0 RETURN b.id ORDER BY b.id } AS edges`,
    { prefix },
  );
  expect(rows.map((row) => [row.id, row.stored])).toEqual(rows.map((row) => [row.id, row.edges]));
  expect(rows.some((row) => (row.edges as unknown[]).length > 0)).toBe(true);
};

describe('related products', () => {
  it('mines support, confidence, lift and score from co-engagement, as computed by hand', async () => {
    // The example of test/unit/recommendations/association.test.ts, every interaction at the same moment:
    // P1 bought A and viewed B, P2 bought A and B, P3 viewed A and carted C, P4 viewed B.
    await ingest(
      buy(`${u}-p1`, T, A),
      view(`${u}-p1`, T, B),
      buy(`${u}-p2`, T, A, B),
      view(`${u}-p3`, T, A),
      cart(`${u}-p3`, T, C),
      view(`${u}-p4`, T, B),
    );
    const [engaged] = await db.cypher(
      'MATCH (p:Profile {id: $id})-[e:ENGAGED]->(prod:Product) RETURN collect([prod.id, e.weight, e.purchases]) AS e',
      { id: await profileId(`${u}-p2`) },
    );
    expect(new Set(engaged!.e as unknown[])).toEqual(
      new Set([
        [A.product_id, 5, 1],
        [B.product_id, 5, 1],
      ]),
    );

    const job = await portrait.recommendations.refresh(false);
    await db.services.jobs.idle();
    expect(await db.services.jobs.job(job.id)).toMatchObject({ state: 'SUCCEEDED' });
    expect(await related(A)).toEqual([
      { productId: B.product_id, score: 0.538968, support: 2, confidence: 0.666667, lift: 0.888889 },
      { productId: C.product_id, score: 0.070014, support: 1, confidence: 0.333333, lift: 1.333333 },
    ]);
    expect(await related(B)).toEqual([
      { productId: A.product_id, score: 0.538968, support: 2, confidence: 0.666667, lift: 0.888889 },
    ]);
    expect(await related(C)).toEqual([
      { productId: A.product_id, score: 0.070014, support: 1, confidence: 1, lift: 1.333333 },
    ]);
    expect(await related({ product_id: `${u}-never-seen` })).toBeNull();
    await expectListsMatchEdges(`${u}-`);

    // Batches cut by engagement (here every product alone) give the same lists, the same figures.
    const alone = withSettings({ ...settings, refreshEngagementBudget: 1 });
    await db.cypher('MATCH (:Product)-[r:RELATED]->(:Product) DELETE r');
    const again = await alone.recommendations.refresh(false);
    await db.services.jobs.idle();
    expect(await db.services.jobs.job(again.id)).toMatchObject({ state: 'SUCCEEDED' });
    expect((await related(A))!.map((r) => [r.productId, r.score, r.support])).toEqual([
      [B.product_id, 0.538968, 2],
      [C.product_id, 0.070014, 1],
    ]);
    expect((await related(B))!.map((r) => [r.productId, r.score])).toEqual([[A.product_id, 0.538968]]);
    expect((await related(C))!.map((r) => [r.productId, r.score])).toEqual([[A.product_id, 0.070014]]);
    await expectListsMatchEdges(`${u}-`);
  });

  it('recommends related products with the reason, never what the profile bought', async () => {
    const exact = new RecommendationsService(
      portrait.repository,
      db.services.privacy.policy,
      { ...settings, lookalikeWeight: 0 },
      portrait.recommendations.refresher,
    );
    // P4 viewed B; B is bought together with A.
    const forP4 = await exact.recommend(await profileId(`${u}-p4`), 1);
    expect(forP4).toEqual([
      { productId: A.product_id, score: 0.538968, reason: 'bought together with Trail Shoe B you viewed' },
    ]);
    // P2 bought A and B: only C is left, viewed (carted) together with A.
    const forP2 = await exact.recommend(await profileId(`${u}-p2`), 10);
    expect(forP2).toEqual([
      { productId: C.product_id, score: 0.070014, reason: 'viewed together with Trail Shoe A you bought' },
    ]);
    // With lookalikes too, purchases stay out and every reason is one of the documented kinds.
    const withLookalikes = await portrait.recommendations.recommend(await profileId(`${u}-p2`), 10);
    expect(withLookalikes.map((r) => r.productId)).toEqual([C.product_id]);
    for (const r of await portrait.recommendations.recommend(await profileId(`${u}-p4`), 10)) {
      expect(r.reason).toMatch(
        /^(bought|viewed) together with .* you |^bought by \d+ profiles? like you$|^popular /,
      );
      expect(r.score).toBeGreaterThan(0);
    }
  });

  it('recommends what the nearest lookalikes bought, never what the profile bought', async () => {
    // L1 and L2 view the same two products; L1 also buys a third. No refresh runs, so nothing relates G to
    // E or F yet: L2 can only be offered G through its lookalike.
    const [E, F, G] = ['E', 'F', 'G'].map((letter) => product(letter, 'Outdoor/Tents'));
    await ingest(
      view(`${u}-l1`, T, E!),
      view(`${u}-l1`, T + 1, F!),
      buy(`${u}-l1`, T + 2, G!),
      view(`${u}-l2`, T + 3, E!),
      view(`${u}-l2`, T + 4, F!),
    );
    const inputs = (userId: string) =>
      profileId(userId).then((id) =>
        portrait.repository.recommendationInputs({
          id,
          consentKeys: [],
          sources: 5,
          neighbours: 20,
          candidates: 200,
          first: 10,
          now: Date.now(),
          halfLifeMs: 30 * 24 * HOUR,
          lookalikeWeight: 1,
        }),
      );
    const forL2 = (await inputs(`${u}-l2`))!;
    const fromL1 = forL2.alike.find((a) => a.productId === G!.product_id);
    expect(fromL1).toMatchObject({ profiles: 1 });
    expect(fromL1!.similarity).toBeGreaterThan(0.9);
    expect(forL2.mass).toBeGreaterThanOrEqual(fromL1!.similarity);
    const forL1 = (await inputs(`${u}-l1`))!;
    expect(forL1.bought).toEqual([G!.product_id]);
    expect(forL1.alike.map((a) => a.productId)).not.toContain(G!.product_id);

    const recommended = await portrait.recommendations.recommend(await profileId(`${u}-l2`), 10);
    expect(recommended.find((r) => r.productId === G!.product_id)).toMatchObject({
      reason: 'bought by 1 profile like you',
    });
  });

  it('gives a profile without history the popular products', async () => {
    await ingest(identify({ userId: `${u}-new`, traits: { city: 'Wuhan' }, timestamp: at(T) }));
    // Popularity: A 5 + 5 + 1 = 11, B 1 + 5 + 1 = 7, C 3 (all decayed alike); overall list scores × 0.5.
    expect(await portrait.recommendations.recommend(await profileId(`${u}-new`), 10)).toEqual([
      { productId: A.product_id, score: 0.5, reason: 'popular overall' },
      { productId: B.product_id, score: 0.318182, reason: 'popular overall' },
      { productId: C.product_id, score: 0.136364, reason: 'popular overall' },
    ]);
  });

  it('gives a profile that refuses personalisation popular products only, and no embedding', async () => {
    await ingest(
      identify({ userId: `${u}-private`, traits: { consent: { personalization: false } }, timestamp: at(T) }),
      view(`${u}-private`, T, D),
    );
    const id = await profileId(`${u}-private`);
    const reason = 'popular overall (this profile does not allow personalised recommendations)';
    expect(await portrait.recommendations.recommend(id, 2)).toEqual([
      { productId: A.product_id, score: 1, reason },
      { productId: B.product_id, score: 0.636364, reason },
    ]);
    const [row] = await db.cypher('MATCH (p:Profile {id: $id}) RETURN p.embedding AS embedding', { id });
    expect(row!.embedding).toBeNull();
    const [other] = await db.cypher('MATCH (p:Profile {id: $id}) RETURN size(p.embedding) AS dims', {
      id: await profileId(`${u}-p4`),
    });
    expect(other!.dims).toBe(64);
  });

  it('updates after new events: engagement at once, related products with the next refresh', async () => {
    const p4 = await profileId(`${u}-p4`);
    await ingest(buy(`${u}-p4`, T + HOUR, C));
    const [dirty] = await db.cypher(
      'MATCH (prod:Product {id: $id}) RETURN prod.relatedDirty AS dirty, COUNT { (:Profile {id: $p4})-[:ENGAGED {purchases: 1}]->(prod) } AS engaged',
      { id: C.product_id, p4 },
    );
    expect(dirty).toEqual({ dirty: true, engaged: 1 });
    expect((await portrait.recommendations.recommend(p4, 10)).map((r) => r.productId)).not.toContain(
      C.product_id,
    );

    expect(await refreshed()).toMatchObject({ kind: 'recommendations.refresh.dirty', state: 'SUCCEEDED' });
    expect((await related(C))!.map((r) => [r.productId, r.support])).toEqual(
      expect.arrayContaining([
        [A.product_id, 1],
        [B.product_id, 1],
      ]),
    );
    // B's engagement did not change, but its list gains C through the reverse patch of C's refresh.
    expect((await related(B))!.map((r) => r.productId)).toContain(C.product_id);
    expect(await refreshed()).toBeNull();
    await expectListsMatchEdges(`${u}-`);
    await expectBoughtMatchesEdges(`${u}-`);
  });

  it('patches a relation towards a changed product only when it moved by more than the tolerance', async () => {
    const score = async (from: typeof A, to: typeof A) =>
      (await related(from))!.find((r) => r.productId === to.product_id)!.score;
    const lenient = withSettings({ ...settings, patchTolerance: 100 });
    // A new viewer of C moves the cosine of A and C but not their shared profiles (P3 alone).
    await ingest(view(`${u}-p5`, T + HOUR, C));
    const before = await score(A, C);
    expect(await lenient.recommendations.refresher.refreshDirty()).not.toBeNull();
    await db.services.jobs.idle();
    const fresh = await score(C, A);
    expect(fresh).not.toBe(before);
    expect(await score(A, C)).toBe(before);

    // The same with the default tolerance: A's relation towards C is rewritten, equal to C's towards A.
    await ingest(view(`${u}-p6`, T + HOUR, C));
    expect(await refreshed()).toMatchObject({ state: 'SUCCEEDED' });
    expect(await score(A, C)).toBe(await score(C, A));
    expect(await score(A, C)).not.toBe(fresh);
    await expectListsMatchEdges(`${u}-`);
  });

  it('keeps engagement on live profiles only when profiles merge', async () => {
    const anonymous = `${u}-anon`;
    const user = `${u}-merge`;
    await ingest(
      track('Product Viewed', { anonymousId: anonymous, timestamp: at(T), properties: A }),
      buy(user, T + HOUR, B),
    );
    const before = await db.profileOf('anonymous_id', anonymous);
    expect(before!.id).not.toBe(await profileId(user));
    await ingest(identify({ userId: user, anonymousId: anonymous, timestamp: at(T + 2 * HOUR) }));
    const survivor = await profileId(user);
    const [row] = await db.cypher(
      `MATCH (p:Profile {id: $survivor})
       RETURN COLLECT { MATCH (p)-[:ENGAGED]->(prod) RETURN prod.id } AS engaged,
         COUNT { (:MergedProfile)-[:ENGAGED]->() } AS leftovers`,
      { survivor },
    );
    expect(new Set(row!.engaged as string[])).toEqual(new Set([A.product_id, B.product_id]));
    expect(row!.leftovers).toBe(0);
    await expectBoughtMatchesEdges(`${u}-`);
  });

  it('recomputes engagement when a settle brings interactions, not when it brings traits alone', async () => {
    const user = `${u}-traits`;
    await ingest(buy(user, T, A));
    const statements: string[] = [];
    const stop = db.executor.onQuery((event) => statements.push(event.query));
    try {
      await ingest(identify({ userId: user, traits: { plan: 'gold' }, timestamp: at(T + HOUR) }));
      // The profile was settled (its facts read), its engagement left as it was.
      expect(statements).toContain('profiles.profileFacts');
      expect(statements).not.toContain('recommendations.engagementInputs');
      statements.length = 0;
      await ingest(view(user, T + 2 * HOUR, B));
      expect(statements).toContain('recommendations.engagementInputs');
    } finally {
      stop();
    }
    const [row] = await db.cypher(
      `MATCH (p:Profile {id: $id}) RETURN COLLECT { MATCH (p)-[:ENGAGED]->(prod) RETURN prod.id } AS engaged`,
      { id: await profileId(user) },
    );
    expect(new Set(row!.engaged as string[])).toEqual(new Set([A.product_id, B.product_id]));
  });

  it('computes the same engagement from the interactions the settle read before as from its own read', async () => {
    const user = `${u}-memo`;
    await ingest(
      view(user, T, A),
      view(user, T + 1, A),
      cart(user, T + 2, A),
      buy(user, T + 3, B),
      view(user, T + 4, C),
      track('Page Viewed', { userId: user, timestamp: at(T + 5) }),
    );
    const id = await profileId(user);
    const engaged = () =>
      db.cypher(
        `MATCH (:Profile {id: $id})-[e:ENGAGED]->(prod)
         RETURN prod.id AS product, e.weight AS weight, e.purchases AS purchases, e.carts AS carts,
           e.views AS views, e.lastAt AS lastAt ORDER BY product`,
        { id },
      );
    const drop = () => db.cypher('MATCH (:Profile {id: $id})-[e:ENGAGED]->() DELETE e', { id });
    const now = Date.now();
    // The engagement step alone reads the interactions itself (as a rebuild runs it) ...
    await drop();
    await db.executor.writeTx('test.engagement', (tx) => portrait.recommendations.settle(tx, [id], now));
    const read = await engaged();
    expect(read.map((row) => [row.product, row.purchases, row.carts, row.views])).toEqual(
      [
        [A.product_id, 0, 1, 2],
        [B.product_id, 1, 0, 0],
        [C.product_id, 0, 0, 1],
      ].sort(),
    );
    // ... and within a whole settle takes them from the derive step's read, without reading them again.
    await drop();
    const inputs = jest.spyOn(portrait.repository, 'engagementInputs');
    try {
      await db.executor.writeTx('test.settle', (tx) => db.services.changes.settle(tx, [id], now));
      expect(inputs).toHaveBeenCalledTimes(1);
      const [, profiles, withInteractions] = inputs.mock.calls[0]!;
      expect([profiles.map((p) => p.id), withInteractions]).toEqual([[id], false]);
    } finally {
      inputs.mockRestore();
    }
    expect(await engaged()).toEqual(read);
  });

  it('creates, updates and deletes each engagement once when settles of one profile run at once', async () => {
    const user = `${u}-concurrent`;
    await ingest(view(user, T, A), cart(user, T + 1, B), buy(user, T + 2, D));
    const id = await profileId(user);
    const engaged = () =>
      db.cypher(
        `MATCH (:Profile {id: $id})-[e:ENGAGED]->(prod)
         RETURN prod.id AS product, count(e) AS edges, collect(e.carts) AS carts ORDER BY product`,
        { id },
      );
    const settleAtOnce = () =>
      Promise.all(
        Array.from({ length: 6 }, () =>
          db.executor.writeTx('test.settle', (tx) => portrait.recommendations.settle(tx, [id], Date.now())),
        ),
      );
    // Every edge missing: each settle finds all three to create, and only the first to hold the lock does.
    await db.cypher('MATCH (:Profile {id: $id})-[e:ENGAGED]->() DELETE e', { id });
    await settleAtOnce();
    expect(await engaged()).toEqual(
      [
        { product: A.product_id, edges: 1, carts: [0] },
        { product: B.product_id, edges: 1, carts: [1] },
        { product: D.product_id, edges: 1, carts: [0] },
      ].sort((x, y) => x.product.localeCompare(y.product)),
    );
    // One edge stale, one that no interaction supports.
    await db.cypher(
      `MATCH (p:Profile {id: $id})-[e:ENGAGED]->(:Product {id: $b}) SET e.carts = 7
       WITH p MATCH (c:Product {id: $c}) CREATE (p)-[:ENGAGED {weight: 1, purchases: 0, carts: 0, views: 1, lastAt: 0}]->(c)`,
      { id, b: B.product_id, c: C.product_id },
    );
    await settleAtOnce();
    expect((await engaged()).map((row) => [row.product, row.edges, row.carts])).toEqual(
      [A, B, D].map((p) => [p.product_id, 1, [p === B ? 1 : 0]]),
    );
  });

  it('recommends from the ENGAGED edges of profiles whose purchases an older version did not store', async () => {
    await expectBoughtMatchesEdges(`${u}-`);
    const ids = await Promise.all([`${u}-p4`, `${u}-p2`, `${u}-l2`, `${u}-l1`].map(profileId));
    const inputs = () => Promise.all(ids.map((id) => inputsOf(id, 10, T + 24 * HOUR)));
    const before = await inputs();
    // Both parts read purchases: the profiles' own, and (L2's lookalike L1 bought G) their lookalikes'.
    expect(before.filter((row) => row!.bought.length > 0).length).toBeGreaterThan(1);
    expect(before.filter((row) => row!.alike.length > 0).length).toBeGreaterThan(0);
    const stored = await db.cypher(
      `MATCH (p:Profile) WHERE p.boughtIds IS NOT NULL
         AND EXISTS { (p)-[:ENGAGED]->(x:Product) WHERE x.id STARTS WITH $prefix }
       RETURN p.id AS id, p.boughtIds AS bought`,
      { prefix: `${u}-` },
    );
    await db.cypher('UNWIND $stored AS s MATCH (p:Profile {id: s.id}) REMOVE p.boughtIds', { stored });
    try {
      const after = await inputs();
      const asSets = (rows: typeof before) => rows.map((row) => ({ ...row, bought: new Set(row!.bought) }));
      expect(asSets(after)).toEqual(asSets(before));
    } finally {
      // A settle of their engagement stores them again, though nothing changed the profiles' windows.
      for (const { id } of stored) {
        await db.executor.writeTx('test.engagement', (tx) =>
          portrait.recommendations.settle(tx, [id as string], Date.now()),
        );
      }
    }
    await expectBoughtMatchesEdges(`${u}-`);
    expect(await inputs()).toEqual(before);
  });

  it('recommends from the RELATED edges of a product whose lists a refresh of an older version did not store', async () => {
    const ids = await Promise.all([`${u}-p4`, `${u}-p2`, `${u}-l2`, `${u}-p5`].map(profileId));
    const recommendAll = () => Promise.all(ids.map((id) => portrait.recommendations.recommend(id, 10)));
    const before = await recommendAll();
    expect(before.flat().filter((r) => r.reason.includes(' together with ')).length).toBeGreaterThan(1);
    const stored = await db.cypher(
      `MATCH (a:Product) WHERE a.id STARTS WITH $prefix AND a.relatedIds IS NOT NULL
       RETURN a.id AS id, a {.relatedIds, .relatedScores, .relatedTogether} AS lists`,
      { prefix: `${u}-` },
    );
    expect(stored.length).toBeGreaterThan(1);
    await db.cypher(
      'MATCH (a:Product) WHERE a.id STARTS WITH $prefix REMOVE a.relatedIds, a.relatedScores, a.relatedTogether',
      { prefix: `${u}-` },
    );
    try {
      expect(await recommendAll()).toEqual(before);
    } finally {
      await db.cypher('UNWIND $stored AS s MATCH (a:Product {id: s.id}) SET a += s.lists', { stored });
    }
    await expectListsMatchEdges(`${u}-`);
  });
});

describe('the GraphQL fields', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildSchema({
      resolvers: [...resolvers, ...recommendationResolvers],
      scalarsMap,
      validate: false,
      authChecker,
      authMode: 'error',
      pubSub: createPubSub(),
    });
  });
  const run = (source: string, variables: Record<string, unknown> = {}) => {
    const base = createContext(db.services, db.config, viewerOf('admin-key', 'test', 'admin', []));
    const contextValue = {
      ...base,
      services: { ...base.services, ...portrait },
      loaders: {
        ...base.loaders,
        recommendations: createRecommendationLoaders(portrait.repository, base.loaders.products.product),
      },
    };
    return graphql({ schema, source, variableValues: variables, contextValue });
  };
  /** Runs `source`; its result and the statements it made, in order. */
  const runCounting = async (source: string, variables: Record<string, unknown> = {}) => {
    const statements: string[] = [];
    const stop = db.executor.onQuery((event) => statements.push(event.query));
    try {
      return { result: await run(source, variables), statements };
    } finally {
      stop();
    }
  };

  it('answers relatedProducts with the related products’ own fields in one round trip', async () => {
    const { result, statements } = await runCounting(
      `query ($a: ID!) { relatedProducts(productId: $a, first: 1) { product { id name category } score } }`,
      { a: A.product_id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      relatedProducts: [
        {
          product: { id: B.product_id, name: 'Trail Shoe B', category: 'Sports/Running/Shoes' },
          score: 0.538968,
        },
      ],
    });
    expect(statements).toEqual(['recommendations.relatedOfProducts']);
  });

  /** Each recommendation as the GraphQL field gives it, with its product's fields read from the graph. */
  const asAnswered = async (
    recommendations: ReadonlyArray<{ productId: string; score: number; reason: string }>,
  ) => {
    const rows = await db.cypher(
      'UNWIND $ids AS id MATCH (p:Product {id: id}) RETURN p {.id, .name, .category} AS product',
      { ids: recommendations.map((r) => r.productId) },
    );
    const fields = new Map(rows.map((row) => [(row.product as { id: string }).id, row.product]));
    return recommendations.map((r) => ({
      product: fields.get(r.productId),
      score: r.score,
      reason: r.reason,
    }));
  };
  const RECOMMENDATIONS = `query ($p: ID!, $first: Int) {
    recommendations(profileId: $p, first: $first) { product { id name category } score reason }
  }`;

  it('answers recommendations with the products’ own fields in one round trip', async () => {
    // Related products (P4), a lookalike's purchase (L2), popular ones for a profile without history (new).
    for (const user of [`${u}-p4`, `${u}-l2`, `${u}-new`]) {
      const id = await profileId(user);
      const expected = await portrait.recommendations.recommend(id, 3);
      expect(expected.length).toBeGreaterThan(0);
      const { result, statements } = await runCounting(RECOMMENDATIONS, { p: id, first: 3 });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ recommendations: await asAnswered(expected) });
      expect(statements).toEqual(['recommendations.recommendationInputs']);
    }
  });

  it('reads the fields of a recommended product the statement did not foresee through the product loader', async () => {
    // The statement does not weigh consent: for a profile that refuses personalisation it foresees a personal
    // candidate (B, related to the A it viewed), and the popular product it is offered instead is read in a
    // second round trip.
    const user = `${u}-private-viewer`;
    await ingest(
      identify({ userId: user, traits: { consent: { personalization: false } }, timestamp: at(T) }),
      view(user, T, A),
    );
    const id = await profileId(user);
    const expected = await portrait.recommendations.recommend(id, 1);
    expect(expected).toEqual([expect.objectContaining({ reason: expect.stringMatching(/does not allow/) })]);
    const foreseen = await inputsOf(id, 1);
    expect(foreseen!.products.map((p) => p.id)).toEqual([B.product_id]);
    expect(expected[0]!.productId).not.toBe(B.product_id);
    const { result, statements } = await runCounting(RECOMMENDATIONS, { p: id, first: 1 });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ recommendations: await asAnswered(expected) });
    expect(statements).toEqual(['recommendations.recommendationInputs', 'products.productsByIds']);
  });

  it('answer relatedProducts, Product.related and recommendations with the default first', async () => {
    const result = await run(
      `query ($a: ID!, $p: ID!) {
        relatedProducts(productId: $a) { product { id name } score support confidence lift }
        product(id: $a) { related(first: 1) { product { id } } }
        recommendations(profileId: $p) { product { id } score reason }
      }`,
      { a: A.product_id, p: await profileId(`${u}-new`) },
    );
    expect(result.errors).toBeUndefined();
    const data = result.data as {
      relatedProducts: Array<{ product: { id: string; name: string } }>;
      product: { related: Array<{ product: { id: string } }> };
      recommendations: Array<{ reason: string }>;
    };
    expect(data.relatedProducts[0]).toEqual({
      product: { id: B.product_id, name: 'Trail Shoe B' },
      score: 0.538968,
      support: 2,
      confidence: 0.666667,
      lift: 0.888889,
    });
    expect(data.product.related).toEqual([{ product: { id: B.product_id } }]);
    expect(data.recommendations.length).toBeGreaterThan(0);
  });

  it('reports unknown ids and a `first` over the cap as errors with a code and the argument', async () => {
    // Separate requests: the first error nulls the whole (non-null) result.
    for (const [field, argument] of [
      ['relatedProducts(productId: "nope")', 'productId'],
      ['recommendations(profileId: "nope")', 'profileId'],
    ] as const) {
      const result = await run(`{ ${field} { score } }`);
      expect(result.errors?.[0]).toMatchObject({
        message: `no ${argument === 'productId' ? 'product' : 'profile'} nope`,
        path: [field.slice(0, field.indexOf('('))],
        extensions: { code: 'NOT_FOUND', argument },
      });
    }
    const tooMany = await run(`query ($a: ID!) { relatedProducts(productId: $a, first: 51) { score } }`, {
      a: A.product_id,
    });
    expect(tooMany.errors?.[0]).toMatchObject({
      message: 'first must be a whole number from 0 to 50 (got 51)',
      extensions: { code: 'BAD_USER_INPUT', argument: 'first', max: 50 },
    });
  });
});

describe('a refresh over products engaged together with many others', () => {
  it('reads only the pairs that can enter a list and keeps the same lists', async () => {
    // H is viewed together with seven products: Y1 by seven profiles, Y2 by six, ..., Y7 by one.
    const k = unique('rec-k');
    const hub = { product_id: `${k}-H`, name: 'Hub', category: 'Sports/Running/Shoes', price: 100 };
    const ys = [1, 2, 3, 4, 5, 6, 7].map((i) => ({ ...hub, product_id: `${k}-Y${i}`, name: `Y${i}` }));
    const events = ys.flatMap((_, i) => [
      view(`${k}-q${i}`, T, hub),
      ...ys.slice(0, i + 1).map((y) => view(`${k}-q${i}`, T + 1000, y)),
    ]);
    await ingest(...events);
    const lists = async () =>
      Object.fromEntries(
        await Promise.all(
          [hub, ...ys].map(async (p) => [p.product_id, (await related(p))?.slice(0, 2) ?? null] as const),
        ),
      );

    const full = await portrait.recommendations.refresh(false);
    await db.services.jobs.idle();
    expect(await db.services.jobs.job(full.id)).toMatchObject({ state: 'SUCCEEDED' });
    const whole = await lists();
    expect(whole[hub.product_id]!.map((r) => [r.productId, r.support])).toEqual([
      [ys[0]!.product_id, 7],
      [ys[1]!.product_id, 6],
    ]);
    await expectListsMatchEdges(`${k}-`);

    // Lists of two: the statement returns at most the best four pairs of each product (none of the others
    // could enter a list of two), and the lists are the first two of the longer ones, figure for figure.
    const short = withSettings({ ...settings, relatedPerProduct: 2 });
    const read = await db.executor.writeTx('test.coEngagement', (tx) =>
      short.repository.coEngagement(tx, [hub.product_id], Date.now(), 90 * 24 * HOUR, false, {
        k: 2,
        minSupport: settings.minSupport,
        shrink: settings.supportShrink,
        tolerance: settings.patchTolerance,
      }),
    );
    expect(read[0]!.others.map((o) => o.id)).toEqual(ys.slice(0, 4).map((y) => y.product_id));
    await db.cypher('MATCH (:Product)-[r:RELATED]->(:Product) DELETE r');
    const again = await short.recommendations.refresh(false);
    await db.services.jobs.idle();
    expect(await db.services.jobs.job(again.id)).toMatchObject({ state: 'SUCCEEDED' });
    expect(await lists()).toEqual(whole);
    // Trimmed back to two, the lists stored on the products too.
    await expectListsMatchEdges(`${k}-`);
  });
});

describe('the scheduled refresh', () => {
  it('is not restarted every tick after it failed, only once failedRetryAfterMs has passed', async () => {
    const failed = await db.services.jobs.start(
      'recommendations.refresh.all',
      'a refresh that outlasted the transaction timeout',
      () => Promise.reject(new Error('transaction timed out')),
      REFRESH_SUBJECT,
    );
    await db.services.jobs.idle();
    expect(await db.services.jobs.job(failed.id)).toMatchObject({ state: 'FAILED' });
    const refresher = portrait.recommendations.refresher;
    const now = Date.now();
    expect(await refresher.tick(now)).toBeNull();
    expect(await refresher.tick(now + settings.failedRetryAfterMs - 60_000)).toBeNull();
    const next = await refresher.tick(now + settings.failedRetryAfterMs + 1);
    expect(next).not.toBeNull();
    await db.services.jobs.idle();
    expect(await db.services.jobs.job(next!.id)).toMatchObject({ state: 'SUCCEEDED' });
  });
});
