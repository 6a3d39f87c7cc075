import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  GraphQLError,
  GraphQLInt,
  type GraphQLFieldConfigMap,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { isReadyStream, mapStream, type ReadyStream } from '../../src/common/streams';
import { LocalChangeBus } from '../../src/segments/change-bus';
import { segmentChanges } from '../../src/segments/change-stream';
import { viewerOf, type Viewer } from '../../src/security/viewer';
import { buildPortraitSchema } from '../../src/server/schema';
import {
  STREAM_ONLY_ARGUMENTS,
  batchWrites,
  bindSubscription,
  shareKey,
  subscribeShared,
  viewerKey,
} from '../../src/server/subscriptions';
import { readySource } from '../helpers/streams';

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
  return schemaWith({
    changes: {
      type: Change,
      args: { from: { type: GraphQLInt } },
      extensions: { [STREAM_ONLY_ARGUMENTS]: true },
      subscribe: () => events(),
      resolve: (event: unknown) => event,
    },
    plain: { type: Change, args: { from: { type: GraphQLInt } }, subscribe: () => events() },
  });
}

/** A schema of these subscription fields (and a query field, which a schema needs). */
function schemaWith(fields: GraphQLFieldConfigMap<unknown, unknown>): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt } } }),
    subscription: new GraphQLObjectType({ name: 'Subscription', fields }),
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

  it("hands segmentMembershipChanged's changes over many at a time, through type-graphql and the shared execution", async () => {
    const schema = await buildPortraitSchema();
    const bus = new LocalChangeBus();
    const log = { head: async () => 0, after: async () => [] };
    const segments = { subscribe: async () => segmentChanges(log, bus, null, null) };
    const args = argsFor(schema, 'subscription { segmentMembershipChanged { cursor profileId } }', admin);
    args.contextValue = { ...(args.contextValue as object), services: { segments } };
    const stream = (await subscribeShared(args)) as AsyncIterableIterator<ExecutionResult>;
    expect(isReadyStream(stream)).toBe(true);
    const first = stream.next();
    await new Promise((resolve) => setImmediate(resolve));
    const change = (seq: number) => ({
      seq,
      segmentId: 's',
      profileId: `p${seq}`,
      change: 'ENTERED' as const,
      at: 0,
    });
    await bus.publish([1, 2, 3].map(change));
    expect((await first).value).toEqual({
      data: { segmentMembershipChanged: { cursor: '1', profileId: 'p1' } },
    });
    const rest = await Promise.all((stream as ReadyStream<ExecutionResult>).takeReady(10));
    expect(rest.map((result) => result.data?.segmentMembershipChanged)).toEqual([
      { cursor: '2', profileId: 'p2' },
      { cursor: '3', profileId: 'p3' },
    ]);
    await stream.return?.();
  });
});

/** Waits until `done()` holds, or 10 s have passed (the assertions that follow say which). */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !done() && Date.now() < deadline;)
    await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Closes a test server and its connections (ws's close leaves them open), so that a failed test leaves nothing running. */
function shutDown(server: WebSocketServer | undefined): void {
  for (const socket of server?.clients ?? []) socket.terminate();
  server?.close();
}

describe('batchWrites', () => {
  let server: WebSocketServer;
  afterEach(() => shutDown(server));

  /** A server-side socket with batchWrites installed, and the client at its other end. */
  async function batchedSocket(): Promise<{ socket: WebSocket; client: WebSocket }> {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    const connected = once(server, 'connection');
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const [[socket]] = (await Promise.all([connected, once(client, 'open')])) as [[WebSocket], unknown];
    batchWrites(socket);
    return { socket, client };
  }

  /**
   * Sends `count` small messages as graphql-ws makes them (each once the last was answered), each after a
   * millisecond of work (resolving an event); resolves to how many turns the event loop had made after each.
   */
  async function sendsWithWork(socket: WebSocket, count: number): Promise<number[]> {
    let turns = 0;
    let sending = true;
    const turn = () => {
      turns += 1;
      if (sending) setImmediate(turn);
    };
    setImmediate(turn);
    const turnsAfter: number[] = [];
    for (let i = 0; i < count; i += 1) {
      for (const start = performance.now(); performance.now() - start < 1;);
      await new Promise<void>((resolve) => socket.send(`m${i}`, () => resolve()));
      turnsAfter.push(turns);
    }
    sending = false;
    return turnsAfter;
  }

  it('sends what one tick sends in a few writes, in order, and answers each send', async () => {
    const { socket, client } = await batchedSocket();
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    const raw = (
      socket as unknown as { _socket: Record<'_write' | '_writev', (...args: unknown[]) => unknown> }
    )._socket;
    let writes = 0;
    for (const method of ['_write', '_writev'] as const) {
      const write = raw[method].bind(raw);
      raw[method] = (...args: unknown[]) => {
        writes += 1;
        return write(...args);
      };
    }
    const messages = Array.from({ length: 2000 }, (_, i) => `message ${i} ${'x'.repeat(100)}`);
    let answered = 0;
    for (const message of messages) socket.send(message, () => (answered += 1));
    await until(() => received.length >= messages.length);
    client.close();
    expect(received).toEqual(messages);
    expect(answered).toBe(messages.length);
    expect(writes).toBeLessThan(10);
  });

  it('holds sends back while the client does not read, and answers them once it has caught up', async () => {
    const { socket, client } = await batchedSocket();
    client.pause();
    let received = 0;
    client.on('message', () => (received += 1));
    const message = 'x'.repeat(1024);
    let sent = 0;
    let answered = 0;
    // Sends until one is not answered for a while (one answered in the next turn of the event loop had only
    // had its turn's share): the socket's buffers, the kernel's included, are full.
    while (sent < 100_000) {
      sent += 1;
      socket.send(message, () => (answered += 1));
      if (answered === sent) continue;
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (answered < sent) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const whilePaused = answered;
    client.resume();
    await until(() => received >= sent);
    client.close();
    expect(whilePaused).toBeLessThan(sent);
    expect(received).toBe(sent);
    expect(answered).toBe(sent);
  });

  it('frames messages of every length encoding, multi-byte text and binary sends as ws would', async () => {
    const { socket, client } = await batchedSocket();
    const received: Array<{ data: string; binary: boolean }> = [];
    client.on('message', (data, binary) => received.push({ data: String(data), binary }));
    const texts = [
      '',
      'a'.repeat(125),
      'b'.repeat(126),
      'c'.repeat(0xffff),
      'd'.repeat(0x10000),
      '画像 ünïcode ✓',
    ];
    for (const text of texts.slice(0, 3)) socket.send(text);
    socket.send(Buffer.from('bytes'), { binary: true });
    for (const text of texts.slice(3)) socket.send(text);
    await until(() => received.length > texts.length);
    expect(received).toEqual([
      ...texts.slice(0, 3).map((data) => ({ data, binary: false })),
      { data: 'bytes', binary: true },
      ...texts.slice(3).map((data) => ({ data, binary: false })),
    ]);
    client.close();
  });

  it('writes what is queued before a close frame', async () => {
    const { socket, client } = await batchedSocket();
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    const closed = once(client, 'close');
    socket.send('first');
    socket.send('second');
    socket.close(4000, 'bye');
    const [code] = (await closed) as [number];
    expect(received).toEqual(['first', 'second']);
    expect(code).toBe(4000);
  });

  it('lets the event loop turn during a long run of sends, as graphql-ws makes them (each after the last)', async () => {
    const { socket, client } = await batchedSocket();
    // 200 sends: without pausing, they would all run in microtasks, and no request or database answer would be
    // served until the last.
    const turnsAfter = await sendsWithWork(socket, 200);
    client.close();
    expect(turnsAfter[199]).toBeGreaterThanOrEqual(5);
  });

  it('stops yielding once sends have been put off for a while, so that ingestion waits for them', async () => {
    const { socket, client } = await batchedSocket();
    // 1,600 sends: the first yield (a while), the rest run through.
    const turnsAfter = await sendsWithWork(socket, 1600);
    client.close();
    expect(turnsAfter[500]).toBeGreaterThanOrEqual(5);
    expect(turnsAfter[1599]).toBe(turnsAfter[1300]);
  });
});

describe('subscriptions bound to batched sockets', () => {
  let server: WebSocketServer;
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    shutDown(server);
  });

  /** A graphql-ws server of `schema` whose first `batched` connections have batchWrites installed. */
  async function serve(schema: GraphQLSchema, batched: number): Promise<string> {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    let connections = 0;
    server.on('connection', (socket) => {
      connections += 1;
      if (connections <= batched) batchWrites(socket);
    });
    useServer(
      {
        schema,
        subscribe: subscribeShared,
        context: (ctx, id) => {
          const context = { viewer: null };
          bindSubscription(context, ctx.extra.socket, id);
          return context;
        },
      },
      server,
    );
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function client(url: string): Client {
    const made = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
    clients.push(made);
    return made;
  }

  /** Subscribes to `ticks` and takes what comes until the subscription fails: what came, and its errors. */
  async function ticksUntilError(url: string): Promise<{ received: unknown[]; errors: unknown }> {
    const received: unknown[] = [];
    try {
      for await (const result of client(url).iterate({ query: 'subscription { ticks }' }))
        received.push(result.data?.ticks);
    } catch (errors) {
      return { received, errors };
    }
    throw new Error(`the subscription ended without an error, after ${JSON.stringify(received)}`);
  }

  it('writes a result shared by several subscribers serialised once, as graphql-ws would write it', async () => {
    // A value whose serialisations are counted: a scalar whose result serialises through toJSON.
    let serialisations = 0;
    const Counted = new GraphQLScalarType({
      name: 'Counted',
      serialize: (value) => ({
        toJSON: () => {
          serialisations += 1;
          return value;
        },
      }),
    });
    const events = [{ seq: 1 }, { seq: 2 }];
    const Change = new GraphQLObjectType<{ seq: number }>({
      name: 'Change',
      fields: {
        seq: { type: Counted, resolve: (change) => change.seq },
        odd: {
          type: GraphQLInt,
          resolve: (change) => {
            if (change.seq % 2 === 0) throw new GraphQLError('even', { extensions: { code: 'EVEN' } });
            return change.seq;
          },
        },
      },
    });
    let subscribed = 0;
    const schema = schemaWith({
      changes: {
        type: Change,
        subscribe: async function* () {
          subscribed += 1;
          // Every subscriber gets the same event objects once all three have subscribed.
          while (subscribed < 3) await new Promise((resolve) => setTimeout(resolve, 5));
          yield* events;
        },
        resolve: (event: unknown) => event,
      },
    });
    // Two sockets are batched; the third is left to graphql-ws, as the reference.
    const url = await serve(schema, 2);
    const results = await Promise.all(
      [0, 1, 2].map(async (i) => {
        // One after another, so that the first two connections are the batched ones.
        await new Promise((resolve) => setTimeout(resolve, i * 50));
        const received: unknown[] = [];
        for await (const result of client(url).iterate({ query: 'subscription { changes { seq odd } }' }))
          received.push(result);
        return received;
      }),
    );
    const expected = [
      { data: { changes: { seq: 1, odd: 1 } } },
      {
        data: { changes: { seq: 2, odd: null } },
        errors: [
          {
            message: 'even',
            locations: [{ line: 1, column: 30 }],
            path: ['changes', 'odd'],
            extensions: { code: 'EVEN' },
          },
        ],
      },
    ];
    expect(results).toEqual([expected, expected, expected]);
    // Once for the two batched sockets, once more for the one graphql-ws serialised itself.
    expect(serialisations).toBe(4);
  });

  it('stops writing to a subscription its client completes, and ends its source, while others go on', async () => {
    const ended: number[] = [];
    let subscriptions = 0;
    const schema = schemaWith({
      ticks: {
        type: GraphQLInt,
        subscribe: async function* () {
          const mine = (subscriptions += 1);
          try {
            for (let tick = 0; ; tick += 1) {
              await new Promise((resolve) => setTimeout(resolve, 2));
              yield { ticks: tick };
            }
          } finally {
            ended.push(mine);
          }
        },
      },
    });
    const url = await serve(schema, 1);
    const socket = client(url);
    const first = socket.iterate({ query: 'subscription { ticks }' });
    const second = socket.iterate({ query: 'subscription { ticks }' });
    const firstTicks: unknown[] = [];
    for await (const result of first) {
      firstTicks.push(result.data?.ticks);
      if (firstTicks.length === 3) break; // completes the subscription
    }
    await until(() => ended.length > 0);
    expect(firstTicks).toEqual([0, 1, 2]);
    expect(ended).toHaveLength(1);
    const secondTicks: unknown[] = [];
    for await (const result of second) {
      secondTicks.push(result.data?.ticks);
      if (secondTicks.length === 20) break;
    }
    expect(secondTicks).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await until(() => ended.length >= 2);
    expect(ended.sort()).toEqual([1, 2]);
  });

  it('takes results its source holds ready many at once, and writes them in order, awaiting those not resolved yet', async () => {
    const events = Array.from({ length: 300 }, (_, i) => ({ seq: i }));
    const source = readySource(events);
    const schema = schemaWith({
      changes: {
        type: new GraphQLObjectType<{ seq: number }>({
          name: 'Change',
          fields: {
            seq: { type: GraphQLInt },
            // Every third result is resolved later than those after it would be.
            later: {
              type: GraphQLInt,
              resolve: async (change) => {
                if (change.seq % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 3));
                return change.seq;
              },
            },
          },
        }),
        subscribe: () => mapStream(source.stream, (event) => event),
        resolve: (event: unknown) => event,
      },
    });
    const url = await serve(schema, 1);
    const received: unknown[] = [];
    for await (const result of client(url).iterate({ query: 'subscription { changes { seq later } }' }))
      received.push(result.data?.changes);
    expect(received).toEqual(events.map(({ seq }) => ({ seq, later: seq })));
    // Stepped once to wait for the first result and once to learn the end, not once a result.
    expect(source.nexts()).toBeLessThan(10);
  });

  it('frames results of every length encoding and multi-byte text on the direct path', async () => {
    // Messages under 126 bytes, up to 65,535 and beyond, counted in bytes: the accents and emoji take 2 and 4.
    const texts = ['a', 'é'.repeat(100), '😀'.repeat(20_000), 'x'.repeat(70_000), 'ü'];
    const schema = schemaWith({
      texts: {
        type: GraphQLString,
        subscribe: async function* () {
          for (const text of texts) yield { texts: text };
        },
      },
    });
    const url = await serve(schema, 1);
    const received: unknown[] = [];
    for await (const result of client(url).iterate({ query: 'subscription { texts }' }))
      received.push(result.data?.texts);
    expect(received).toEqual(texts);
  });

  it('sends an error and ends the source when a result taken ready fails, after the results before it', async () => {
    const source = readySource([1, 2, 3].map((seq) => ({ ticks: seq })));
    const schema = schemaWith({
      ticks: {
        type: GraphQLInt,
        subscribe: () =>
          mapStream(source.stream, (event) =>
            event.ticks === 2 ? Promise.reject(new Error('the log is unreadable')) : event,
          ),
      },
    });
    const { received, errors } = await ticksUntilError(await serve(schema, 1));
    expect(errors).toEqual([expect.objectContaining({ message: 'the log is unreadable' })]);
    expect(received).toEqual([1]);
    await until(() => source.closedTimes() > 0);
    expect(source.closedTimes()).toBe(1);
  });

  it('sends an error when the source fails, after the results before it', async () => {
    const schema = schemaWith({
      ticks: {
        type: GraphQLInt,
        subscribe: async function* () {
          yield { ticks: 1 };
          throw new Error('the log is unreadable');
        },
      },
    });
    const { received, errors } = await ticksUntilError(await serve(schema, 1));
    expect(errors).toEqual([expect.objectContaining({ message: 'the log is unreadable' })]);
    expect(received).toEqual([1]);
  });

  it('leaves a subscription on a socket without batchWrites to graphql-ws', async () => {
    const schema = testSchema(async function* () {
      yield { seq: 1 };
    }, []);
    const context = { viewer: null };
    bindSubscription(context, {} as WebSocket, '1');
    const stream = await subscribeShared({
      schema,
      document: parse('subscription { changes { seq } }'),
      contextValue: context,
    });
    expect(await collect(stream, 1)).toEqual([{ data: { changes: { seq: 1 } } }]);
  });
});
