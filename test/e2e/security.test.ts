import { getIntrospectionQuery } from 'graphql';
import { SignJWT } from 'jose';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { identify } from '../helpers/events';
import { unique } from '../helpers/neo4j';
import { bearer, startTestServer, type TestServer } from '../helpers/server';

const JWT_SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

async function token(
  claims: Record<string, unknown>,
  { secret = JWT_SECRET, expires = '10m' } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(new TextEncoder().encode(secret));
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ JWT_SECRET });
});
afterAll(() => server.close());

const PROFILE_QUERY = `query ($ns: String!, $v: String!) {
  profile(identifier: { namespace: $ns, value: $v }) { id traits identifiers { namespace value } }
}`;

describe('authentication', () => {
  it('refuses anonymous GraphQL with 401, and serves /health without credentials', async () => {
    const { status, body } = await server.gql('{ profiles { totalCount } }', {}, null);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('accepts HS256 JWTs with a role and refuses bad, expired or roleless ones', async () => {
    const good = await token({ sub: 'ops-1', role: 'marketer' });
    expect((await server.gql('{ segments { id } }', {}, good)).body.errors).toBeUndefined();
    const forged = await token(
      { sub: 'ops-1', role: 'admin' },
      { secret: 'another-secret-that-is-long-enough-to-sign' },
    );
    const expired = await token({ sub: 'ops-1', role: 'marketer' }, { expires: '-1m' });
    const roleless = await token({ sub: 'ops-1' });
    for (const bad of [forged, expired, roleless, 'not.a.jwt']) {
      const { status, body } = await server.gql('{ segments { id } }', {}, bad);
      expect([status, body.errors?.[0]?.extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
  });

  it('lets an app token read its own end user and nobody else', async () => {
    const u = unique('app');
    await server.portrait.services.ingest.ingest([
      identify({ userId: u, traits: { email: `${u}@example.com` } }),
      identify({ userId: `${u}-other`, traits: { email: `${u}-other@example.com` } }),
    ]);
    const app = await token({ sub: 'device-x', role: 'app', user_id: u });
    const own = await server.gql<{ profile: { id: string } }>(
      PROFILE_QUERY,
      { ns: 'email', v: `${u}@example.com` },
      app,
    );
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data?.profile.id).toBeDefined();
    const other = await server.gql(PROFILE_QUERY, { ns: 'user_id', v: `${u}-other` }, app);
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const list = await server.gql('{ profiles { totalCount } }', {}, app);
    expect(list.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const consent = await server.gql<{ setConsent: Array<{ purpose: string; granted: boolean }> }>(
      'mutation ($id: ID!) { setConsent(profileId: $id, purpose: "marketing", granted: false) { purpose granted explicit } }',
      { id: own.body.data!.profile.id },
      app,
    );
    expect(consent.body.data?.setConsent).toContainEqual({
      purpose: 'marketing',
      granted: false,
      explicit: true,
    });
  });

  it('creates, lists and revokes API keys (admin only), storing no secret', async () => {
    const marketer = await server.createKey('marketer', ['pii:read']);
    expect(marketer).toMatch(/^pk_[0-9a-f]{16}_/);
    const denied = await server.gql(
      'mutation { createApiKey(input: { name: "x", role: "admin" }) { secret } }',
      {},
      marketer,
    );
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await server.gql(
      'mutation { createApiKey(input: { name: "x", role: "superuser" }) { secret } }',
    );
    expect(bad.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'role' } });
    const { body } = await server.gql<{ apiKeys: Array<{ id: string; role: string; scopes: string[] }> }>(
      '{ apiKeys { id role scopes } }',
    );
    const id = /^pk_([0-9a-f]{16})_/.exec(marketer)![1];
    expect(body.data!.apiKeys).toContainEqual({ id, role: 'marketer', scopes: ['pii:read'] });
    const stored = await server.portrait.driver.executeQuery(
      'MATCH (k:ApiKey {id: $id}) RETURN k.hash AS hash',
      { id },
    );
    expect(stored.records[0]!.get('hash')).not.toContain(marketer.slice(20));
    await server.gql('mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id });
    expect((await server.gql('{ segments { id } }', {}, marketer)).status).toBe(401);
  });

  it('authenticates subscriptions in connection_init and checks their permission', async () => {
    const closed = await new Promise<number>((resolve) => {
      const client = createClient({
        url: server.websocketUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        on: { closed: (e) => resolve((e as { code: number }).code) },
      });
      client.subscribe(
        { query: 'subscription { segmentMembershipChanged { cursor } }' },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
    });
    expect(closed).toBe(4403);

    const tracker = await server.createKey('tracker');
    const client = createClient({
      url: server.websocketUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${tracker}` },
    });
    // graphql-ws delivers an execution error of the subscription as a `next` message with errors, then completes.
    const errors = await new Promise<unknown>((resolve) => {
      let seen: unknown = null;
      client.subscribe(
        { query: 'subscription { segmentMembershipChanged { cursor } }' },
        { next: (message) => (seen = message.errors ?? null), error: resolve, complete: () => resolve(seen) },
      );
    });
    expect(errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    await client.dispose();
  });
});

describe('personal data', () => {
  it('is masked for callers without pii:read and shown to those with it', async () => {
    const u = unique('pii');
    const phone = `+86138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    await server.portrait.services.ingest.ingest([
      identify({
        userId: u,
        traits: {
          email: `ann.${u}@example.com`,
          phone: phone,
          name: 'Ann Lee',
          city: 'Wuhan',
          address: { street: '1 Long Road' },
        },
      }),
    ]);
    const query = `query ($u: String!) { profile(identifier: { namespace: "user_id", value: $u }) {
      traits identifiers { namespace value } } }`;
    const masked = await server.gql<{
      profile: { traits: Record<string, unknown>; identifiers: Array<{ namespace: string; value: string }> };
    }>(query, { u }, await server.createKey('marketer'));
    const profile = masked.body.data!.profile;
    expect(profile.traits).toEqual({
      email: 'a***@example.com',
      phone: `+86****${phone.slice(-4)}`,
      name: 'A***',
      city: 'Wuhan',
      address: { street: '1***' },
    });
    const byNamespace = Object.fromEntries(profile.identifiers.map((i) => [i.namespace, i.value]));
    expect(byNamespace.email).toBe('a***@example.com');
    expect(byNamespace.phone).toBe(`+86****${phone.slice(-4)}`);
    expect(byNamespace.user_id).not.toContain(u.slice(4));
    const clear = await server.gql<{ profile: { traits: Record<string, unknown> } }>(
      query,
      { u },
      await server.createKey('marketer', ['pii:read']),
    );
    expect(clear.body.data!.profile.traits.email).toBe(`ann.${u}@example.com`);
  });
});

describe('limits', () => {
  it('refuses queries deeper or costlier than allowed, before running them', async () => {
    const deep = await server.gql(
      '{ segments { members { edges { node { segments { members { edges { node { segments { members { edges { node { id } } } } } } } } } } } } }',
    );
    expect(deep.status).toBe(400);
    expect(deep.body.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', maxDepth: 12 } });
    const costly = await server.gql(
      '{ profiles(first: 100) { edges { node { interactions(first: 100) { edges { node { product { related: id name } } } } identifiers { value } } } } }',
      {},
    );
    expect(costly.body.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });
  });

  it('measures one query text again for each value of the variables that state its page sizes', async () => {
    const query = `query ($n: Int, $m: Int) {
      profiles(first: $n) { edges { node { interactions(first: $m) { edges { node { event at product { id name } } } } } } }
    }`;
    const small = await server.gql(query, { n: 2, m: 2 });
    expect(small.body.errors).toBeUndefined();
    const large = await server.gql(query, { n: 100, m: 100 });
    expect(large.body.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });
    const smallAgain = await server.gql(query, { n: 2, m: 2 });
    expect(smallAgain.body.errors).toBeUndefined();
  });

  it('does not count introspection, whose standard query is 15 levels deep, but does count what sits beside it', async () => {
    const standard = await server.gql(getIntrospectionQuery());
    expect(standard.status).toBe(200);
    expect(standard.body.errors).toBeUndefined();
    const deep = await server.gql(
      '{ __schema { queryType { name } } segments { members { edges { node { segments { members { edges { node { segments { members { edges { node { id } } } } } } } } } } } } }',
    );
    expect(deep.body.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', maxDepth: 12 } });
  });

  it('rate-limits each key and says when to come back', async () => {
    const limited = await startTestServer({ RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 7; i += 1) {
        const response = await fetch(limited.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(limited.adminKey) },
          body: JSON.stringify({ query: '{ segments { id } }' }),
        });
        statuses.push(response.status);
        retryAfter ??= response.headers.get('retry-after');
      }
      // Two windows may meet during the loop; either way at least one request is refused.
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('turns introspection off in production and keeps CSRF protection on', async () => {
    const production = await startTestServer({ NODE_ENV: 'production' });
    try {
      const { body } = await production.gql('{ __schema { types { name } } }');
      expect(body.errors?.[0]?.message).toMatch(/introspection/i);
    } finally {
      await production.close();
    }
    const csrf = await fetch(`${server.graphqlUrl}?query=${encodeURIComponent('{ segments { id } }')}`, {
      headers: bearer(server.adminKey),
    });
    expect(csrf.status).toBe(400);
  });
});

describe('audit log', () => {
  it('records mutations, personal-data reads and refused attempts, readable by admins only', async () => {
    const u = unique('audit');
    await server.portrait.services.ingest.ingest([
      identify({ userId: u, traits: { email: `${u}@example.com` } }),
    ]);
    const marketer = await server.createKey('marketer');
    const tracker = await server.createKey('tracker');
    const marketerId = /^pk_([0-9a-f]{16})_/.exec(marketer)![1]!;
    const trackerId = /^pk_([0-9a-f]{16})_/.exec(tracker)![1]!;
    await server.gql(
      `{ profile(identifier: { namespace: "email", value: "${u}@example.com" }) { id } }`,
      {},
      marketer,
    );
    await server.gql(
      `mutation { createSegment(name: "${u}", rule: { identity: "email" }) { id } }`,
      {},
      marketer,
    );
    await server.gql(
      `mutation { createSegment(name: "${u}-no", rule: { identity: "email" }) { id } }`,
      {},
      tracker,
    );
    await server.portrait.services.jobs.idle();

    const read = async (actor: string) =>
      (
        await server.gql<{
          auditLog: {
            edges: Array<{ node: { action: string; outcome: string; target: string | null; role: string } }>;
          };
        }>(
          'query ($actor: String) { auditLog(first: 20, actor: $actor) { edges { node { action outcome target role } } } }',
          { actor },
        )
      ).body.data!.auditLog.edges.map((e) => e.node);
    const byMarketer = await read(marketerId);
    expect(byMarketer).toContainEqual({
      action: 'Query.profile',
      outcome: 'ok',
      role: 'marketer',
      target: expect.stringMatching(/email:.\*\*\*@example\.com/),
    });
    expect(byMarketer).toContainEqual(
      expect.objectContaining({ action: 'Mutation.createSegment', outcome: 'ok' }),
    );
    expect(byMarketer.map((e) => e.target).join(' ')).not.toContain(`${u}@example.com`);
    expect(await read(trackerId)).toContainEqual(
      expect.objectContaining({ action: 'Mutation.createSegment', outcome: 'FORBIDDEN' }),
    );

    const denied = await server.gql('{ auditLog { edges { node { action } } } }', {}, marketer);
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
