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
import { mapStream } from '../common/streams';
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
 * graphql-js's `subscribe`, except that an event given to several subscriptions (the same object: the
 * change bus hands every stream the same records) is executed once per share key rather than once per
 * subscription. The key holds everything a result depends on: the operation, the variables it uses once
 * the arguments of a STREAM_ONLY_ARGUMENTS field are set aside, and the caller's effective permissions
 * (`viewerKey`), so that callers of different roles, permissions or end users never share a result, while
 * authorization, masking and the resolvers' own checks still run exactly as they would for each of them.
 */
export async function subscribeShared(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isStream(source)) return source;
  const key = shareKey(args);
  return mapStream(source[Symbol.asyncIterator](), (event): Result => {
    if (typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
    let byKey = results.get(event);
    if (!byKey) results.set(event, (byKey = new Map()));
    let result = byKey.get(key);
    if (!result) byKey.set(key, (result = execute({ ...args, rootValue: event })));
    return result;
  });
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

/** What graphql-ws is given as the payload of a `next` whose serialised payload a socket holds (see below). */
const STAND_IN: ExecutionResult = Object.freeze({ extensions: { portraitSerialisedPayload: true } });
const STAND_IN_JSON = JSON.stringify(STAND_IN);

/** Results serialised as graphql-ws would send them, once each however many subscribers get them. */
const serialised = new WeakMap<ExecutionResult, string>();

/** A `next` graphql-ws is about to send with a stand-in payload: that message, and the one to send instead. */
interface Replacement {
  readonly standIn: string;
  readonly message: string;
}

/** Per socket, its replacements in the order graphql-ws sends their messages. */
const replacements = new WeakMap<WebSocket, Replacement[]>();

/**
 * graphql-ws's `onNext`: serialises `result` once for every subscriber that gets the same result object
 * (subscribeShared hands them all one) and has the socket send that text, instead of graphql-ws
 * stringifying it again for each of them (a tenth of a busy server's time with 100 subscribers of one
 * segment: graphql-js's result objects have no prototype, which JSON.stringify serialises slowly).
 * graphql-ws serialises a stand-in payload, which the socket's send replaces (`batchWrites`); a socket
 * that send was not installed on is left to graphql-ws (undefined).
 */
export function serialiseOnce(
  socket: WebSocket,
  id: string,
  result: ExecutionResult,
): ExecutionResult | undefined {
  const pending = replacements.get(socket);
  if (!pending) return undefined;
  let json = serialised.get(result);
  if (json === undefined) {
    // What graphql-ws would send: the result, its errors last and serialised.
    const { errors, ...rest } = result;
    json = JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest);
    serialised.set(result, json);
  }
  // The message graphql-ws writes: {id, type, payload}, in that order.
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  pending.push({ standIn: `${head}${STAND_IN_JSON}}`, message: `${head}${json}}` });
  return STAND_IN;
}

/**
 * The message to send for `data`: the one `serialiseOnce` left for it when `data` is its stand-in. graphql-ws
 * sends each stand-in right after the `onNext` that returned it, so it is the oldest one waiting (unless a
 * send was skipped because the socket closed: then nothing more is sent on it).
 */
function replaced(pending: Replacement[], data: unknown): unknown {
  if (pending.length === 0 || typeof data !== 'string') return data;
  const at = pending[0]!.standIn === data ? 0 : pending.findIndex((r) => r.standIn === data);
  if (at < 0) return data;
  const { message } = pending[at]!;
  pending.splice(at, 1);
  return message;
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
 * Lets what graphql-ws sends to one socket within a tick leave in one write: ws writes every message on its
 * own, a system call per message and subscriber. graphql-ws waits for each send before it takes the next
 * event of a subscription; here a send is done at once while the socket's buffer has room, and waits for it
 * to drain otherwise, so a slow client holds back its own subscriptions only (their streams then stash, and
 * beyond that read the log when the client catches up). Corking the underlying socket is how ws's authors
 * suggest batching writes (websockets/ws#1999). A send done once sends have taken SEND_TURN_MS of this turn
 * of the event loop is answered in the next: a large round's changes to many subscribers (100 subscribers of
 * a round of 3,000 changes: 300,000 messages, seconds of work) then leave in slices, between which requests
 * and the database's answers are served, instead of holding the process for the whole burst (microtasks run
 * to the end before any I/O); unless the sends have fallen behind (`turnSpent`). Also puts in the payloads
 * `serialiseOnce` serialised.
 */
export function batchWrites(socket: WebSocket): void {
  const raw = (socket as unknown as { _socket?: Socket })._socket;
  if (!raw) return;
  const pending: Replacement[] = [];
  replacements.set(socket, pending);
  const send = socket.send.bind(socket) as (data: unknown, options: object) => void;
  let corked = false;
  const uncork = () => {
    corked = false;
    raw.uncork();
  };
  let waiting: Array<() => void> = [];
  const release = () => {
    const done = waiting;
    waiting = [];
    for (const resolve of done) resolve();
  };
  raw.on('drain', release);
  socket.once('close', release);
  const batched = (data: unknown, optionsOrDone?: object, maybeDone?: (error?: Error) => void) => {
    const done = typeof optionsOrDone === 'function' ? (optionsOrDone as typeof maybeDone) : maybeDone;
    const options = typeof optionsOrDone === 'function' ? {} : (optionsOrDone ?? {});
    if (!corked) {
      corked = true;
      raw.cork();
      process.nextTick(uncork);
    }
    send(replaced(pending, data), options);
    if (!done) return;
    if (raw.writableNeedDrain) waiting.push(() => done());
    else if (turnSpent()) setImmediate(done);
    else done();
  };
  socket.send = batched as WebSocket['send'];
}
