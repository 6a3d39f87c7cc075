import { Scheduler } from '../../src/audiences/scheduler';
import { silentLogger } from '../../src/common/logger';
import { DEFAULT_LIFECYCLE } from '../../src/tags/models/lifecycle';
import { identify, track } from '../helpers/events';
import { openTestDb, unique, wipe, type TestDb } from '../helpers/neo4j';

const DAY = 86_400_000;
let db: TestDb;

beforeAll(async () => {
  db = await openTestDb();
  await wipe(db);
  await db.services.tags.installDefaults();
});
afterAll(async () => {
  await db.services.jobs.idle();
  await db.close();
});

const ingest = (...events: Array<Record<string, unknown>>) => db.services.ingest.ingest(events);
const at = (ms: number) => new Date(ms).toISOString();
const profileId = async (userId: string) => (await db.profileOf('user_id', userId))!.id;

async function createSegment(name: string, rule: unknown) {
  const { segment, job } = await db.services.segments.create(name, rule);
  await db.services.jobs.idle();
  return { segment, job: job ? await db.services.jobs.job(job.id) : null };
}

async function log(segmentId: string, after = 0) {
  const head = await db.services.repositories.segments.head();
  return (await db.services.repositories.segments.changesAfter(after, head, segmentId, 1000)).map((c) => [
    c.profileId,
    c.change,
  ]);
}

describe('segments', () => {
  it('a new segment is evaluated over all profiles by a job with progress', async () => {
    const u = unique('city');
    await ingest(
      ...Array.from({ length: 12 }, (_, i) =>
        identify({ userId: `${u}-${i}`, traits: { city: i % 3 === 0 ? 'Shanghai' : 'Wuhan' } }),
      ),
    );
    const { segment, job } = await createSegment(`${u} Shanghai`, {
      all: [{ trait: 'city', eq: 'Shanghai' }, { identity: 'user_id' }],
    });
    expect(job).toMatchObject({ kind: 'segment.evaluate', state: 'SUCCEEDED', progress: 1 });
    expect(job!.total).toBeGreaterThanOrEqual(12);
    const members = await db.services.segments.members(segment.id, 100, null);
    expect(members.totalCount).toBe(4);
    expect((await db.services.jobs.latestFor(`segment:${segment.id}`))?.id).toBe(job!.id);
  });

  it('profiles enter and exit as events arrive, each change in the durable log', async () => {
    const u = unique('plan');
    const { segment } = await createSegment(`${u} gold`, { trait: 'plan', eq: 'gold' });
    const before = await db.services.repositories.segments.head();
    await ingest(identify({ userId: u, traits: { plan: 'gold' }, day: 1 }));
    const id = await profileId(u);
    await ingest(identify({ userId: u, traits: { plan: 'silver' }, day: 2 }));
    await ingest(identify({ userId: u, traits: { plan: 'gold' }, day: 3 }));
    expect(await log(segment.id, before)).toEqual([
      [id, 'ENTERED'],
      [id, 'EXITED'],
      [id, 'ENTERED'],
    ]);
    const head = await db.services.repositories.segments.head();
    const all = await db.services.repositories.segments.changesAfter(0, head, null, 100_000);
    expect(all.map((c) => c.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
  });

  it('counts behaviour in rolling windows and leaves the segment when the window passes (scheduler)', async () => {
    const u = unique('active');
    const now = Date.now();
    const { segment } = await createSegment(`${u} ordered twice this week`, {
      all: [
        { identity: 'user_id' },
        { trait: 'cohort', eq: u },
        { event: 'Order Completed', withinDays: 7, count: { gte: 2 } },
      ],
    });
    await ingest(identify({ userId: u, traits: { cohort: u }, timestamp: at(now - 6 * DAY) }));
    await ingest(
      track('Order Completed', {
        userId: u,
        timestamp: at(now - 6 * DAY),
        properties: { order_id: `${u}-1`, revenue: 10 },
      }),
    );
    expect(await log(segment.id)).toEqual([]);
    await ingest(
      track('Order Completed', {
        userId: u,
        timestamp: at(now - 5 * DAY),
        properties: { order_id: `${u}-2`, revenue: 20 },
      }),
    );
    const id = await profileId(u);
    expect(await log(segment.id)).toEqual([[id, 'ENTERED']]);

    const scheduler = new Scheduler(
      db.executor,
      db.services.audiences,
      db.services.models,
      db.services.changes,
      {
        intervalMs: 60_000,
        lifecycle: DEFAULT_LIFECYCLE,
        retrainAfterMs: Number.MAX_SAFE_INTEGER,
        batchSize: 100,
      },
      silentLogger,
    );
    await db.cypher('MATCH (m:ModelState {id: "rfm"}) DETACH DELETE m');
    await db.cypher('MERGE (m:ModelState {id: "rfm"}) SET m.json = $json, m.computedAt = $now', {
      json: JSON.stringify({
        version: 1,
        computedAt: now,
        sampleSize: 0,
        recency: [],
        frequency: [],
        monetary: [],
      }),
      now,
    });
    await scheduler.tick(now);
    expect(await log(segment.id)).toEqual([[id, 'ENTERED']]);
    const report = await scheduler.tick(now + 2 * DAY);
    expect(report.ran).toBe(true);
    expect(await log(segment.id)).toEqual([
      [id, 'ENTERED'],
      [id, 'EXITED'],
    ]);
  });

  it('keeps RULE tags of the default catalogue and MODEL tags current on ingest', async () => {
    const u = unique('tags');
    const now = Date.now();
    await ingest(
      identify({
        userId: u,
        traits: { gender: 'female', age: 29, city: 'Chengdu' },
        timestamp: at(now - DAY),
      }),
    );
    await ingest(
      track('Order Completed', {
        userId: u,
        timestamp: at(now - DAY),
        properties: {
          order_id: `${u}-o`,
          products: [{ product_id: `${u}-p`, category: 'Sports/Running/Shoes', price: 150, quantity: 1 }],
        },
      }),
    );
    const id = await profileId(u);
    const tags = (await db.services.repositories.tags.tagsOf([id]))[0]!;
    const byId = new Map(tags.map((t) => [t.tagId, t.score]));
    for (const tag of [
      'tag-gender-female',
      'tag-age-25-34',
      'tag-city-chengdu',
      'tag-active-7d',
      'tag-lifecycle-new',
      'tag-aov-mid',
      'tag-buyer-occasional',
    ]) {
      expect([tag, byId.has(tag)]).toEqual([tag, true]);
    }
    expect(byId.get('tag-interest-sports')).toBeGreaterThan(0.5);
    expect(byId.get('tag-interest-sports')).toBeLessThanOrEqual(1);
    const [profile] = await db.cypher(
      'MATCH (p:Profile {id: $id}) RETURN p.lifecycleStage AS stage, p.orders AS orders, p.monetary AS monetary',
      { id },
    );
    expect(profile).toEqual({ stage: 'NEW', orders: 1, monetary: 150 });
  });

  it('refuses bad rules with problems that name their path', async () => {
    const bad = async (rule: unknown) => {
      try {
        await db.services.segments.create('bad', rule);
      } catch (error) {
        return (error as { extensions: { code: string; problems: Array<{ path: string; message: string }> } })
          .extensions;
      }
      throw new Error('expected the rule to be refused');
    };
    expect(await bad({ trait: 'city', like: 'Shang%' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      problems: [{ path: 'rule.like' }],
    });
    expect(await bad({ all: [{ event: 'Order Completed', withinDays: 'seven' }] })).toMatchObject({
      problems: [{ path: 'rule.all[0].withinDays' }],
    });
    expect(await bad({ tag: 'tag-that-never-was' })).toMatchObject({ problems: [{ path: 'rule.tag' }] });

    const b = await createSegment('B', { trait: 'x', eq: 1 });
    const a = await createSegment('A', { segment: b.segment.id });
    await expect(
      db.services.segments.update(b.segment.id, { rule: { segment: a.segment.id } }),
    ).rejects.toMatchObject({
      extensions: {
        code: 'BAD_USER_INPUT',
        problems: [
          expect.objectContaining({
            message: expect.stringMatching(/^refers to itself: segment .* -> segment .* -> segment /),
          }),
        ],
      },
    });
    await expect(db.services.segments.delete(b.segment.id)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('a MANUAL tag set by identifiers moves profiles into segments that use it; a used tag cannot be deleted', async () => {
    const u = unique('vip');
    await ingest(identify({ userId: u, traits: { email: `${u}@example.com` } }));
    const { tag } = await db.services.tags.createTag({
      name: `${u} VIP`,
      categoryId: 'cat-value',
      kind: 'MANUAL' as never,
    });
    const { segment } = await createSegment(`${u} VIPs`, { tag: tag.id });
    const id = await profileId(u);
    const tagged = await db.services.tags.setManual(
      tag.id,
      [],
      new Map([[`email:${u}@example.com`, id]]),
      0.9,
      true,
    );
    expect(tagged).toEqual({ profiles: 1, notFound: [] });
    expect(await log(segment.id)).toEqual([[id, 'ENTERED']]);
    await expect(db.services.tags.deleteTag(tag.id)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    await db.services.tags.setManual(tag.id, [id], new Map(), null, false);
    expect(await log(segment.id)).toEqual([
      [id, 'ENTERED'],
      [id, 'EXITED'],
    ]);
  });

  it('a profile merged into another exits its segments and hands its manual tags to the survivor', async () => {
    const u = unique('merge');
    const { tag } = await db.services.tags.createTag({
      name: `${u} hand-picked`,
      categoryId: 'cat-value',
      kind: 'MANUAL' as never,
    });
    const { segment } = await createSegment(`${u} cohort`, { trait: 'cohort', eq: u });
    await ingest(identify({ anonymousId: `${u}-anon`, traits: { cohort: u }, day: 1 }));
    await ingest(identify({ userId: u, traits: { cohort: u }, day: 2 }));
    const survivor = (await db.profileOf('anonymous_id', `${u}-anon`))!.id;
    const mergedAway = await profileId(u);
    expect(mergedAway).not.toBe(survivor);
    await db.services.tags.setManual(tag.id, [mergedAway], new Map(), 0.5, true);
    const before = await db.services.repositories.segments.head();

    await ingest(identify({ userId: u, anonymousId: `${u}-anon`, day: 3 }));

    expect(await profileId(u)).toBe(survivor);
    expect(await log(segment.id, before)).toEqual([[mergedAway, 'EXITED']]);
    expect((await db.services.segments.members(segment.id, 10, null)).totalCount).toBe(1);
    const [held] = await db.cypher(
      `MATCH (m:MergedProfile {id: $mergedAway})
       RETURN COUNT { (m)-[:MEMBER_OF]->() } AS memberships, COUNT { (m)-[:HAS_TAG]->() } AS tags,
         COUNT { (:Profile {id: $survivor})-[:HAS_TAG]->(:Tag {id: $tagId}) } AS moved`,
      { mergedAway, survivor, tagId: tag.id },
    );
    expect(held).toEqual({ memberships: 0, tags: 0, moved: 1 });
  });

  it('reports size over time, overlap and a breakdown by tag category; deleting a segment exits everyone', async () => {
    const u = unique('an');
    await ingest(
      ...Array.from({ length: 6 }, (_, i) =>
        identify({
          userId: `${u}-${i}`,
          traits: { cohort: u, city: i < 4 ? 'Nanjing' : 'Suzhou', gender: i % 2 ? 'male' : 'female' },
        }),
      ),
    );
    const all = await createSegment(`${u} all`, { trait: 'cohort', eq: u });
    const nanjing = await createSegment(`${u} nanjing`, {
      all: [
        { trait: 'cohort', eq: u },
        { trait: 'city', eq: 'Nanjing' },
      ],
    });
    expect(await db.services.segments.overlap(all.segment.id, nanjing.segment.id)).toEqual({
      size: 6,
      otherSize: 4,
      both: 4,
      jaccard: 4 / 6,
    });
    const [segment] = await db.services.segments.byIds([all.segment.id]);
    const breakdown = await db.services.segments.breakdown(segment!, 'cat-demographic-city');
    expect(breakdown).toEqual([
      { tagId: 'tag-city-nanjing', profiles: 4, share: 4 / 6 },
      { tagId: 'tag-city-suzhou', profiles: 2, share: 2 / 6 },
    ]);
    const history = await db.services.segments.sizeHistory(all.segment.id, 3);
    expect(history.map((p) => p.size)).toEqual([0, 0, 6]);

    expect(await db.services.segments.delete(all.segment.id)).toBe(true);
    expect((await log(all.segment.id)).filter(([, change]) => change === 'EXITED')).toHaveLength(6);
    expect(await db.services.segments.all()).not.toContainEqual(
      expect.objectContaining({ id: all.segment.id }),
    );
    expect(await db.services.segments.delete(all.segment.id)).toBe(false);
  });
});
