import { Analytics } from '@segment/analytics-node';
import { messageId, track } from '../helpers/events';
import { unique } from '../helpers/neo4j';
import { basicAuth, startTestServer, type TestServer } from '../helpers/server';

interface ProfileView {
  traits: Record<string, unknown>;
  identifiers: Array<{ namespace: string; value: string }>;
  interactions: { totalCount: number; edges: Array<{ node: { event: string } }> };
}

let server: TestServer;
let trackerKey: string;
let otherKey: string;
beforeAll(async () => {
  server = await startTestServer();
  trackerKey = await server.createKey('tracker');
  otherKey = await server.createKey('tracker');
});
afterAll(() => server.close());

const profileQuery = `query ($ns: String!, $v: String!) {
  profile(identifier: { namespace: $ns, value: $v }) {
    id traits
    identifiers { namespace value kind }
    interactions(first: 10) { totalCount edges { node { event value product { id name category price } } } }
  }
}`;

describe('the Segment tracking API', () => {
  it('accepts the official @segment/analytics-node client unchanged, then serves the profile over GraphQL', async () => {
    const u = unique('sdk');
    const analytics = new Analytics({
      writeKey: trackerKey,
      host: server.url,
      flushAt: 3,
      flushInterval: 50,
      maxRetries: 0,
    });
    const failures: unknown[] = [];
    analytics.on('error', (error) => failures.push(error));
    analytics.identify({
      userId: u,
      anonymousId: `${u}-anon`,
      traits: { email: `${u}@example.com`, name: 'Sdk User' },
    });
    analytics.track({
      userId: u,
      event: 'Product Viewed',
      properties: { product_id: `${u}-p1`, name: 'Kettle', category: 'Home/Kitchen', price: 30 },
    });
    analytics.track({
      userId: u,
      event: 'Order Completed',
      properties: { order_id: `${u}-o1`, products: [{ product_id: `${u}-p1`, price: 30, quantity: 2 }] },
    });
    analytics.page({ anonymousId: `${u}-anon`, name: 'Checkout' });
    analytics.alias({ userId: u, previousId: `${u}-old-anon` });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(failures).toEqual([]);

    const { body } = await server.gql<{ profile: ProfileView }>(profileQuery, {
      ns: 'email',
      v: `${u}@example.com`,
    });
    const profile = body.data!.profile;
    expect(profile.traits).toMatchObject({ email: `${u}@example.com`, name: 'Sdk User' });
    expect(profile.identifiers.map((i) => `${i.namespace}:${i.value}`).sort()).toEqual(
      [
        `anonymous_id:${u}-anon`,
        `anonymous_id:${u}-old-anon`,
        `email:${u}@example.com`,
        `user_id:${u}`,
      ].sort(),
    );
    expect(profile.interactions.totalCount).toBe(3);
    expect(profile.interactions.edges.map((e) => e.node.event).sort()).toEqual([
      'Order Completed',
      'Page Viewed',
      'Product Viewed',
    ]);
    const order = profile.interactions.edges.find((e) => e.node.event === 'Order Completed')?.node;
    expect(order).toEqual({
      event: 'Order Completed',
      value: 60,
      product: { id: `${u}-p1`, name: 'Kettle', category: 'Home/Kitchen', price: 30 },
    });
  });

  it.each(['identify', 'track', 'alias', 'page', 'screen'])(
    'accepts a single event on /v1/%s',
    async (type) => {
      const u = unique(type);
      const body = {
        userId: u,
        messageId: messageId(type),
        event: 'Clicked',
        previousId: `${u}-prev`,
        name: 'Screen',
      };
      const response = await server.post(`/v1/${type}`, body, basicAuth(trackerKey));
      expect(response).toEqual({
        status: 200,
        body: { success: true, accepted: 1, duplicates: 0, suppressed: 0, rejected: [] },
      });
    },
  );

  it('applies batch-level context to every event of /v1/batch', async () => {
    const u = unique('batch');
    const response = await server.post(
      '/v1/batch',
      { batch: [track('Opened', { userId: u })], context: { device: { id: `${u}-device` } } },
      basicAuth(otherKey),
    );
    expect(response.body).toMatchObject({ success: true, accepted: 1 });
    const { body } = await server.gql<{ profile: { identifiers: Array<{ namespace: string }> } }>(
      profileQuery,
      { ns: 'device_id', v: `${u}-device` },
    );
    expect(body.data!.profile.identifiers.map((i) => i.namespace).sort()).toEqual(['device_id', 'user_id']);
  });

  it('reports rejected events by index with a reason, with 200 for the rest', async () => {
    const u = unique('rej');
    const response = await server.post(
      '/v1/batch',
      { batch: [track('Fine', { userId: u }), { type: 'track', userId: u, event: 'x' }] },
      basicAuth(trackerKey),
    );
    expect(response).toEqual({
      status: 200,
      body: {
        success: true,
        accepted: 1,
        duplicates: 0,
        suppressed: 0,
        rejected: [{ index: 1, messageId: null, reason: 'messageId is required' }],
      },
    });
  });

  it('refuses a missing, unknown or revoked write key with 401 and a key without ingest rights with 403', async () => {
    const batch = { batch: [track('x', { userId: unique('k') })] };
    expect((await server.post('/v1/batch', batch, {})).status).toBe(401);
    const unknownKey = `pk_0000000000000000_${'x'.repeat(43)}`;
    for (const key of [unknownKey, 'not-a-key']) {
      const wrong = await server.post('/v1/batch', batch, basicAuth(key));
      expect(wrong).toEqual({
        status: 401,
        body: expect.objectContaining({ success: false, code: 'UNAUTHENTICATED' }),
      });
    }
    expect((await server.post('/v1/batch', { ...batch, writeKey: trackerKey }, {})).status).toBe(200);
    const marketer = await server.createKey('marketer');
    expect(await server.post('/v1/batch', batch, basicAuth(marketer))).toMatchObject({
      status: 403,
      body: { success: false, code: 'FORBIDDEN' },
    });
    const doomed = await server.createKey('tracker');
    const id = /^pk_([0-9a-f]{16})_/.exec(doomed)![1];
    await server.gql('mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id });
    expect((await server.post('/v1/batch', batch, basicAuth(doomed))).status).toBe(401);
  });

  it('refuses a body over 500 KB with 413 and a reason', async () => {
    const events = Array.from({ length: 20 }, () =>
      track('Big', { userId: unique('big'), properties: { blob: 'x'.repeat(30 * 1024) } }),
    );
    const response = await server.post('/v1/batch', { batch: events }, basicAuth(trackerKey));
    expect(response).toEqual({
      status: 413,
      body: { success: false, code: 'PAYLOAD_TOO_LARGE', error: expect.stringMatching(/larger than 500 KB/) },
    });
  });

  it('refuses malformed JSON and a missing batch array with 400', async () => {
    const broken = await server.post('/v1/batch', '{"batch": [', basicAuth(trackerKey));
    expect(broken).toEqual({
      status: 400,
      body: { success: false, code: 'BAD_USER_INPUT', error: expect.stringMatching(/not valid JSON/) },
    });
    const noBatch = await server.post('/v1/batch', { events: [] }, basicAuth(trackerKey));
    expect(noBatch).toEqual({
      status: 400,
      body: { success: false, code: 'BAD_USER_INPUT', error: 'batch must be an array of events' },
    });
  });
});

describe('INGEST_ACKNOWLEDGE=stored', () => {
  it('answers once the events are stored, and settles their profile right after', async () => {
    const stored = await startTestServer({ INGEST_ACKNOWLEDGE: 'stored' });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // Settling waits at the gate: an answer before it opens was given before the profile was settled.
    stored.portrait.services.changes.addStep('test-gate', () => gate);
    try {
      const key = await stored.createKey('tracker');
      const u = unique('acked');
      const response = await stored.post(
        '/v1/batch',
        { batch: [track('Opened', { userId: u })] },
        basicAuth(key),
      );
      expect(response).toMatchObject({ status: 200, body: { success: true, accepted: 1 } });
      const read = () =>
        stored.gql<{ profile: { id: string } | null }>(profileQuery, { ns: 'user_id', v: u });
      expect((await read()).body.data!.profile).toBeNull();
      open();
      for (let tries = 0; (await read()).body.data!.profile === null; tries += 1) {
        if (tries > 100) throw new Error('the profile was not settled');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      open();
      await stored.close();
    }
  });
});
