import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  GraphQLInt,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { WebSocket, WebSocketServer } from 'ws';
import { viewerOf, type Viewer } from '../../src/security/viewer';
import { buildPortraitSchema } from '../../src/server/schema';
import {
  STREAM_ONLY_ARGUMENTS,
  batchWrites,
  shareKey,
  subscribeShared,
  viewerKey,
} from '../../src/server/subscriptions';

/** A schema with one subscription whose events carry a value that only admins see in full. */
function testSchema(events: () => AsyncGenerator<{ seq: number }>, resolved: string[]) {
  const Change = new GraphQLObjectType<{ seq: number }, { viewer: Viewer | null }>({
    name: 'Change',
    fields: {
      seq: { type: GraphQLInt },
      label: {
        type: GraphQLString,
        args: { prefix: { type: GraphQLString } },
        resolve: (change, args: { prefix?: string }, context) => {
          resolved.push(`${context.viewer?.role}:${change.seq}`);
          const label = `${args.prefix ?? ''}${change.seq}`;
          return context.viewer?.role === 'admin' ? label : '***';
        },
      },
    },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        changes: {
          type: Change,
          args: { from: { type: GraphQLInt } },
          extensions: { [STREAM_ONLY_ARGUMENTS]: true },
          subscribe: () => events(),
          resolve: (event: unknown) => event,
        },
        plain: { type: Change, args: { from: { type: GraphQLInt } }, subscribe: () => events() },
      },
    }),
  });
}

const marketer = (id: string) => viewerOf('api-key', id, 'marketer', []);
const admin = viewerOf('admin-key', 'admin', 'admin', []);

function argsFor(
  schema: GraphQLSchema,
  query: string,
  viewer: Viewer | null,
  variables: Record<string, unknown> = {},
): ExecutionArgs {
  return { schema, document: parse(query), variableValues: variables, contextValue: { viewer } };
}

async function collect(stream: unknown, count: number): Promise<ExecutionResult[]> {
  const iterator = stream as AsyncIterableIterator<ExecutionResult>;
  const results: ExecutionResult[] = [];
  for (let i = 0; i < count; i += 1) results.push((await iterator.next()).value as ExecutionResult);
  await iterator.return?.();
  return results;
}

describe('subscribeShared', () => {
  it('resolves an event once for all subscribers whose result is the same, and apart for other roles', async () => {
    const shared = [{ seq: 1 }, { seq: 2 }];
    const resolved: string[] = [];
    const schema = testSchema(async function* () {
      yield* shared;
    }, resolved);
    const query = 'subscription ($from: Int) { changes(from: $from) { seq label(prefix: "#") } }';
    const streams = await Promise.all([
      subscribeShared(argsFor(schema, query, marketer('k1'), { from: 1 })),
      subscribeShared(argsFor(schema, query, marketer('k2'), { from: 7 })),
      subscribeShared(argsFor(schema, query, admin, { from: 1 })),
    ]);
    const [one, two, three] = await Promise.all(streams.map((s) => collect(s, 2)));
    expect(one).toEqual([
      { data: { changes: { seq: 1, label: '***' } } },
      { data: { changes: { seq: 2, label: '***' } } },
    ]);
    expect(two).toEqual(one);
    expect(three).toEqual([
      { data: { changes: { seq: 1, label: '#1' } } },
      { data: { changes: { seq: 2, label: '#2' } } },
    ]);
    expect(resolved.sort()).toEqual(['admin:1', 'admin:2', 'marketer:1', 'marketer:2']);
  });

  it('resolves events that are not the same object once per subscriber', async () => {
    const resolved: string[] = [];
    const schema = testSchema(async function* () {
      yield { seq: 1 };
    }, resolved);
    const query = 'subscription { changes { label } }';
    const streams = await Promise.all([
      subscribeShared(argsFor(schema, query, marketer('k1'))),
      subscribeShared(argsFor(schema, query, marketer('k2'))),
    ]);
    await Promise.all(streams.map((s) => collect(s, 1)));
    expect(resolved).toEqual(['marketer:1', 'marketer:1']);
  });

  it('answers a refused subscription with its errors, as graphql-js does', async () => {
    // The operation names a field the schema lacks, so no event source is ever asked for.
    const schema = testSchema(async function* () {
      yield await Promise.reject<{ seq: number }>(new Error('never'));
    }, []);
    const result = await subscribeShared(argsFor(schema, 'subscription { nothing }', null));
    expect(result).toMatchObject({ errors: [expect.objectContaining({ message: expect.any(String) })] });
  });
});

describe('shareKey', () => {
  const schema = testSchema(async function* () {}, []);
  const key = (query: string, viewer: Viewer | null, variables: Record<string, unknown> = {}) =>
    shareKey(argsFor(schema, query, viewer, variables));

  it('sets aside the arguments of a stream-only field, and keeps every variable used beneath it', () => {
    const query = 'subscription ($from: Int, $p: String) { changes(from: $from) { label(prefix: $p) } }';
    expect(key(query, marketer('a'), { from: 1, p: 'x' })).toBe(
      key(query, marketer('b'), { from: 2, p: 'x' }),
    );
    expect(key(query, marketer('a'), { from: 1, p: 'x' })).not.toBe(key(query, marketer('a'), { p: 'y' }));
  });

  it('keeps the arguments of other fields', () => {
    const query = 'subscription ($from: Int) { plain(from: $from) { seq } }';
    expect(key(query, marketer('a'), { from: 1 })).not.toBe(key(query, marketer('a'), { from: 2 }));
  });

  it('differs for callers who may see different things', () => {
    const query = 'subscription { changes { seq } }';
    const keys = [
      key(query, marketer('a')),
      key(query, viewerOf('api-key', 'a', 'marketer', ['pii:read'])),
      key(query, admin),
      key(query, viewerOf('jwt', 'a', 'app', [], { namespace: 'user_id', value: 'u1' })),
      key(query, viewerOf('jwt', 'a', 'app', [], { namespace: 'user_id', value: 'u2' })),
      key(query, null),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('viewerKey', () => {
  it('is the same for callers who differ only in who they are', () => {
    expect(viewerKey(marketer('k1'))).toBe(viewerKey(marketer('k2')));
    expect(viewerKey(viewerOf('api-key', 'k', 'marketer', ['tags:read']))).toBe(viewerKey(marketer('k')));
  });
});

describe("Portrait's schema", () => {
  it('marks segmentMembershipChanged as resolving each change whatever its arguments', async () => {
    const schema = await buildPortraitSchema();
    const field = schema.getSubscriptionType()!.getFields().segmentMembershipChanged!;
    expect(field.extensions[STREAM_ONLY_ARGUMENTS]).toBe(true);
  });
});

describe('batchWrites', () => {
  let server: WebSocketServer;
  afterEach(() => server?.close());

  it('sends what one tick sends in a few writes, in order, and answers each send', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    const connected = once(server, 'connection');
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    const [socket] = (await connected) as [WebSocket];
    batchWrites(socket);
    const raw = (socket as unknown as { _socket: { _writev: (...args: unknown[]) => unknown } })._socket;
    let writes = 0;
    const writev = raw._writev.bind(raw);
    raw._writev = (...args: unknown[]) => {
      writes += 1;
      return writev(...args);
    };
    const messages = Array.from({ length: 2000 }, (_, i) => `message ${i} ${'x'.repeat(100)}`);
    let answered = 0;
    for (const message of messages) socket.send(message, () => (answered += 1));
    // The socket's buffer filled up: the later sends wait until it drains.
    expect(answered).toBeLessThan(messages.length);
    for (const deadline = Date.now() + 10_000; received.length < messages.length && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toEqual(messages);
    expect(answered).toBe(messages.length);
    expect(writes).toBeLessThan(10);
    client.close();
  });
});
