import { TagKind } from '../../src/tags/tag.type';
import { identify, track } from '../helpers/events';
import { openTestDb, unique, type TestDb } from '../helpers/neo4j';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  await db.services.tags.installDefaults();
});
afterAll(async () => {
  await db.services.jobs.idle();
  await db.close();
});

const codeOf = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
  return 'no error';
};

describe('the tag catalogue', () => {
  it('has the default dimensions installed once', async () => {
    expect(await db.services.tags.installDefaults()).toBe(false);
    const { categories, tags } = await db.services.tags.catalogue();
    const roots = categories.filter((c) => c.parentId === null).map((c) => c.name);
    expect(roots).toEqual(
      expect.arrayContaining(['Demographic', 'Behaviour', 'Interest', 'Lifecycle', 'Value']),
    );
    const names = (categoryId: string) => tags.filter((t) => t.categoryId === categoryId).map((t) => t.name);
    expect(names('cat-lifecycle')).toEqual(
      expect.arrayContaining(['New', 'Active', 'At risk', 'Dormant', 'Churned']),
    );
    expect(names('cat-value-rfm-groups')).toEqual(
      expect.arrayContaining(['Champions', 'Loyal', 'At risk', 'Hibernating', 'Lost']),
    );
    expect(names('cat-demographic-age')).toEqual(['18-24', '25-34', '35-44', '45-54', '55+']);
  });

  it('creates, renames, moves and deletes categories, refusing cycles, clashes and non-empty deletes', async () => {
    const u = unique('cat');
    const parent = await db.services.tags.createCategory(`${u} parent`, null);
    const child = await db.services.tags.createCategory(`${u} child`, parent.id);
    expect(await codeOf(db.services.tags.createCategory(`${u} child`, parent.id))).toBe('CONFLICT');
    expect(await codeOf(db.services.tags.moveCategory(parent.id, child.id))).toBe('BAD_USER_INPUT');
    expect(await codeOf(db.services.tags.moveCategory(parent.id, parent.id))).toBe('BAD_USER_INPUT');
    expect(await db.services.tags.renameCategory(child.id, `${u} renamed`)).toMatchObject({
      name: `${u} renamed`,
    });
    const { tag } = await db.services.tags.createTag({
      name: `${u} gift buyer`, // unique: it ends up in a shared category
      categoryId: child.id,
      kind: TagKind.MANUAL,
    });
    expect(await codeOf(db.services.tags.deleteCategory(child.id))).toBe('CONFLICT');
    expect(await codeOf(db.services.tags.deleteCategory(parent.id))).toBe('CONFLICT');
    await db.services.tags.updateTag(tag.id, { categoryId: 'cat-value' });
    expect(await db.services.tags.moveCategory(child.id, null)).toMatchObject({ parentId: null });
    expect(await db.services.tags.deleteCategory(child.id)).toBe(true);
    expect(await db.services.tags.deleteCategory(parent.id)).toBe(true);
    expect(await codeOf(db.services.tags.deleteCategory(parent.id))).toBe('NOT_FOUND');
  });

  it('evaluates a new RULE tag over every profile, and again when its rule changes', async () => {
    const u = unique('rule');
    await db.services.ingest.ingest([
      identify({ userId: `${u}-1`, traits: { cohort: u, score: 10 } }),
      identify({ userId: `${u}-2`, traits: { cohort: u, score: 50 } }),
    ]);
    const { tag, job } = await db.services.tags.createTag({
      name: `${u} high score`,
      categoryId: 'cat-behaviour',
      kind: TagKind.RULE,
      rule: {
        all: [
          { trait: 'cohort', eq: u },
          { trait: 'score', gte: 40 },
        ],
      },
    });
    expect(job).not.toBeNull();
    await db.services.jobs.idle();
    expect((await db.services.repositories.tags.profileCounts([tag.id]))[0]).toBe(1);
    await db.services.tags.updateTag(tag.id, {
      rule: {
        all: [
          { trait: 'cohort', eq: u },
          { trait: 'score', gte: 5 },
        ],
      },
    });
    await db.services.jobs.idle();
    expect((await db.services.repositories.tags.profileCounts([tag.id]))[0]).toBe(2);
  });

  it('checks kinds: MODEL tags are not made by hand, RULE tags need a rule, MANUAL tags have none', async () => {
    const base = { name: unique('k'), categoryId: 'cat-value' };
    expect(await codeOf(db.services.tags.createTag({ ...base, kind: TagKind.MODEL }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(db.services.tags.createTag({ ...base, kind: TagKind.RULE }))).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(
        db.services.tags.createTag({ ...base, kind: TagKind.MANUAL, rule: { trait: 'a', eq: 1 } }),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(db.services.tags.createTag({ ...base, categoryId: 'cat-nowhere', kind: TagKind.MANUAL })),
    ).toBe('NOT_FOUND');
    expect(await codeOf(db.services.tags.setManual('tag-gender-female', ['x'], new Map(), null, true))).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('the models', () => {
  it('train end to end: every profile rescored with RFM and tagged with its behaviour cluster', async () => {
    const u = unique('train');
    // Buyers of very different frequency and value, so that RFM and the clusters have something to separate.
    await db.services.ingest.ingest(
      Array.from({ length: 24 }, (_, person) =>
        Array.from({ length: 1 + (person % 4) * 3 }, (_, order) =>
          track('Order Completed', {
            userId: `${u}-${person}`,
            day: -(person * 7 + order),
            properties: { order_id: `${u}-${person}-${order}`, total: 20 + (person % 3) * 400 },
          }),
        ),
      ).flat(),
    );
    const started = await db.services.models.train();
    await db.services.jobs.idle();
    const job = await db.services.jobs.job(started.id);
    expect(job).toMatchObject({ state: 'SUCCEEDED', error: null });
    expect(job!.message).toMatch(/^RFM over \d+ buyers; \d clusters/);
    const [scored] = await db.cypher(
      `MATCH (i:Identifier {namespace: 'user_id'})-[:IN]->(p:Profile) WHERE i.value STARTS WITH $u
       RETURN count(p) AS profiles, count(p.rfmScore) AS rfm,
         sum(COUNT { (p)-[:HAS_TAG]->(:Tag)-[:FILED_UNDER]->(:TagCategory {id: 'cat-behaviour-clusters'}) }) AS clustered`,
      { u },
    );
    expect(scored).toEqual({ profiles: 24, rfm: 24, clustered: 24 });
  });
});
