import { createHash } from 'node:crypto';
import { CART_ADD, PURCHASE, VIEW } from './settings';

/**
 * Engagement: how strongly one profile is drawn to one product, from its interactions with it. Purchases
 * weigh more than cart adds, cart adds more than views, and every interaction halves in weight each
 * half-life. The sum is stored as of the last interaction (`weight` at `lastAt`), which never changes until a
 * new interaction arrives: exponential decay shrinks every weight by the same factor as time passes, so its
 * value at any later time is `weight × 2^(−(now − lastAt) / halfLife)` and ratios between weights (the
 * cosines behind related products, the shape of an embedding) do not depend on when they are computed.
 */
export interface Engagement {
  /** Decayed weight as of `lastAt`. */
  readonly weight: number;
  readonly purchases: number;
  readonly carts: number;
  readonly views: number;
  /** Epoch ms of the latest counted interaction. */
  readonly lastAt: number;
}

/** An interaction as engagement reads it: counted when its event has a weight and it has a product. */
export interface EngagementInteraction {
  readonly event: string;
  readonly at: number;
  readonly productId: string | null;
  /** Its product's category, where the reader has it. */
  readonly category?: string | null;
}

/** One ENGAGED edge as the embeddings read it: the product's category, the weight and when. */
export interface EngagedProduct {
  readonly category: string | null;
  readonly weight: number;
  readonly lastAt: number;
}

export interface EngagementEvent {
  readonly event: string;
  /** Epoch ms. */
  readonly at: number;
}

/** Rounds to 9 significant digits, so a recomputation from the same interactions compares equal. */
function stable(value: number): number {
  return Number(value.toPrecision(9));
}

/**
 * The engagement of one profile with one product, from its interactions; null when none of them counts
 * (an event without a weight, a non-finite time).
 */
export function engagementOf(
  events: Iterable<EngagementEvent>,
  weights: Readonly<Record<string, number>>,
  halfLifeMs: number,
): Engagement | null {
  const counted = [...events].filter((e) => Number.isFinite(e.at) && Object.hasOwn(weights, e.event));
  if (counted.length === 0) return null;
  const lastAt = Math.max(...counted.map((e) => e.at));
  let weight = 0;
  for (const e of counted) weight += weights[e.event]! * 2 ** (-(lastAt - e.at) / halfLifeMs);
  const count = (name: string) => counted.filter((e) => e.event === name).length;
  return {
    weight: stable(weight),
    purchases: count(PURCHASE),
    carts: count(CART_ADD),
    views: count(VIEW),
    lastAt,
  };
}

/**
 * The weight of an engagement at `now`, as the queries compute it (`weight × 2^((lastAt − now) / halfLife)`).
 * Not clamped for interactions stamped after `now` by a fast clock: every weight must decay by one factor.
 */
export function weightAt(
  engagement: Pick<Engagement, 'weight' | 'lastAt'>,
  now: number,
  halfLifeMs: number,
): number {
  return engagement.weight * 2 ** ((engagement.lastAt - now) / halfLifeMs);
}

/** Whether two stored engagements are the same (nothing to write). */
export function sameEngagement(a: Engagement, b: Engagement): boolean {
  return (
    a.weight === b.weight &&
    a.purchases === b.purchases &&
    a.carts === b.carts &&
    a.views === b.views &&
    a.lastAt === b.lastAt
  );
}

/** What the strongest kind of interaction was, in words for reasons ("… you bought"). */
export function strongestAction(engagement: Pick<Engagement, 'purchases' | 'carts'>): EngagementAction {
  if (engagement.purchases > 0) return 'bought';
  if (engagement.carts > 0) return 'added to your cart';
  return 'viewed';
}

export type EngagementAction = 'bought' | 'added to your cart' | 'viewed';

/** A counted interaction: an event with a weight, on a product. */
export interface CountedInteraction {
  readonly event: string;
  readonly at: number;
  readonly productId: string;
  readonly category: string | null;
}

/**
 * One order for counted interactions, newest first, the same wherever they were read: by time, then event,
 * then product (interactions alike in all three weigh the same, so any of them may stand for another).
 */
function newestFirst(a: CountedInteraction, b: CountedInteraction): number {
  return b.at - a.at || compare(a.event, b.event) || compare(a.productId, b.productId);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The counted interactions among `interactions` (the events with a weight, with a product), newest first. */
export function countedInteractions(
  interactions: readonly EngagementInteraction[],
  weights: Readonly<Record<string, number>>,
): CountedInteraction[] {
  return interactions
    .filter((x) => x.productId !== null && Object.hasOwn(weights, x.event))
    .map(({ event, at, productId, category }) => ({
      event,
      at,
      productId: productId!,
      category: category ?? null,
    }))
    .sort(newestFirst);
}

/**
 * Counted interactions grouped by product (with its category, where the interactions have it), in their order:
 * a window (the newest `maxEventsPerProfile`) grouped is what a profile's ENGAGED edges are computed from.
 */
export function byProduct(
  counted: readonly CountedInteraction[],
): Array<{ productId: string; category: string | null; events: EngagementEvent[] }> {
  const products = new Map<
    string,
    { productId: string; category: string | null; events: EngagementEvent[] }
  >();
  for (const { productId, event, at, category } of counted) {
    const product = products.get(productId);
    if (product) product.events.push({ event, at });
    else products.set(productId, { productId, category, events: [{ event, at }] });
  }
  return [...products.values()];
}

/**
 * The basis of a profile's ENGAGED edges: what they were computed from (the window, its newest `maxEvents`
 * counted interactions), stored with them so that the next settle can tell which products' edges its own
 * window changes, and read only those. Its interactions' count, the first and last of them in the one order,
 * and a digest of all of them with the settings they were weighed by (`settings`): the window of the last
 * settle is then exactly the counted interactions between the two ends, if they are as many and digest the
 * same (otherwise some arrived among them or left, and everything is read again).
 */
export function engagementBasis(window: readonly CountedInteraction[], settings: string): string {
  const ends = window.length === 0 ? [] : [keyOf(window[0]!), keyOf(window[window.length - 1]!)];
  return JSON.stringify({ n: window.length, ends, digest: digestOf(window, settings) });
}

/**
 * The products whose edges differ between the window a stored basis was computed from and `window` (the
 * newest of `counted`, which holds all of a profile's counted interactions at least as far back as the stored
 * window reached, if the memo is complete), and how many edges that window gave (one a product); null when
 * `counted` does not hold the stored window exactly (then which edges differ cannot be told without reading
 * them all).
 */
export function changedProducts(
  counted: readonly CountedInteraction[],
  window: readonly CountedInteraction[],
  stored: string,
  settings: string,
): { products: Set<string>; edges: number } | null {
  const basis = parseBasis(stored);
  if (!basis) return null;
  const [newest, oldest] = basis.ends;
  let before: CountedInteraction[] = [];
  if (newest && oldest) {
    before = counted.filter((x) => newestFirst(x, newest) >= 0 && newestFirst(x, oldest) <= 0);
    // More copies of the oldest than the window took (alike in time, event and product): any of them will do.
    if (before.length > basis.n && before.slice(basis.n).every((x) => newestFirst(x, oldest) === 0))
      before = before.slice(0, basis.n);
  }
  if (before.length !== basis.n || digestOf(before, settings) !== basis.digest) return null;
  const was = eventsByProduct(before);
  const is = eventsByProduct(window);
  const changed = new Set<string>();
  for (const [productId, events] of is) if (was.get(productId) !== events) changed.add(productId);
  for (const productId of was.keys()) if (!is.has(productId)) changed.add(productId);
  return { products: changed, edges: was.size };
}

function keyOf(x: CountedInteraction): CountedInteraction {
  return { event: x.event, at: x.at, productId: x.productId, category: null };
}

function digestOf(window: readonly CountedInteraction[], settings: string): string {
  const hash = createHash('sha1').update(settings);
  for (const x of window) hash.update(`\n${x.at}\t${x.event}\t${x.productId}`);
  return hash.digest('base64');
}

function eventsByProduct(window: readonly CountedInteraction[]): Map<string, string> {
  const events = new Map<string, string>();
  for (const x of window) events.set(x.productId, `${events.get(x.productId) ?? ''}${x.at}\t${x.event}\n`);
  return events;
}

function parseBasis(stored: string): { n: number; ends: CountedInteraction[]; digest: string } | null {
  try {
    const basis = JSON.parse(stored) as { n?: unknown; ends?: unknown; digest?: unknown };
    if (typeof basis.n !== 'number' || !Array.isArray(basis.ends) || typeof basis.digest !== 'string')
      return null;
    return basis as { n: number; ends: CountedInteraction[]; digest: string };
  } catch {
    return null;
  }
}
