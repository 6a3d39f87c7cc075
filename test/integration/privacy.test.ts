import { SegmentPurpose } from '../../src/segments/segment.type';
import { viewerOf } from '../../src/security/viewer';
import { identify, track } from '../helpers/events';
import { openTestDb, unique, type TestDb } from '../helpers/neo4j';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db.services.jobs.idle();
  await db.services.audit.flush();
  await db.close();
});

const admin = viewerOf('admin-key', 'admin-key', 'admin', []);
const ingest = (...events: Array<Record<string, unknown>>) => db.services.ingest.ingest(events);
const changesOf = async (segmentId: string) => {
  const head = await db.services.repositories.segments.head();
  return (await db.services.repositories.segments.changesAfter(0, head, segmentId, 1000)).map((c) => [
    c.profileId,
    c.change,
  ]);
};

describe('erasure', () => {
  it('deletes the profile and everything personal, logs its exits, and drops later events carrying its identifiers', async () => {
    const u = unique('forget');
    const email = `${u}@example.com`;
    const events = [
      identify({ userId: u, anonymousId: `${u}-a`, traits: { email, cohort: u } }),
      track('Order Completed', {
        userId: u,
        properties: { order_id: `${u}-o`, products: [{ product_id: `${u}-p`, price: 10 }] },
      }),
    ];
    await ingest(...events);
    const { segment } = await db.services.segments.create(
      `${u} cohort`,
      { trait: 'cohort', eq: u },
      null,
      SegmentPurpose.ANALYTICS,
    );
    await db.services.jobs.idle();
    const id = (await db.profileOf('user_id', u))!.id;
    expect(await changesOf(segment.id)).toEqual([[id, 'ENTERED']]);

    expect(await db.services.privacy.forget(id, admin)).toBe(true);
    expect(await changesOf(segment.id)).toEqual([
      [id, 'ENTERED'],
      [id, 'EXITED'],
    ]);
    const [left] = await db.cypher(
      `OPTIONAL MATCH (p:Profile {id: $id}) WITH count(p) AS profiles
       OPTIONAL MATCH (i:Identifier) WHERE i.value IN [$u, $email, $anon] WITH profiles, count(i) AS identifiers
       OPTIONAL MATCH (x:Interaction) WHERE x.orderId = $order WITH profiles, identifiers, count(x) AS interactions
       OPTIONAL MATCH (e:Event) WHERE e.messageId IN $messages
       RETURN profiles, identifiers, interactions, count(e) AS events`,
      { id, u, email, anon: `${u}-a`, order: `${u}-o`, messages: events.map((e) => e.messageId) },
    );
    expect(left).toEqual({ profiles: 0, identifiers: 0, interactions: 0, events: 0 });
    const [hashes] = await db.cypher('MATCH (s:Suppressed) WHERE s.hash IN $hashes RETURN count(s) AS n', {
      hashes: await Promise.all(
        [`user_id:${u}`, `email:${email}`, `anonymous_id:${u}-a`].map((k) => db.services.privacy.hash(k)),
      ),
    });
    expect(hashes!.n).toBe(3);

    // A replay and a late event with one of its identifiers are dropped and counted, never applied.
    expect(await ingest(...events)).toMatchObject({ accepted: 0, suppressed: 2 });
    expect(await ingest(identify({ anonymousId: unique('new-device'), traits: { email } }))).toMatchObject({
      accepted: 0,
      suppressed: 1,
    });
    expect(await db.profileOf('email', email)).toBeNull();
    expect(await db.services.privacy.forget(id, admin)).toBe(false);

    await db.services.audit.flush();
    const log = await db.services.audit.page(100, null, null, 'Mutation.forgetProfile');
    expect(log.edges.map((e) => e.node.target)).toContain(JSON.stringify({ id }));
  });

  it('restitches the profiles an erased profile was linked to', async () => {
    const u = unique('neighbour');
    const email = `${u}@shared.example`;
    await ingest(
      identify({ userId: `${u}-1`, traits: { email }, day: 1 }),
      identify({ userId: `${u}-2`, traits: { email }, day: 2 }),
    );
    const second = (await db.profileOf('user_id', `${u}-2`))!.id;
    const [before] = await db.cypher(
      'MATCH (i:Identifier {namespace: "user_id", value: $v}) RETURN i.conflicts AS c',
      { v: `${u}-2` },
    );
    expect(before!.c).toBe(1);
    await db.services.privacy.forget((await db.profileOf('user_id', `${u}-1`))!.id, admin);
    // The email went with the erased profile; the other account's refused evidence went with it.
    const [after] = await db.cypher(
      'MATCH (i:Identifier {namespace: "user_id", value: $v}) RETURN i.conflicts AS c',
      { v: `${u}-2` },
    );
    expect(after!.c).toBe(0);
    expect((await db.profileOf('user_id', `${u}-2`))!.id).toBe(second);
  });

  it('erases, for a merged-away id, the profile it was merged into', async () => {
    const u = unique('merged');
    await ingest(identify({ userId: u, anonymousId: `${u}-a`, day: 1 }));
    await ingest(track('Clicked', { anonymousId: `${u}-b`, day: 2 }));
    const [first, second] = [
      (await db.profileOf('user_id', u))!.id,
      (await db.profileOf('anonymous_id', `${u}-b`))!.id,
    ];
    expect(first).not.toBe(second);
    await ingest(identify({ userId: u, anonymousId: `${u}-b`, day: 3 }));
    const survivor = (await db.profileOf('user_id', u))!.id;
    const retired = survivor === first ? second : first;
    expect(await db.services.privacy.forget(retired, admin)).toBe(true);
    expect(await db.profileOf('user_id', u)).toBeNull();
    expect(await db.profileById(survivor)).toBeNull();
    expect(await db.services.privacy.forget(retired, admin)).toBe(false);
  });

  it('erases an identifier stored but not settled yet with the profile it joins, instead of leaving it a profile of its own', async () => {
    const u = unique('pending');
    await ingest(identify({ userId: u, traits: { email: `${u}@example.com` } }));
    const id = (await db.profileOf('user_id', u))!.id;
    // Another instance stores an event joining a new device to that account, and its settle fails.
    const stalled = await openTestDb();
    stalled.services.changes.addStep('test-failure', async () => {
      throw new Error('settling refused by the test');
    });
    try {
      await stalled.services.ingest.ingest([track('Clicked', { userId: u, anonymousId: `${u}-device` })]);
      const device =
        'MATCH (i:Identifier {namespace: "anonymous_id", value: $v}) RETURN COUNT { (i)-[:IN]->() } AS profiles';
      expect(await db.cypher(device, { v: `${u}-device` })).toEqual([{ profiles: 0 }]);

      expect(await db.services.privacy.forget(id, admin)).toBe(true);
      expect(await db.cypher(device, { v: `${u}-device` })).toEqual([]);
      // The stored round is settled later (by the sweep here) with nothing of the erased person left in it.
      await db.services.ingest.settleLeftovers(Date.now() + 1);
      expect(await db.profileOf('anonymous_id', `${u}-device`)).toBeNull();
      expect(await db.profileOf('user_id', u)).toBeNull();
    } finally {
      await stalled.close();
    }
  });
});

describe('access requests', () => {
  it('exports everything held about a profile as JSON, unmasked', async () => {
    const u = unique('export');
    await ingest(
      identify({ userId: u, traits: { email: `${u}@example.com`, consent: { marketing: true } } }),
      track('Product Viewed', { userId: u, properties: { product_id: `${u}-p`, name: 'Kettle' } }),
    );
    const id = (await db.profileOf('user_id', u))!.id;
    const exported = (await db.services.privacy.export(id))!;
    expect(exported.profile).toMatchObject({
      id,
      traits: { email: `${u}@example.com`, consent: { marketing: true } },
    });
    expect(exported.identifiers).toContainEqual(
      expect.objectContaining({ namespace: 'email', value: `${u}@example.com` }),
    );
    expect(exported.interactions).toContainEqual(
      expect.objectContaining({ event: 'Product Viewed', product: 'Kettle' }),
    );
    expect(exported.consent).toContainEqual(
      expect.objectContaining({ purpose: 'marketing', granted: true, source: 'event' }),
    );
    expect(await db.services.privacy.export('no-such-profile')).toBeNull();
  });
});

describe('consent', () => {
  it('keeps refusing profiles out of marketing segments, with history from events and the API', async () => {
    const u = unique('consent');
    await ingest(identify({ userId: u, traits: { cohort: u, consent: { marketing: false } }, day: 1 }));
    const { segment } = await db.services.segments.create(`${u} marketing`, { trait: 'cohort', eq: u });
    await db.services.jobs.idle();
    const id = (await db.profileOf('user_id', u))!.id;
    expect(await changesOf(segment.id)).toEqual([]);
    const states = await db.services.privacy.setConsent(id, 'marketing', true, admin);
    expect(states).toContainEqual({ purpose: 'marketing', granted: true, explicit: true });
    expect(await changesOf(segment.id)).toEqual([[id, 'ENTERED']]);
    const [history] = await db.services.privacy.consentHistory([id]);
    expect(history!.map((r) => [r.purpose, r.granted, r.source])).toEqual([
      ['marketing', true, 'api'],
      ['marketing', false, 'event'],
    ]);
    await expect(db.services.privacy.setConsent(id, 'telepathy', true, admin)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('with an opt-in policy, counts silence as no', async () => {
    const strict = await openTestDb({ CONSENT_OPT_IN_PURPOSES: 'marketing' });
    try {
      const u = unique('optin');
      await strict.services.ingest.ingest([identify({ userId: u, traits: { cohort: u } })]);
      const { segment } = await strict.services.segments.create(`${u} strict`, { trait: 'cohort', eq: u });
      const analytics = await strict.services.segments.create(
        `${u} analytics`,
        { trait: 'cohort', eq: u },
        null,
        SegmentPurpose.ANALYTICS,
      );
      await strict.services.jobs.idle();
      expect((await strict.services.segments.members(segment.id, 10, null)).totalCount).toBe(0);
      expect((await strict.services.segments.members(analytics.segment.id, 10, null)).totalCount).toBe(1);
      const id = (await strict.profileOf('user_id', u))!.id;
      expect((await strict.services.privacy.consentOf([id]))[0]).toContainEqual({
        purpose: 'marketing',
        granted: false,
        explicit: false,
      });
    } finally {
      await strict.services.jobs.idle();
      await strict.close();
    }
  });
});
