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

/**
 * What engagement-inputs.cypher reads of a profile's interactions, from all of them: those of the counted
 * events with a product, newest first, at most `maxEvents`, grouped by product (with its category, where the
 * interactions have it).
 */
export function engagementInteractions(
  interactions: readonly EngagementInteraction[],
  weights: Readonly<Record<string, number>>,
  maxEvents: number,
): Array<{ productId: string; category: string | null; events: EngagementEvent[] }> {
  const counted = interactions
    .filter((x) => x.productId !== null && Object.hasOwn(weights, x.event))
    .sort((a, b) => b.at - a.at)
    .slice(0, maxEvents);
  const byProduct = new Map<
    string,
    { productId: string; category: string | null; events: EngagementEvent[] }
  >();
  for (const { productId, event, at, category } of counted) {
    const product = byProduct.get(productId!);
    if (product) product.events.push({ event, at });
    else
      byProduct.set(productId!, {
        productId: productId!,
        category: category ?? null,
        events: [{ event, at }],
      });
  }
  return [...byProduct.values()];
}
