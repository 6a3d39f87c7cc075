import {
  getNamedType,
  isEnumType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { PERMISSIONS } from '../../src/security/permissions';
import { buildPortraitSchema } from '../../src/server/schema';
import { identify, track } from '../helpers/events';
import { unique } from '../helpers/neo4j';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let schema: GraphQLSchema;
const u = unique('walk');
const personal = {
  email: `walker.${u}@example.com`,
  phone: `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
  name: `Wanda ${u} Walker`,
  street: `${u} Secret Lane 7`,
  userId: `${u}-account`,
  anonymousId: `${u}-browser`,
  deviceId: `${u}-phone-device`,
};
const known: Record<string, unknown> = {};

beforeAll(async () => {
  server = await startTestServer();
  schema = await buildPortraitSchema();
  await server.portrait.services.ingest.ingest([
    identify({
      userId: personal.userId,
      anonymousId: personal.anonymousId,
      traits: {
        email: personal.email,
        phone: personal.phone,
        name: personal.name,
        address: { street: personal.street },
      },
      context: { device: { id: personal.deviceId } },
    }),
    // Personal data in event properties too, where trackers sometimes put it.
    track('Product Viewed', {
      userId: personal.userId,
      properties: { product_id: `${u}-p`, name: 'Lamp', email: personal.email },
    }),
    track('Order Completed', {
      userId: personal.userId,
      properties: {
        order_id: `${u}-o`,
        email: personal.email,
        products: [{ product_id: `${u}-p`, name: 'Lamp', price: 9, category: 'Home/Light' }],
      },
    }),
  ]);
  const { segment } = await server.portrait.services.segments.create(`${u} walkers`, { identity: 'email' });
  await server.portrait.services.jobs.idle();
  known.profile = (
    await server.gql<{ profile: { id: string } }>(
      `{ profile(identifier: { namespace: "user_id", value: "${personal.userId}" }) { id } }`,
    )
  ).body.data!.profile.id;
  known.segment = segment.id;
  known.product = `${u}-p`;
});
afterAll(() => server.close());

/** Values for arguments a field requires, by `Type.field.argument`. */
const requiredArgs = (): Record<string, string> => ({
  'Query.profile.identifier': `{ namespace: "email", value: "${personal.email}" }`,
  'Query.identityPath.from': `{ namespace: "user_id", value: "${personal.userId}" }`,
  'Query.identityPath.to': `{ namespace: "email", value: "${personal.email}" }`,
  'Query.segment.id': `"${known.segment}"`,
  'Query.product.id': `"${known.product}"`,
  'Query.relatedProducts.productId': `"${known.product}"`,
  'Query.recommendations.profileId': `"${known.profile}"`,
  'Query.exportProfile.id': `"${known.profile}"`,
  'Query.tag.id': '"tag-gender-female"',
  'Query.tagCategory.id': '"cat-demographic"',
  'Query.job.id': '"none"',
  'Query.lookalikes.seed': `{ profileIds: ["${known.profile}"] }`,
  'Query.identityDryRun.rules': '{ sharedAfterAccounts: 1 }',
  'Segment.overlap.segmentId': `"${known.segment}"`,
  'Segment.breakdown.categoryId': '"cat-demographic"',
});

/** A selection of every field of `type`, `depth` object levels deep, with required arguments supplied. */
function selection(type: GraphQLNamedType, depth: number): string | null {
  if (!isObjectType(type) && !isInterfaceType(type)) return null;
  const args = requiredArgs();
  const parts: string[] = [];
  for (const field of Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>) {
    const supplied: string[] = [];
    let possible = true;
    for (const arg of field.args) {
      const value = args[`${type.name}.${field.name}.${arg.name}`];
      if (value) supplied.push(`${arg.name}: ${value}`);
      else if (isNonNullType(arg.type) && arg.defaultValue === undefined) possible = false;
    }
    if (!possible) continue;
    const head = supplied.length > 0 ? `${field.name}(${supplied.join(', ')})` : field.name;
    const named = getNamedType(field.type);
    if (isScalarType(named) || isEnumType(named)) parts.push(head);
    else if (depth > 0) {
      const inner = selection(named, depth - 1);
      if (inner) parts.push(`${head} { ${inner} }`);
    }
  }
  return parts.length > 0 ? parts.join(' ') : null;
}

describe('personal data never leaves unmasked', () => {
  it('walks every query field of the schema without pii:read and finds no personal value in any answer', async () => {
    // Every permission there is, except pii:read.
    const key = await server.createKey(
      'marketer',
      PERMISSIONS.filter((p) => p !== 'pii:read'),
    );
    const query = schema.getQueryType()!;
    let fieldsWalked = 0;
    const leaks: string[] = [];
    for (const field of Object.values(query.getFields())) {
      const one = selection(
        new (Object.getPrototypeOf(query).constructor)({
          name: 'Query',
          fields: { [field.name]: query.toConfig().fields[field.name]! },
        }),
        5,
      );
      if (!one) continue;
      fieldsWalked += 1;
      const { body } = await server.gql(`{ ${one} }`, {}, key);
      const text = JSON.stringify(body);
      for (const [kind, value] of Object.entries(personal))
        if (text.includes(value)) leaks.push(`${field.name} leaks the ${kind}`);
    }
    expect(fieldsWalked).toBeGreaterThan(15);
    expect(leaks).toEqual([]);
  });

  it('finds the personal values when the caller has pii:read, so the walk does reach them', async () => {
    const { body } = await server.gql(
      `{ profile(identifier: { namespace: "email", value: "${personal.email}" }) { ${selection(schema.getType('Profile')!, 3)} } }`,
      {},
      await server.createKey('admin'),
    );
    const text = JSON.stringify(body);
    for (const value of Object.values(personal)) expect(text).toContain(value);
  });

  it('cannot export a profile without pii:read, even with privacy rights', async () => {
    const key = await server.createKey('marketer', ['privacy:admin']);
    const { body } = await server.gql(`{ exportProfile(id: "${String(known.profile)}") }`, {}, key);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
