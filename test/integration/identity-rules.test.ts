import { identify, track } from '../helpers/events';
import { openTestDb, unique, wipe, type TestDb } from '../helpers/neo4j';

// Rules are global to the database: this file starts from an empty graph and leaves the defaults behind.
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  await wipe(db);
});
afterAll(async () => {
  await db.services.identity.setRules({});
  await db.services.jobs.idle();
  await db.close();
});

const ingest = (...events: Array<Record<string, unknown>>) => db.services.ingest.ingest(events);
const idOf = async (namespace: string, value: string) => (await db.profileOf(namespace, value))?.id ?? null;

async function applyRules(rules: unknown) {
  const { job } = await db.services.identity.setRules(rules);
  await db.services.jobs.idle();
  return job ? await db.services.jobs.job(job.id) : null;
}

describe('identity rules', () => {
  it('refuses bad rules, naming each problem by path', async () => {
    await expect(
      db.services.identity.setRules({
        namespaces: [{ namespace: 'Bad Name', kind: 'ACCOUNT', limit: 0, priority: 1 }],
        sharedAfterAccounts: -1,
      }),
    ).rejects.toMatchObject({
      extensions: {
        code: 'BAD_USER_INPUT',
        problems: expect.arrayContaining([
          expect.objectContaining({ path: 'rules.namespaces.0.namespace' }),
          expect.objectContaining({ path: 'rules.namespaces.0.limit' }),
          expect.objectContaining({ path: 'rules.sharedAfterAccounts' }),
        ]),
      },
    });
    await expect(
      db.services.identity.setRules({
        namespaces: [
          { namespace: 'crm_id', kind: 'ACCOUNT', limit: 1, priority: 1 },
          { namespace: 'crm_id', kind: 'ACCOUNT', limit: 2, priority: 1 },
        ],
      }),
    ).rejects.toMatchObject({
      extensions: { problems: [expect.objectContaining({ path: 'rules.namespaces.1.namespace' })] },
    });
  });

  it('a tighter limit splits profiles (by job, with progress) and loosening it joins them again', async () => {
    const u = unique('lim');
    const emails = [1, 2, 3].map((i) => `${u}-${i}@example.com`);
    await ingest(...emails.map((email, i) => identify({ userId: u, traits: { email }, day: i + 1 })));
    const original = await idOf('user_id', u);
    expect(new Set(await Promise.all(emails.map((e) => idOf('email', e))))).toEqual(new Set([original]));

    const report = await db.services.identity.dryRun({
      namespaces: [{ namespace: 'email', kind: 'CONTACT', limit: 1, priority: 2 }],
    });
    expect(report).toMatchObject({ profilesSplit: 1, identifiersMoved: 2, truncated: false });
    expect(await idOf('email', emails[2]!)).toBe(original); // a dry run changes nothing

    const job = await applyRules({
      namespaces: [{ namespace: 'email', kind: 'CONTACT', limit: 1, priority: 2 }],
    });
    expect(job).toMatchObject({
      kind: 'identity.recompute',
      state: 'SUCCEEDED',
      done: 3,
      total: 3,
      progress: 1,
    });
    expect(await idOf('email', emails[0]!)).toBe(original); // the earliest email stays, and so does the id
    const others = await Promise.all(emails.slice(1).map((e) => idOf('email', e)));
    expect(others).not.toContain(original);
    expect(new Set(others).size).toBe(2);

    await applyRules({});
    expect(new Set(await Promise.all(emails.map((e) => idOf('email', e))))).toEqual(new Set([original]));
  });

  it('a newly blocked value stops identifying anybody; unblocking restores it', async () => {
    const u = unique('blk');
    await ingest(track('Opened', { userId: u, context: { device: { id: 'SHOP-DEMO-DEVICE' } } }));
    expect(await idOf('device_id', 'SHOP-DEMO-DEVICE')).toBe(await idOf('user_id', u));
    await applyRules({ blockedValues: ['shop-demo-device'] });
    expect(await idOf('device_id', 'SHOP-DEMO-DEVICE')).toBeNull();
    await ingest(track('Again', { userId: `${u}-other`, context: { device: { id: 'SHOP-DEMO-DEVICE' } } }));
    const [row] = await db.cypher(
      'MATCH (i:Identifier {value: "SHOP-DEMO-DEVICE"}) RETURN i.blocked AS blocked, COUNT { (i)-[:LINKED]-() } AS links',
    );
    expect(row).toEqual({ blocked: true, links: 1 });
    await applyRules({});
    expect(await idOf('device_id', 'SHOP-DEMO-DEVICE')).toBe(await idOf('user_id', u));
  });

  it('a lower shared-device threshold makes a device used by two accounts shared', async () => {
    const u = unique('thr');
    await ingest(
      track('A', { userId: `${u}-1`, anonymousId: `${u}-tab`, day: 1 }),
      track('B', { userId: `${u}-2`, anonymousId: `${u}-tab`, day: 2 }),
    );
    expect(await idOf('anonymous_id', `${u}-tab`)).toBe(await idOf('user_id', `${u}-1`));
    const dry = await db.services.identity.dryRun({ sharedAfterAccounts: 1 });
    expect(dry.newlyShared).toBeGreaterThanOrEqual(1);
    await applyRules({ sharedAfterAccounts: 1 });
    expect(await idOf('anonymous_id', `${u}-tab`)).toBeNull();
    const shared = await db.services.identity.sharedIdentifiers(100);
    expect(shared.find((s) => s.identifier.value === `${u}-tab`)?.profiles).toBe(2);
    await applyRules({});
  });

  it('configures a namespace of its own, e.g. a CRM id that outranks everything', async () => {
    const u = unique('crm');
    await applyRules({ namespaces: [{ namespace: 'crm_id', kind: 'ACCOUNT', limit: 1, priority: 1 }] });
    expect(db.services.identity.rulesConfig().namespaces.find((n) => n.namespace === 'crm_id')).toEqual({
      namespace: 'crm_id',
      kind: 'ACCOUNT',
      limit: 1,
      priority: 1,
    });
    await ingest(
      track('Synced', {
        userId: u,
        context: { externalIds: [{ id: `${u}-c`, type: 'crm_id', collection: 'users', encoding: 'none' }] },
      }),
    );
    expect(await idOf('crm_id', `${u}-c`)).toBe(await idOf('user_id', u));
  });
});
