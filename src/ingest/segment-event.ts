import { z } from 'zod';
import {
  NAMESPACE_PATTERN,
  identifierKey,
  isBlockedValue,
  normalizeValue,
  ruleFor,
  type IdentityKind,
  type IdentityRules,
} from '../identity/namespaces';
import { productEvent, type ProductLine } from './ecommerce';

/** The Segment call types Portrait applies. `group` calls are answered with a per-event rejection. */
export type EventType = 'identify' | 'track' | 'alias' | 'page' | 'screen';
const EVENT_TYPES: readonly EventType[] = ['identify', 'track', 'alias', 'page', 'screen'];

export interface EventIdentifier {
  readonly key: string;
  readonly namespace: string;
  readonly value: string;
  readonly kind: IdentityKind;
}

export interface EventInteraction {
  readonly id: string;
  readonly event: string;
  readonly productId: string | null;
  readonly quantity: number | null;
  readonly value: number | null;
  readonly orderId: string | null;
  readonly properties: Record<string, unknown>;
}

/** One accepted event, reduced to what the graph stores. Times are epoch milliseconds. */
export interface NormalizedEvent {
  readonly index: number;
  readonly messageId: string;
  readonly type: EventType;
  /** Event name for track, page or screen name otherwise. */
  readonly name: string | null;
  readonly at: number;
  readonly receivedAt: number;
  readonly identifiers: readonly EventIdentifier[];
  /** The identifier the event is about (userId, else anonymousId): traits and interactions attach to it. */
  readonly primary: EventIdentifier;
  readonly traits: Record<string, unknown> | null;
  readonly interactions: readonly EventInteraction[];
  readonly products: readonly ProductLine[];
}

export type NormalizeResult =
  { ok: true; event: NormalizedEvent } | { ok: false; messageId: string | null; reason: string };

export interface NormalizeOptions {
  readonly rules: IdentityRules;
  readonly receivedAt: number;
  readonly maxEventBytes: number;
  /** Type implied by the endpoint (/v1/track) when the body does not say. */
  readonly impliedType?: EventType;
}

const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

const dateTime = z.union([z.string(), z.date()]).transform((input, ctx) => {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid date-time' });
      return z.NEVER;
    }
    return input.getTime();
  }
  const ms = ISO_DATE_TIME.test(input) ? Date.parse(input) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({
      code: 'custom',
      message: `is not an ISO-8601 date-time (got ${JSON.stringify(input.slice(0, 40))})`,
    });
    return z.NEVER;
  }
  return ms;
});

/** Segment ids may arrive as numbers from some libraries; they are ids all the same. */
const id = z
  .union([z.string(), z.number().finite()])
  .transform((v) => String(v).trim())
  .optional()
  .nullable();

const jsonObject = z.record(z.string(), z.unknown());

const eventSchema = z
  .object({
    type: z.string().optional(),
    messageId: z
      .union([z.string(), z.number()])
      .transform((v) => String(v).trim())
      .pipe(z.string().min(1).max(256)),
    timestamp: dateTime.optional().nullable(),
    originalTimestamp: dateTime.optional().nullable(),
    sentAt: dateTime.optional().nullable(),
    userId: id,
    anonymousId: id,
    previousId: id,
    event: z.string().max(512).optional().nullable(),
    name: z.string().max(512).optional().nullable(),
    category: z.string().max(512).optional().nullable(),
    traits: jsonObject.optional().nullable(),
    properties: jsonObject.optional().nullable(),
    context: jsonObject.optional().nullable(),
  })
  .loose();

type RawEvent = z.infer<typeof eventSchema>;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, key) =>
      value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    input,
  );
}

function describeIssue(input: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path.join('.');
  if (valueAt(input, issue.path) === undefined) return `${path} is required`;
  if (issue.code === 'invalid_union' || issue.code === 'invalid_type') {
    return `${path} has the wrong type (got ${Array.isArray(valueAt(input, issue.path)) ? 'array' : typeof valueAt(input, issue.path)})`;
  }
  return path ? `${path} ${issue.message.replace(/^Invalid input: /, '')}` : issue.message;
}

function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function asObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function asString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * The event's time, as Segment computes it: `timestamp` when given; otherwise `originalTimestamp` corrected
 * for the sender's clock skew (`receivedAt - (sentAt - originalTimestamp)`); otherwise the time received.
 */
function eventTime(raw: RawEvent, receivedAt: number, batchSentAt: number | null): number {
  if (raw.timestamp != null) return raw.timestamp;
  const sentAt = raw.sentAt ?? batchSentAt;
  if (raw.originalTimestamp != null) {
    return sentAt != null ? receivedAt - (sentAt - raw.originalTimestamp) : raw.originalTimestamp;
  }
  return receivedAt;
}

class Collector {
  private readonly byKey = new Map<string, EventIdentifier>();
  constructor(private readonly rules: IdentityRules) {}

  add(namespace: string, raw: unknown): EventIdentifier | null {
    const text = asString(raw);
    if (text === null) return null;
    const value = normalizeValue(namespace, text);
    if (value.length === 0 || value.length > 512 || isBlockedValue(this.rules, value)) return null;
    const key = identifierKey(namespace, value);
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const identifier = { key, namespace, value, kind: ruleFor(this.rules, namespace).kind };
    this.byKey.set(key, identifier);
    return identifier;
  }

  all(): EventIdentifier[] {
    return [...this.byKey.values()];
  }
}

function collectIdentifiers(
  raw: RawEvent,
  type: EventType,
  traits: Record<string, unknown> | null,
  rules: IdentityRules,
): { identifiers: EventIdentifier[]; primary: EventIdentifier | null; problem: string | null } {
  const ids = new Collector(rules);
  const user = ids.add('user_id', raw.userId);
  const anonymous = ids.add('anonymous_id', raw.anonymousId);
  if (type === 'alias') ids.add('anonymous_id', raw.previousId);
  if (traits) {
    ids.add('email', traits.email);
    ids.add('phone', traits.phone);
  }
  const context = raw.context ?? {};
  ids.add('device_id', asObject(context.device)?.id);
  const externalIds = context.externalIds;
  if (externalIds !== undefined) {
    if (!Array.isArray(externalIds))
      return { identifiers: [], primary: null, problem: 'context.externalIds must be an array' };
    for (const [i, entry] of externalIds.entries()) {
      const item = asObject(entry);
      const namespace = typeof item?.type === 'string' ? item.type.trim().toLowerCase() : '';
      if (!NAMESPACE_PATTERN.test(namespace)) {
        return {
          identifiers: [],
          primary: null,
          problem: `context.externalIds.${i}.type must be a namespace like "wechat_openid" (got ${JSON.stringify(item?.type)})`,
        };
      }
      ids.add(namespace, item?.id);
    }
  }
  return { identifiers: ids.all(), primary: user ?? anonymous, problem: null };
}

function interactionsOf(
  raw: RawEvent,
  type: EventType,
  messageId: string,
): { name: string | null; interactions: EventInteraction[]; products: ProductLine[] } {
  const properties = raw.properties ?? {};
  if (type === 'track') {
    const name = (raw.event ?? '').trim();
    const { lines, orderId, value } = productEvent(properties);
    if (lines.length === 0) {
      return {
        name,
        products: [],
        interactions: [
          { id: messageId, event: name, productId: null, quantity: null, value, orderId, properties },
        ],
      };
    }
    return {
      name,
      products: lines,
      interactions: lines.map((line, i) => ({
        id: lines.length === 1 ? messageId : `${messageId}#${i}`,
        event: name,
        productId: line.id,
        quantity: line.quantity,
        value: line.value,
        orderId,
        properties: line.properties,
      })),
    };
  }
  if (type === 'page' || type === 'screen') {
    const name = raw.name ?? asString(properties.name) ?? null;
    const event = type === 'page' ? 'Page Viewed' : 'Screen Viewed';
    const merged = {
      ...properties,
      ...(name ? { name } : {}),
      ...(raw.category ? { category: raw.category } : {}),
    };
    return {
      name,
      products: [],
      interactions: [
        {
          id: messageId,
          event,
          productId: null,
          quantity: null,
          value: null,
          orderId: null,
          properties: merged,
        },
      ],
    };
  }
  return { name: null, products: [], interactions: [] };
}

/**
 * Validates one Segment event and reduces it to what Portrait stores. Never throws: a bad event comes back
 * with a reason naming the offending field, so one bad event never blocks the others of its batch.
 */
export function normalizeEvent(
  input: unknown,
  index: number,
  options: NormalizeOptions,
  batchSentAt: number | null = null,
): NormalizeResult {
  const object = asObject(input);
  const messageIdGuess = object ? asString(object.messageId) : null;
  const reject = (reason: string): NormalizeResult => ({ ok: false, messageId: messageIdGuess, reason });
  if (!object) return reject('an event must be a JSON object');

  const size = byteLength(object);
  if (size > options.maxEventBytes) {
    return reject(`the event is ${kb(size)}; the limit is ${kb(options.maxEventBytes)}`);
  }

  const parsed = eventSchema.safeParse(object);
  if (!parsed.success) {
    return reject(parsed.error.issues.map((issue) => describeIssue(object, issue)).join('; '));
  }
  const raw = parsed.data;
  const typeText = (raw.type ?? options.impliedType ?? '').toLowerCase();
  if (typeText === 'group') return reject('type "group" is not supported (use identify with traits)');
  if (!(EVENT_TYPES as readonly string[]).includes(typeText)) {
    return reject(`type must be one of ${EVENT_TYPES.join(', ')} (got ${JSON.stringify(raw.type ?? null)})`);
  }
  const type = typeText as EventType;

  if (!raw.userId && !raw.anonymousId) return reject('userId or anonymousId is required');
  if (type === 'track' && !raw.event?.trim()) return reject('event is required for track calls');
  if (type === 'alias' && (!raw.userId || !raw.previousId))
    return reject('alias calls need both userId and previousId');

  const traits =
    type === 'identify' ? (raw.traits ?? {}) : (asObject((raw.context ?? {}).traits) ?? raw.traits ?? null);
  const { identifiers, primary, problem } = collectIdentifiers(raw, type, traits, options.rules);
  if (problem) return reject(problem);
  if (!primary)
    return reject('userId and anonymousId are both blocked placeholder values (such as "null" or "0")');

  const { name, interactions, products } = interactionsOf(raw, type, raw.messageId);
  return {
    ok: true,
    event: {
      index,
      messageId: raw.messageId,
      type,
      name: type === 'identify' || type === 'alias' ? null : name,
      at: eventTime(raw, options.receivedAt, batchSentAt),
      receivedAt: options.receivedAt,
      identifiers,
      primary,
      traits: traits && Object.keys(traits).length > 0 ? traits : null,
      interactions,
      products,
    },
  };
}
