import {
  Kind,
  createSourceEventStream,
  execute,
  getArgumentValues,
  getOperationAST,
  print,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type SelectionNode,
} from 'graphql';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { auditTarget } from '../audit/audit.middleware';
import { isReadyStream, mapStream } from '../common/streams';
import type { Viewer } from '../security/viewer';
import type { Context } from './context';

/**
 * Extension of a subscription field whose resolver returns each event as it is, whatever the field's
 * arguments: they only choose which events are streamed (a segment, a cursor to replay from). Subscribers
 * that differ only in those arguments then share the resolution of the events they both get.
 */
export const STREAM_ONLY_ARGUMENTS = 'streamOnlyArguments';

type Result = ExecutionResult | Promise<ExecutionResult>;

/** The results of an event, by share key; they go when the event does (no subscriber holds it any more). */
const results = new WeakMap<object, Map<string, Result>>();

/**
 * What shared results that were promises resolved to, once they have: most of a round's subscribers come to a
 * result after it has resolved, and take it from here instead of awaiting it (a promise reaction and a turn of
 * their delivery loop a change each).
 */
const settled = new WeakMap<Promise<ExecutionResult>, ExecutionResult>();

function executeShared(args: ExecutionArgs, byKey: Map<string, Result>, key: string): Result {
  const result = execute(args);
  if (result instanceof Promise) {
    result.then(
      (value) => {
        settled.set(result, value);
        byKey.set(key, value);
      },
      // Whoever awaits it gets the error.
      () => {},
    );
  }
  byKey.set(key, result);
  return result;
}

/**
 * graphql-js's `subscribe`, except that an event given to several subscriptions (the same object: the
 * change bus hands every stream the same records) is executed once per share key rather than once per
 * subscription. The key holds everything a result depends on: the operation, the variables it uses once
 * the arguments of a STREAM_ONLY_ARGUMENTS field are set aside, and the caller's effective permissions
 * (`viewerKey`), so that callers of different roles, permissions or end users never share a result, while
 * authorization, masking and the resolvers' own checks still run exactly as they would for each of them.
 * A subscription bound to a batched socket (bindSubscription) has its results written there by `delivered`.
 */
export async function subscribeShared(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isStream(source)) return source;
  const key = shareKey(args);
  const stream = mapStream(source[Symbol.asyncIterator](), (event): Result => {
    if (typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
    let byKey = results.get(event);
    if (!byKey) results.set(event, (byKey = new Map()));
    return byKey.get(key) ?? executeShared({ ...args, rootValue: event }, byKey, key);
  });
  const sink =
    typeof args.contextValue === 'object' && args.contextValue ? sinks.get(args.contextValue) : undefined;
  const writer = sink && writers.get(sink.socket);
  return writer ? delivered(stream, writer, sink.id) : stream;
}

/**
 * Records the start of a subscription in the audit log, with its outcome: `ok` when its stream started,
 * otherwise the code of the error that refused it (authorization included). Once per subscription: what it
 * then delivers is not audited event by event (an event is resolved once for all the subscribers that get
 * the same result, so per-event auditing could not name them all; nothing below a subscription's root field
 * is an audited action either).
 */
export function auditSubscription(args: ExecutionArgs, result: unknown): void {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation !== 'subscription') return;
  const context = args.contextValue as Context;
  const [selection] = operation.selectionSet.selections;
  const field =
    selection?.kind === Kind.FIELD
      ? args.schema.getSubscriptionType()?.getFields()[selection.name.value]
      : undefined;
  let values: Record<string, unknown> = {};
  try {
    if (field && selection?.kind === Kind.FIELD)
      values = getArgumentValues(field, selection, args.variableValues);
  } catch {
    // Arguments that do not coerce: the operation was refused for them, which its outcome says.
  }
  const errors = isStream(result) ? [] : ((result as ExecutionResult).errors ?? []);
  context.services.audit.record(context.viewer, {
    action: `Subscription.${field?.name ?? '?'}`,
    target: auditTarget(values),
    outcome: errors.length === 0 ? 'ok' : String(errors[0]!.extensions.code ?? 'INTERNAL_SERVER_ERROR'),
  });
}

function isStream(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * What a result can depend on about its caller: everything about the viewer but its id (which only says
 * who, for the audit log and rate limits; nothing that a subscription resolves per event is audited).
 */
export function viewerKey(viewer: Viewer | null): string {
  if (!viewer) return 'anonymous';
  const { id: _id, ...rest } = viewer;
  return JSON.stringify(rest, (_key, value: unknown) =>
    value instanceof Set ? [...(value as Set<unknown>)].sort() : value,
  );
}

/** The operation and the variables its results depend on, and the caller's effective permissions. */
export function shareKey(args: ExecutionArgs): string {
  const document = withoutStreamArguments(args.schema, args.document, args.operationName);
  const used = new Set<string>();
  visit(document, {
    VariableDefinition: () => false,
    Variable: (node) => void used.add(node.name.value),
  });
  const variables = [...used].sort().map((name) => [name, args.variableValues?.[name] ?? null]);
  const viewer = (args.contextValue as Partial<Context> | undefined)?.viewer ?? null;
  return [viewerKey(viewer), args.operationName ?? '', print(document), JSON.stringify(variables)].join('\n');
}

/** `document` with the arguments of its STREAM_ONLY_ARGUMENTS root fields removed. */
function withoutStreamArguments(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
): DocumentNode {
  const operation = getOperationAST(document, operationName);
  const fields = schema.getSubscriptionType()?.getFields() ?? {};
  if (!operation || operation.operation !== 'subscription') return document;
  const strip = (selection: SelectionNode): SelectionNode =>
    selection.kind === Kind.FIELD && fields[selection.name.value]?.extensions[STREAM_ONLY_ARGUMENTS] === true
      ? { ...selection, arguments: [] }
      : selection;
  return {
    ...document,
    definitions: document.definitions.map((definition) =>
      definition === operation
        ? {
            ...operation,
            selectionSet: {
              ...operation.selectionSet,
              selections: operation.selectionSet.selections.map(strip),
            },
          }
        : definition,
    ),
  };
}

/** Results serialised as graphql-ws would send them, once each however many subscribers get them. */
const serialised = new WeakMap<ExecutionResult, Buffer>();

/**
 * The payload of a `next` message for `result`, as graphql-ws would write it (its errors last and serialised),
 * in UTF-8. Once per result, not per subscriber: graphql-js's result objects have no prototype, which
 * JSON.stringify serialises slowly (a tenth of a busy server's time with 100 subscribers of one segment, when it
 * was per subscriber), and each subscriber's message is then copied from these bytes, not encoded again.
 */
function payloadOf(result: ExecutionResult): Buffer {
  let payload = serialised.get(result);
  if (payload === undefined) {
    const { errors, ...rest } = result;
    payload = Buffer.from(JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest));
    serialised.set(result, payload);
  }
  return payload;
}

/** Most milliseconds of one turn of the event loop that sending to subscribers may take before it yields. */
const SEND_TURN_MS = 10;
/** How long sends may go on being put off, turn after turn, before they stop yielding until caught up. */
const SENDS_BEHIND_MS = 300;
// The turns are the process's (its one event loop), so this state is too, shared by every socket and server.
/** When the first send of this turn of the event loop was made (-1: none yet). */
let turnStart = -1;
/** Whether a send of this turn was put off to the next. */
let putOff = false;
/** Since when every turn has put sends off (-1: the last turn with sends sent all it had). */
let behindSince = -1;

/**
 * Whether sends have had their share of this turn of the event loop. Not while they have been put off for
 * more than SENDS_BEHIND_MS: the process then makes changes faster than it sends them, and were it to go on
 * yielding, ingestion would go on taking events in while subscribers fell ever further behind (until they
 * read the change log instead, each on its own, which costs more again); sending then runs until it has caught
 * up, which holds ingestion back for that long.
 */
function turnSpent(): boolean {
  const now = performance.now();
  if (turnStart < 0) {
    turnStart = now;
    setImmediate(endTurn);
    return false;
  }
  if (now - turnStart <= SEND_TURN_MS || (behindSince >= 0 && now - behindSince > SENDS_BEHIND_MS))
    return false;
  putOff = true;
  return true;
}

function endTurn(): void {
  if (putOff) {
    // The next turn begins with the sends put off, and ends after them whether or not they send again.
    putOff = false;
    turnStart = performance.now();
    if (behindSince < 0) behindSince = turnStart;
    setImmediate(endTurn);
    return;
  }
  turnStart = -1;
  behindSince = -1;
}

/**
 * A text message queued for a socket: a string (graphql-ws's own messages), or a subscription's `next` message as
 * the encoded start of the message up to its payload, and the encoded payload; the closing brace is added when it
 * is framed. Each part of the second kind is encoded once (the head per subscription, the payload per result)
 * and copied into each frame: half a microsecond less a message than encoding each message's text.
 */
type Text = string | NextMessage;

interface NextMessage {
  readonly head: Buffer;
  readonly payload: Buffer;
}

const CLOSING_BRACE = 0x7d;

function byteLength(text: Text): number {
  return typeof text === 'string' ? Buffer.byteLength(text) : text.head.length + text.payload.length + 1;
}

/**
 * Text messages as unmasked, unfragmented WebSocket frames (RFC 6455 §5.2: FIN and the text opcode, then the
 * payload's length in 7 bits, or 126 and 16 bits, or 127 and 64 bits), one after another in one buffer.
 */
function textFrames(texts: readonly Text[]): Buffer {
  const lengths = texts.map(byteLength);
  const size = lengths.reduce((sum, n) => sum + n + (n < 126 ? 2 : n < 0x10000 ? 4 : 10), 0);
  const buffer = Buffer.allocUnsafe(size);
  let at = 0;
  texts.forEach((text, i) => {
    const n = lengths[i]!;
    buffer[at++] = 0x81;
    if (n < 126) buffer[at++] = n;
    else if (n < 0x10000) {
      buffer[at++] = 126;
      at = buffer.writeUInt16BE(n, at);
    } else {
      buffer[at++] = 127;
      at = buffer.writeBigUInt64BE(BigInt(n), at);
    }
    if (typeof text === 'string') at += buffer.write(text, at);
    else {
      buffer.set(text.head, at);
      at += text.head.length;
      buffer.set(text.payload, at);
      at += text.payload.length;
      buffer[at++] = CLOSING_BRACE;
    }
  });
  return buffer;
}

/**
 * What a socket sends, written for it: the text messages of one tick (every change delivered to its
 * subscriptions, graphql-ws's own messages) leave in one buffer of frames and one write. ws would frame each
 * message in two buffers of its own, to be written with the others as a vector (the socket corked for the
 * tick): one system call per socket and tick either way, but twice the CPU a message (3.9 against 1.9 µs, 100
 * sockets of 20 messages a tick, in a micro-benchmark). ws's own frames (ping, pong, close) still go through ws:
 * they may come between whole messages, and the queue is written before a close.
 */
class SocketWriter {
  private texts: Text[] = [];
  private queued = 0;
  private flushing = false;
  private waiting: Array<() => void> = [];
  /** The queue's length at which it is written at once (see `text`). */
  private readonly limit: number;
  private readonly flushSoon = () => {
    this.flushing = false;
    this.flush();
  };

  constructor(
    private readonly socket: WebSocket,
    private readonly raw: Socket,
  ) {
    this.limit = 4 * raw.writableHighWaterMark;
    const release = () => {
      this.flush();
      const done = this.waiting;
      this.waiting = [];
      for (const resolve of done) resolve();
    };
    raw.on('drain', release);
    socket.once('close', release);
  }

  /**
   * Queues a text message. It is written at the end of this tick, or at once when the queue reaches four
   * times the socket's buffer (a burst then leaves in writes of that size, and a slow client's queue is
   * bounded: it stays at that size only while the socket waits to drain, when its senders wait too).
   */
  text(message: Text): void {
    this.texts.push(message);
    this.queued += typeof message === 'string' ? message.length : byteLength(message);
    if (this.queued >= this.limit && !this.raw.writableNeedDrain) this.flush();
    else if (!this.flushing) {
      this.flushing = true;
      process.nextTick(this.flushSoon);
    }
  }

  /** Writes the queue (dropped when the socket is no longer open: ws would refuse a send then). */
  flush(): void {
    if (this.texts.length === 0) return;
    const texts = this.texts;
    this.texts = [];
    this.queued = 0;
    if (this.socket.readyState === this.socket.OPEN) this.raw.write(textFrames(texts));
  }

  /**
   * Null when the sender may go on at once; otherwise when it may: once the socket has drained (a slow client
   * holds back its own subscriptions only; their streams then stash, and beyond that read the log when the
   * client catches up), or in the next turn of the event loop once sends have had this one's share
   * (`turnSpent`): a large round's changes to many subscribers (100 subscribers of a round of 3,000 changes:
   * 300,000 messages, seconds of work) then leave in slices, between which requests and the database's answers
   * are served, instead of holding the process for the whole burst (microtasks run to the end before any I/O).
   */
  wait(): Promise<void> | null {
    if (
      this.socket.readyState === this.socket.OPEN &&
      (this.raw.writableNeedDrain || this.queued >= this.limit)
    ) {
      return new Promise((resolve) => this.waiting.push(resolve));
    }
    if (turnSpent()) return new Promise((resolve) => setImmediate(resolve));
    return null;
  }
}

const writers = new WeakMap<WebSocket, SocketWriter>();

/**
 * Has what graphql-ws and subscribeShared send on `socket` written by a SocketWriter: text sends are queued
 * and answered at once, or when the socket has drained, or in the next turn of the event loop (see `wait`);
 * anything else is sent by ws after the queue; a close writes the queue first. graphql-ws waits for each send
 * before it takes the next event of a subscription, so its subscriptions get the same slicing and
 * back-pressure as those subscribeShared delivers itself.
 */
export function batchWrites(socket: WebSocket): void {
  const raw = (socket as unknown as { _socket?: Socket })._socket;
  if (!raw) return;
  const writer = new SocketWriter(socket, raw);
  writers.set(socket, writer);
  const send = socket.send.bind(socket) as (
    data: unknown,
    options: object,
    done?: (error?: Error) => void,
  ) => void;
  const close = socket.close.bind(socket);
  const batched = (data: unknown, optionsOrDone?: object, maybeDone?: (error?: Error) => void) => {
    const done = typeof optionsOrDone === 'function' ? (optionsOrDone as typeof maybeDone) : maybeDone;
    const options = (typeof optionsOrDone === 'function' ? {} : (optionsOrDone ?? {})) as {
      binary?: boolean;
    };
    if (typeof data !== 'string' || options.binary || socket.readyState !== socket.OPEN) {
      writer.flush();
      send(data, options, done);
      return;
    }
    writer.text(data);
    if (!done) return;
    const wait = writer.wait();
    if (wait) void wait.then(() => done());
    else done();
  };
  socket.send = batched as WebSocket['send'];
  socket.close = ((...args: Parameters<WebSocket['close']>) => {
    writer.flush();
    close(...args);
  }) as WebSocket['close'];
}

/** Subscriptions whose results subscribeShared writes to their socket itself: by context, the socket and id. */
const sinks = new WeakMap<object, { readonly socket: WebSocket; readonly id: string }>();

/**
 * Binds the context of graphql-ws's subscription `id` on `socket` to them: if batchWrites was installed on
 * the socket, subscribeShared then writes the subscription's results to it itself (see `delivered`).
 */
export function bindSubscription(context: object, socket: WebSocket, id: string): void {
  sinks.set(context, { socket, id });
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Most results a subscription takes at once from a stream that holds them ready (a round's changes, waiting
 * since the bus brought them): enough that a round costs a subscriber a few calls, few enough that the
 * sends' share of a turn (SEND_TURN_MS) and a socket's back-pressure are checked every so often.
 */
const READY_BATCH = 64;

/**
 * A stream that writes each of `results` to `writer` as subscription `id`'s `next` message, as graphql-ws
 * would write it, and yields nothing: graphql-ws's loop over a subscription's results awaits its own send of
 * each (two async functions, a message object checked and stringified, a promise per send), which for 100
 * subscribers of one segment cost more than the change itself. graphql-ws still starts the subscription
 * (its `next()` resolves when the results end, or at once after `return()`, as the subscriber leaves) and
 * sends `complete` or `error` when they end; an error of the results is thrown to it, as before. From a
 * ReadyStream (a segment's changes) it takes what is ready in batches of READY_BATCH, so that a round's
 * changes cost a subscriber one wait for the first, not a promise and a step of every stream per change.
 */
function delivered(
  results: AsyncIterator<ExecutionResult>,
  writer: SocketWriter,
  id: string,
): AsyncIterableIterator<ExecutionResult> {
  const head = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  const ready = isReadyStream(results) ? results : null;
  let ended = false;
  const pump = async (): Promise<void> => {
    for (;;) {
      let items: Array<ExecutionResult | Promise<ExecutionResult>> = ready?.takeReady(READY_BATCH) ?? [];
      if (items.length === 0) {
        const next = await results.next();
        if (next.done || ended) return;
        items = [next.value];
      }
      for (const item of items) {
        const result = item instanceof Promise ? (settled.get(item) ?? (await item)) : item;
        if (ended) return;
        writer.text({ head, payload: payloadOf(result) });
      }
      const wait = writer.wait();
      if (wait) await wait;
      if (ended) return;
    }
  };
  let finish: ((result: IteratorResult<ExecutionResult>) => void) | null = null;
  let finished: Promise<IteratorResult<ExecutionResult>> | null = null;
  const end = async (): Promise<void> => {
    ended = true;
    finish?.(DONE);
    await results.return?.();
  };
  const stream: AsyncIterableIterator<ExecutionResult> = {
    next: () =>
      (finished ??= ended
        ? Promise.resolve(DONE)
        : new Promise((resolve, reject) => {
            finish = resolve;
            // An error once the subscriber has left (its stream closed under a pending read) is nobody's.
            pump().then(
              () => resolve(DONE),
              (error: unknown) => {
                if (ended) {
                  resolve(DONE);
                  return;
                }
                reject(error);
                // A result taken ready that failed leaves its stream to us to end (see ReadyStream); the
                // rejection has settled this read, so `end` only stops and closes.
                end().catch(() => {});
              },
            );
          })),
    async return() {
      await end();
      return DONE;
    },
    async throw(error: unknown) {
      await end();
      throw error;
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}
