import fc from 'fast-check';
import { unique } from '../helpers/neo4j';
import { bearer, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let tracker: string;
beforeAll(async () => {
  server = await startTestServer();
  tracker = await server.createKey('tracker');
});
afterAll(async () => {
  await server.portrait.services.jobs.idle();
  await server.close();
});

async function raw(
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

async function count(label: string): Promise<number> {
  const { records } = await server.portrait.driver.executeQuery(`MATCH (n:${label}) RETURN count(n) AS n`);
  return records[0]!.get('n') as number;
}

const tokens = [
  '{',
  '}',
  '(',
  ')',
  ':',
  '$',
  '!',
  '...',
  '@',
  '"',
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  'profile',
  'profiles',
  'segments',
  'ingest',
  'createSegment',
  'identifiers',
  'traits',
  'id',
  'first',
  '100000',
  '-1',
  'null',
  'true',
  '__schema',
  '__typename',
  'edges',
  'node',
  'interactions',
  'value',
  '[',
  ']',
  ',',
  '=',
  'Int',
  'String',
];

/** Strings that look a little like GraphQL, and strings that do not at all. */
const documents = fc.oneof(
  fc.array(fc.constantFrom(...tokens), { maxLength: 40 }).map((parts) => parts.join(' ')),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
);

describe('fuzzing: the server never fails with a 500 and rejected writes change nothing', () => {
  it('random and malformed GraphQL documents', async () => {
    await fc.assert(
      fc.asyncProperty(documents, fc.option(fc.object(), { nil: undefined }), async (query, variables) => {
        const { status, text } = await raw(
          '/graphql',
          JSON.stringify({ query, variables }),
          bearer(server.adminKey),
        );
        expect(status).toBeLessThan(500);
        expect(() => JSON.parse(text)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('random variables for real operations', async () => {
    const operations = [
      'query ($identifier: IdentifierInput) { profile(identifier: $identifier) { id traits } }',
      'query ($first: Int, $after: String) { profiles(first: $first, after: $after) { totalCount } }',
      'mutation ($events: [EventInput!]!) { ingest(events: $events) { accepted rejected { reason } } }',
      'query ($id: ID!, $first: Int, $after: String) { segment(id: $id) { members(first: $first, after: $after) { totalCount } } }',
    ];
    const before = await count('Event');
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.dictionary(fc.constantFrom('identifier', 'first', 'after', 'events', 'id'), fc.anything()),
        async (query, variables) => {
          const { status, text } = await raw(
            '/graphql',
            JSON.stringify({ query, variables }),
            bearer(server.adminKey),
          );
          expect(status).toBeLessThan(500);
          const body = JSON.parse(text) as { data?: { ingest?: { accepted: number } } };
          accepted += body.data?.ingest?.accepted ?? 0;
        },
      ),
      { numRuns: 300 },
    );
    expect(await count('Event')).toBe(before + accepted);
  });

  it('random rules: a segment is created or refused with BAD_USER_INPUT, and refused ones leave no trace', async () => {
    const rule = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', maxDepth: 4 },
        fc.record({
          trait: fc.oneof(fc.constantFrom('city', 'age', 'a.b'), fc.string()),
          eq: fc.jsonValue(),
        }),
        fc.record({ event: fc.string(), withinDays: fc.jsonValue(), count: fc.jsonValue() }),
        fc.record({ tag: fc.string() }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({ all: fc.array(tie('node'), { maxLength: 3 }) }),
        fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
        fc.record({ not: tie('node') }),
      ),
    })).node;
    const segmentsBefore = await count('Segment');
    let created = 0;
    await fc.assert(
      fc.asyncProperty(rule, async (candidate) => {
        const { status, text } = await raw(
          '/graphql',
          JSON.stringify({
            query:
              'mutation ($name: String!, $rule: JSON!) { createSegment(name: $name, rule: $rule) { id } }',
            variables: { name: unique('fz'), rule: candidate },
          }),
          bearer(server.adminKey),
        );
        expect(status).toBeLessThan(500);
        const body = JSON.parse(text) as {
          data?: { createSegment?: { id: string } } | null;
          errors?: Array<{ extensions?: { code?: string } }>;
        };
        if (body.data?.createSegment) created += 1;
        else expect(body.errors?.[0]?.extensions?.code).toMatch(/^(BAD_USER_INPUT|QUERY_TOO_COMPLEX)$/);
      }),
      { numRuns: 200 },
    );
    expect(await count('Segment')).toBe(segmentsBefore + created);
  });

  it('random Segment payloads on /v1', async () => {
    const event = fc.record(
      {
        type: fc.oneof(
          fc.constantFrom('track', 'identify', 'page', 'screen', 'alias', 'group'),
          fc.anything(),
        ),
        messageId: fc.oneof(fc.uuid(), fc.anything()),
        userId: fc.oneof(fc.string(), fc.anything()),
        anonymousId: fc.anything(),
        event: fc.anything(),
        timestamp: fc.oneof(
          fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
          fc.anything(),
        ),
        traits: fc.anything(),
        properties: fc.anything(),
        context: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const before = await count('Event');
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/batch', '/v1/track', '/v1/identify'),
        fc.oneof(
          fc.array(event, { maxLength: 5 }).map((batch) => ({ batch })),
          event,
          fc.anything(),
        ),
        async (path, body) => {
          const payload = JSON.stringify(body) ?? 'null';
          const { status, text } = await raw(path, payload, {
            authorization: `Basic ${Buffer.from(`${tracker}:`).toString('base64')}`,
          });
          expect(status).toBeLessThan(500);
          const parsed = JSON.parse(text) as { accepted?: number };
          accepted += parsed.accepted ?? 0;
        },
      ),
      { numRuns: 300 },
    );
    expect(await count('Event')).toBe(before + accepted);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
