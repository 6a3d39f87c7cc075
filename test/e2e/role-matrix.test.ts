import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { SignJWT } from 'jose';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { identify } from '../helpers/events';
import { unique } from '../helpers/neo4j';
import { startTestServer, type TestServer } from '../helpers/server';

const JWT_SECRET = 'role-matrix-secret-long-enough-for-hs256!';
const ROLES = ['admin', 'marketer', 'app', 'recommender', 'dashboard', 'tracker'] as const;
type Role = (typeof ROLES)[number];

let server: TestServer;
const credentials = {} as Record<Role, string>;
const u = unique('matrix');
let profileId = '';
let segmentId = '';

beforeAll(async () => {
  server = await startTestServer({ JWT_SECRET });
  await server.portrait.services.ingest.ingest([
    identify({ userId: u, traits: { email: `${u}@example.com` } }),
    {
      type: 'track',
      event: 'Product Viewed',
      messageId: `${u}-pv`,
      userId: u,
      properties: { product_id: `${u}-p`, price: 3 },
    },
    // Enough people in the segment to seed a lookalike query, whatever else the database holds.
    ...Array.from({ length: 10 }, (_, k) =>
      identify({ userId: `${u}-${k}`, traits: { email: `${u}-${k}@example.com` } }),
    ),
  ]);
  profileId = (
    await server.gql<{ profile: { id: string } }>(
      `{ profile(identifier: { namespace: "user_id", value: "${u}" }) { id } }`,
    )
  ).body.data!.profile.id;
  segmentId = (await server.portrait.services.segments.create(`${u} seg`, { identity: 'email' })).segment.id;
  await server.portrait.services.jobs.idle();
  for (const role of ROLES) {
    credentials[role] =
      role === 'app'
        ? await new SignJWT({ role: 'app', user_id: u, sub: 'app-client' })
            .setProtectedHeader({ alg: 'HS256' })
            .setExpirationTime('10m')
            .sign(new TextEncoder().encode(JWT_SECRET))
        : await server.createKey(role);
  }
});
afterAll(async () => {
  await server.portrait.services.jobs.idle();
  await server.close();
});

/** Every operation of the public contract, with arguments that make sense for the seeded data. */
const operations = (): Record<string, string> => ({
  'Query.profile': `{ profile(identifier: { namespace: "user_id", value: "${u}" }) { id } }`,
  'Query.profiles': '{ profiles(first: 1) { totalCount } }',
  'Query.identityPath': `{ identityPath(from: { namespace: "user_id", value: "${u}" }, to: { namespace: "email", value: "${u}@example.com" }) { rule } }`,
  'Query.product': `{ product(id: "${u}-p") { id } }`,
  'Query.relatedProducts': `{ relatedProducts(productId: "${u}-p") { score } }`,
  'Query.recommendations': `{ recommendations(profileId: "${profileId}") { reason } }`,
  'Query.lookalikes': `{ lookalikes(seed: { segmentId: "${segmentId}" }) { score } }`,
  'Query.tagCategories': '{ tagCategories { id } }',
  'Query.tag': '{ tag(id: "tag-gender-female") { id } }',
  'Query.segment': `{ segment(id: "${segmentId}") { id size } }`,
  'Query.segments': '{ segments { id } }',
  'Mutation.ingest': `mutation { ingest(events: [{ type: TRACK, event: "Matrix", messageId: "${unique('m')}", userId: "${u}" }]) { accepted } }`,
  'Mutation.createSegment': `mutation { createSegment(name: "${unique('s')}", rule: { identity: "phone" }) { id } }`,
  'Mutation.deleteSegment': 'mutation { deleteSegment(id: "seg-none") }',
  'Mutation.forgetProfile': 'mutation { forgetProfile(id: "none") }',
});

/** Who may do what: the README's role table. */
const ALLOWED: Record<string, readonly Role[]> = {
  'Query.profile': ['admin', 'marketer', 'app'],
  'Query.profiles': ['admin', 'marketer'],
  'Query.identityPath': ['admin', 'marketer'],
  'Query.product': ['admin', 'marketer', 'app', 'recommender'],
  'Query.relatedProducts': ['admin', 'marketer', 'app', 'recommender'],
  'Query.recommendations': ['admin', 'marketer', 'app', 'recommender'],
  'Query.lookalikes': ['admin', 'marketer'],
  'Query.tagCategories': ['admin', 'marketer', 'dashboard'],
  'Query.tag': ['admin', 'marketer', 'dashboard'],
  'Query.segment': ['admin', 'marketer', 'dashboard'],
  'Query.segments': ['admin', 'marketer', 'dashboard'],
  'Mutation.ingest': ['admin', 'tracker'],
  'Mutation.createSegment': ['admin', 'marketer'],
  'Mutation.deleteSegment': ['admin', 'marketer'],
  'Mutation.forgetProfile': ['admin'],
  'Subscription.segmentMembershipChanged': ['admin', 'marketer', 'dashboard'],
};

async function httpOutcome(role: Role, document: string): Promise<'allowed' | 'forbidden'> {
  const { status, body } = await server.gql(document, {}, credentials[role]);
  const codes = (body.errors ?? []).map((e) => e.extensions?.code);
  if (codes.includes('FORBIDDEN') || codes.includes('UNAUTHENTICATED') || status === 401 || status === 403)
    return 'forbidden';
  if (codes.length > 0) throw new Error(`${role}: unexpected errors ${JSON.stringify(body.errors)}`);
  return 'allowed';
}

async function subscriptionOutcome(role: Role): Promise<'allowed' | 'forbidden'> {
  const client = createClient({
    url: server.websocketUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${credentials[role]}` },
  });
  try {
    return await new Promise((resolve) => {
      const stop = client.subscribe(
        {
          query: `subscription { segmentMembershipChanged(segmentId: "${segmentId}", after: "0") { cursor } }`,
        },
        {
          // Replaying from 0 delivers the seeded profile's entry at once when the caller may subscribe.
          next: (message) => {
            stop();
            resolve(
              message.errors?.some((e) => e.extensions?.code === 'FORBIDDEN') ? 'forbidden' : 'allowed',
            );
          },
          error: () => resolve('forbidden'),
          complete: () => undefined,
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

describe('role matrix', () => {
  it('lets every role do exactly what its permissions say, for every operation of the contract', async () => {
    const seen: Record<string, Role[]> = {};
    for (const [operation, document] of Object.entries(operations())) {
      seen[operation] = [];
      for (const role of ROLES)
        if ((await httpOutcome(role, document)) === 'allowed') seen[operation]!.push(role);
    }
    seen['Subscription.segmentMembershipChanged'] = [];
    for (const role of ROLES)
      if ((await subscriptionOutcome(role)) === 'allowed')
        seen['Subscription.segmentMembershipChanged']!.push(role);
    expect(seen).toEqual(ALLOWED);
  });

  it('covers every operation of the contract', () => {
    const contract = buildSchema(readFileSync(join(__dirname, '..', 'contract', 'portrait.graphql'), 'utf8'));
    const roots = [contract.getQueryType()!, contract.getMutationType()!, contract.getSubscriptionType()!];
    const names = roots.flatMap((type) =>
      Object.keys(type.getFields()).map((field) => `${type.name}.${field}`),
    );
    expect(Object.keys(ALLOWED).sort()).toEqual(names.sort());
    expect(Object.keys(operations()).sort()).toEqual(
      names.filter((n) => !n.startsWith('Subscription.')).sort(),
    );
  });
});
