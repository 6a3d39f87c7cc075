import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { serverAudits } from 'graphql-http';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { identify, track } from '../helpers/events';
import { unique } from '../helpers/neo4j';
import { printSortedSchema } from '../../src/server/schema';
import { bearer, startTestServer, type TestServer } from '../helpers/server';

interface InteractionPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: { event: string } }>;
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_PAGE_SIZE: '50' });
});
afterAll(() => server.close());

describe('GraphQL over HTTP', () => {
  // The GraphQL-over-HTTP spec's server audits (graphql-http): every MUST holds.
  // The audits send no credentials of their own: every request carries the admin key.
  const fetchWithKey = (input: string | URL | Request, init: RequestInit = {}) =>
    fetch(input, {
      ...init,
      headers: { ...Object.fromEntries(new Headers(init.headers).entries()), ...bearer(server.adminKey) },
    });
  for (const audit of serverAudits({ url: () => server.graphqlUrl, fetchFn: fetchWithKey })) {
    if (!audit.name.startsWith('MUST')) continue;
    it(audit.name, async () => {
      const result = await audit.fn();
      expect({ status: result.status, reason: result.status === 'ok' ? undefined : result.reason }).toEqual({
        status: 'ok',
        reason: undefined,
      });
    });
  }

  const post = (body: string, headers: Record<string, string> = bearer(server.adminKey)) =>
    fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    }).then(async (response) => ({
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as {
        data?: unknown;
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      },
    }));

  it('refuses a body over MAX_BATCH_BYTES with 413 and a reason', async () => {
    const query = `{ __typename } #${'x'.repeat(server.portrait.config.MAX_BATCH_BYTES)}`;
    const { status, body } = await post(JSON.stringify({ query }));
    expect(status).toBe(413);
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/larger than \d+ bytes/),
      extensions: { code: 'PAYLOAD_TOO_LARGE' },
    });
  });

  it("refuses a body that is not JSON with 400 and the parser's reason", async () => {
    const { status, body } = await post('{"query": "{ __typename }"');
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^the body is not valid JSON: /),
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it('refuses a request without credentials with 401 and WWW-Authenticate, reading nothing', async () => {
    const { status, headers, body } = await post(JSON.stringify({ query: '{ __typename }' }), {});
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer');
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers the full introspection query with exactly the schema it serves', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    const { status, body } = await post(JSON.stringify({ query }));
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    const served = buildClientSchema(body.data as unknown as IntrospectionQuery);
    expect(printSortedSchema(served)).toBe(
      readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8'),
    );
  });

  it('serves the same operation again from its compiled form, and each named operation as itself', async () => {
    const document = 'query A { __typename } query B { b: __typename }';
    for (let round = 0; round < 2; round++) {
      for (const [operationName, field] of [
        ['A', '__typename'],
        ['B', 'b'],
      ] as const) {
        const { status, body } = await post(JSON.stringify({ query: document, operationName }));
        expect(status).toBe(200);
        expect(body).toEqual({ data: { [field]: 'Query' } });
      }
    }
  });

  it('profile() with both or neither argument is a BAD_USER_INPUT error on its path', async () => {
    for (const args of ['', '(id: "x", identifier: { namespace: "user_id", value: "y" })']) {
      const { status, body } = await server.gql(`{ profile${args} { id } }`);
      expect(status).toBe(200);
      expect(body.data).toEqual({ profile: null });
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: 'profile takes exactly one of id and identifier',
          path: ['profile'],
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      ]);
    }
  });

  it('a page size over the cap is a clear error naming the cap', async () => {
    const { body } = await server.gql('{ profiles(first: 51) { totalCount } }');
    expect(body.errors?.[0]).toMatchObject({
      message: 'first must be at most 50 (got 51); page through with after',
      path: ['profiles'],
      extensions: { code: 'BAD_USER_INPUT', argument: 'first', max: 50 },
    });
  });

  it('a cursor the server did not hand out is refused', async () => {
    const { body } = await server.gql('{ profiles(after: "not-a-cursor") { totalCount } }');
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
  });

  it('ingests events through the ingest mutation, rejecting bad ones by index', async () => {
    const u = unique('gql');
    const { body } = await server.gql(
      `mutation ($events: [EventInput!]!) { ingest(events: $events) { accepted duplicates rejected { index messageId reason } } }`,
      {
        events: [
          { ...identify({ userId: u, traits: { plan: 'gold' } }), type: 'IDENTIFY' },
          { ...track('Nope', {}), type: 'TRACK' },
        ],
      },
    );
    expect(body.data).toEqual({
      ingest: {
        accepted: 1,
        duplicates: 0,
        rejected: [{ index: 1, messageId: expect.any(String), reason: 'userId or anonymousId is required' }],
      },
    });
    const read = await server.gql(
      'query ($v: String!) { profile(identifier: { namespace: "user_id", value: $v }) { traits } }',
      { v: u },
    );
    expect(read.body.data).toEqual({ profile: { traits: { plan: 'gold' } } });
  });

  it('a bad timestamp in the ingest mutation is a variables error with its path', async () => {
    const { status, body } = await server.gql(
      `mutation ($events: [EventInput!]!) { ingest(events: $events) { accepted } }`,
      {
        events: [{ type: 'TRACK', event: 'x', userId: 'u', messageId: 'm', timestamp: 'yesterday' }],
      },
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/\$events.*\[0\].*timestamp/);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('pages through interactions newest first without gaps or repeats', async () => {
    const u = unique('page');
    await server.portrait.services.ingest.ingest(
      Array.from({ length: 7 }, (_, i) => track(`E${i}`, { userId: u, day: i })),
    );
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { body } = (await server.gql(
        `query ($v: String!, $after: String) { profile(identifier: { namespace: "user_id", value: $v }) {
          interactions(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { event } } } } }`,
        { v: u, after },
      )) as { body: { data: { profile: { interactions: InteractionPage } } } };
      const page = body.data.profile.interactions;
      expect(page.totalCount).toBe(7);
      seen.push(...page.edges.map((e) => e.node.event));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(['E6', 'E5', 'E4', 'E3', 'E2', 'E1', 'E0']);
  });
});

describe('GraphQL over WebSocket (graphql-ws)', () => {
  it('answers a query on the same path with the official client', async () => {
    const u = unique('ws');
    await server.portrait.services.ingest.ingest([identify({ userId: u, traits: { name: 'Socket' } })]);
    const client = createClient({
      url: server.websocketUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${server.adminKey}` },
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        let value: unknown;
        client.subscribe(
          {
            query:
              'query ($v: String!) { profile(identifier: { namespace: "user_id", value: $v }) { traits } }',
            variables: { v: u },
          },
          { next: (data) => (value = data), error: reject, complete: () => resolve(value) },
        );
      });
      expect(result).toEqual({ data: { profile: { traits: { name: 'Socket' } } } });
    } finally {
      await client.dispose();
    }
  });
});

describe('health', () => {
  it('answers 200 while Neo4j is reachable', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      neo4j: 'reachable',
      ingestion: { requestsToStore: 0, identifiersToSettle: 0, settlesToRetry: 0 },
    });
  });
});
