import { alias, identify, page, track } from '../helpers/events';
import { openTestDb, unique, type TestDb } from '../helpers/neo4j';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

const ingest = (...events: Array<Record<string, unknown>>) => db.services.ingest.ingest(events);
const profileOf = (namespace: string, value: string) => db.profileOf(namespace, value);
const identifiersOf = async (profileId: string) =>
  (await db.services.repositories.profiles.identifiersOf([profileId]))[0]!
    .map((i) => `${i.namespace}:${i.value}${i.shared ? ' (shared)' : ''}`)
    .sort();

describe('identity stitching through ingestion', () => {
  it('anonymous browsing then login: the anonymous profile merges into one, its id still resolving', async () => {
    const u = unique('u');
    const anon = `${u}-anon`;
    await ingest(page({ anonymousId: anon, day: 1 }));
    const anonymous = await profileOf('anonymous_id', anon);
    await ingest(identify({ userId: u, day: 2, traits: { name: 'Ann' } }));
    const account = await profileOf('user_id', u);
    expect(anonymous!.id).not.toBe(account!.id);

    await ingest(track('Logged In', { userId: u, anonymousId: anon, day: 3 }));
    const merged = await profileOf('user_id', u);
    expect(merged!.id).toBe(anonymous!.id); // the older profile survives
    expect(await identifiersOf(merged!.id)).toEqual([`anonymous_id:${anon}`, `user_id:${u}`]);
    expect((await db.profileById(account!.id))!.id).toBe(merged!.id);
    expect((await db.services.repositories.profiles.mergedIdsOf([merged!.id]))[0]).toEqual([account!.id]);
    expect(merged!.traits).toEqual({ name: 'Ann' });
    const history = await db.cypher(
      'MATCH (:Profile {id: $id})-[:HAS_CHANGE]->(c) RETURN c.kind AS kind, c.otherId AS other, c.messageId IS NOT NULL AS byEvent',
      {
        id: merged!.id,
      },
    );
    expect(history).toEqual([{ kind: 'MERGED', other: account!.id, byEvent: true }]);
  });

  it('one person on phone and laptop becomes one profile with both devices', async () => {
    const u = unique('u');
    await ingest(
      page({ anonymousId: `${u}-phone`, context: { device: { id: `${u}-dev` } }, day: 1 }),
      page({ anonymousId: `${u}-laptop`, day: 2 }),
    );
    await ingest(
      track('Logged In', { userId: u, anonymousId: `${u}-phone`, day: 3 }),
      track('Logged In', { userId: u, anonymousId: `${u}-laptop`, day: 4 }),
    );
    const p = await profileOf('user_id', u);
    expect(await identifiersOf(p!.id)).toEqual([
      `anonymous_id:${u}-laptop`,
      `anonymous_id:${u}-phone`,
      `device_id:${u}-dev`,
      `user_id:${u}`,
    ]);
  });

  it('two accounts sharing an email stay two profiles', async () => {
    const u = unique('u');
    const email = `${u}@family.example`;
    await ingest(
      identify({ userId: `${u}-1`, traits: { email }, day: 1 }),
      identify({ userId: `${u}-2`, traits: { email }, day: 2 }),
    );
    const one = await profileOf('user_id', `${u}-1`);
    const two = await profileOf('user_id', `${u}-2`);
    expect(one!.id).not.toBe(two!.id);
    expect((await profileOf('email', email))!.id).toBe(one!.id);
  });

  it('a family tablet used by four accounts is shared, bridging none of them', async () => {
    const u = unique('u');
    const tablet = `${u}-tablet`;
    for (let i = 1; i <= 4; i += 1) {
      await ingest(
        track('Played', {
          userId: `${u}-${i}`,
          anonymousId: `${u}-anon-${i}`,
          context: { device: { id: tablet } },
          day: i,
        }),
      );
    }
    const ids = await Promise.all(
      [1, 2, 3, 4].map(async (i) => (await profileOf('user_id', `${u}-${i}`))!.id),
    );
    expect(new Set(ids).size).toBe(4);
    for (const [i, id] of ids.entries()) {
      expect(await identifiersOf(id)).toEqual([
        `anonymous_id:${u}-anon-${i + 1}`,
        `device_id:${tablet} (shared)`,
        `user_id:${u}-${i + 1}`,
      ]);
    }
    expect(await profileOf('device_id', tablet)).toBeNull();
  });

  it('two user_ids on one device: two profiles, the device staying with the first login', async () => {
    const u = unique('u');
    const anon = `${u}-anon`;
    await ingest(track('Logged In', { userId: `${u}-b`, anonymousId: anon, day: 5 }));
    await ingest(track('Logged In', { userId: `${u}-a`, anonymousId: anon, day: 2 }));
    const a = await profileOf('user_id', `${u}-a`);
    const b = await profileOf('user_id', `${u}-b`);
    expect(a!.id).not.toBe(b!.id);
    expect(await identifiersOf(a!.id)).toEqual([`anonymous_id:${anon}`, `user_id:${u}-a`]);
    expect(await identifiersOf(b!.id)).toEqual([`user_id:${u}-b`]);
  });

  it('a merge chain A~B~C resolves by each old id to one profile', async () => {
    const u = unique('u');
    const [a, b, c] = ['a', 'b', 'c'].map((x) => `${u}-${x}`) as [string, string, string];
    await ingest(page({ anonymousId: a, day: 1 }));
    await ingest(page({ anonymousId: b, day: 2 }));
    await ingest(page({ anonymousId: c, day: 3 }));
    const ids = await Promise.all([a, b, c].map(async (x) => (await profileOf('anonymous_id', x))!.id));
    await ingest(alias(`${u}-user`, a, 4));
    await ingest(track('Seen', { userId: `${u}-user`, anonymousId: b, day: 5 }));
    await ingest(track('Seen', { userId: `${u}-user`, anonymousId: c, day: 6 }));
    const survivors = await Promise.all(ids.map(async (id) => (await db.profileById(id))!.id));
    expect(new Set(survivors)).toEqual(new Set([ids[0]]));
    expect((await db.services.repositories.profiles.mergedIdsOf([ids[0]!]))[0]!.sort()).toEqual(
      expect.arrayContaining([ids[1], ids[2]].sort()),
    );
  });

  it('links carry their evidence: the earliest event, its time and count', async () => {
    const u = unique('u');
    const late = track('Seen', { userId: u, anonymousId: `${u}-a`, day: 9 });
    const early = track('Seen', { userId: u, anonymousId: `${u}-a`, day: 1 });
    await ingest(late);
    await ingest(early);
    const [link] = await db.cypher(
      'MATCH (:Identifier {value: $a})-[r:LINKED]-(:Identifier {value: $u}) RETURN r.messageId AS messageId, r.count AS count, r.type AS type',
      { a: `${u}-a`, u },
    );
    expect(link).toEqual({ messageId: early.messageId, count: 2, type: 'track' });
  });
});
