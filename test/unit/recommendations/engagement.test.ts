import fc from 'fast-check';
import {
  byProduct,
  changedProducts,
  countedInteractions,
  engagementBasis,
  engagementOf,
  type CountedInteraction,
  type EngagementInteraction,
  sameEngagement,
  strongestAction,
  weightAt,
} from '../../../src/recommendations/engagement';
import { DEFAULT_RECOMMENDATION_SETTINGS, halfLifeMs } from '../../../src/recommendations/settings';

const DAY = 86_400_000;
const weights = DEFAULT_RECOMMENDATION_SETTINGS.eventWeights;
const half = halfLifeMs(DEFAULT_RECOMMENDATION_SETTINGS);
const t = Date.UTC(2026, 5, 1);
/** The newest `max` counted interactions, grouped by product. */
const grouped = (interactions: readonly EngagementInteraction[], max: number) =>
  byProduct(countedInteractions(interactions, weights).slice(0, max));

describe('engagement of a profile with a product', () => {
  it('weighs purchases 5, cart adds 3, views 1, each halving every 90 days, as of the last one', () => {
    const engagement = engagementOf(
      [
        { event: 'Order Completed', at: t },
        { event: 'Product Added', at: t - 90 * DAY },
        { event: 'Product Viewed', at: t - 180 * DAY },
        { event: 'Page Viewed', at: t },
      ],
      weights,
      half,
    );
    // 5 + 3 × 1/2 + 1 × 1/4
    expect(engagement).toEqual({ weight: 6.75, purchases: 1, carts: 1, views: 1, lastAt: t });
    expect(strongestAction(engagement!)).toBe('bought');
  });

  it('is null without a counted event, and decays by one factor as time passes', () => {
    expect(engagementOf([{ event: 'Page Viewed', at: t }], weights, half)).toBeNull();
    const engagement = engagementOf([{ event: 'Product Viewed', at: t }], weights, half)!;
    expect(weightAt(engagement, t + 90 * DAY, half)).toBeCloseTo(0.5, 12);
    expect(strongestAction(engagement)).toBe('viewed');
  });

  it('gives the same stored value for the same interactions in any order', () => {
    const events = [
      { event: 'Product Viewed', at: t - 3 * DAY },
      { event: 'Product Viewed', at: t - 17 * DAY },
      { event: 'Product Added', at: t },
    ];
    const a = engagementOf(events, weights, half)!;
    const b = engagementOf([...events].reverse(), weights, half)!;
    expect(sameEngagement(a, b)).toBe(true);
  });
});

describe("the interactions engagement is computed from, out of all of a profile's", () => {
  it('keeps counted events with a product, newest first, at most the limit, grouped by product', () => {
    const all = [
      { event: 'Product Viewed', at: t - 3 * DAY, productId: 'a' },
      { event: 'Page Viewed', at: t, productId: 'a' },
      { event: 'Order Completed', at: t - DAY, productId: 'b' },
      { event: 'Product Added', at: t - 2 * DAY, productId: null },
      { event: 'Product Added', at: t - 2 * DAY, productId: 'a' },
      { event: 'Product Viewed', at: t - 9 * DAY, productId: 'c' },
    ];
    expect(grouped(all, 3)).toEqual([
      { productId: 'b', category: null, events: [{ event: 'Order Completed', at: t - DAY }] },
      {
        productId: 'a',
        category: null,
        events: [
          { event: 'Product Added', at: t - 2 * DAY },
          { event: 'Product Viewed', at: t - 3 * DAY },
        ],
      },
    ]);
    expect(grouped(all, 10).map((x) => x.productId)).toEqual(['b', 'a', 'c']);
    expect(grouped([], 10)).toEqual([]);
  });

  it("carries each product's category where the interactions have it", () => {
    const all = [
      { event: 'Product Viewed', at: t - DAY, productId: 'a', category: 'Sports/Running' },
      { event: 'Order Completed', at: t, productId: 'a', category: 'Sports/Running' },
      { event: 'Product Viewed', at: t, productId: 'b', category: null },
    ];
    expect(grouped(all, 10).map(({ productId, category }) => [productId, category])).toEqual([
      ['a', 'Sports/Running'],
      ['b', null],
    ]);
  });
});

describe('the basis of stored engagement: which products a new window changes', () => {
  const settings = 'weights-1';
  const view = (productId: string, at: number) => ({
    event: 'Product Viewed',
    at,
    productId,
    category: null,
  });
  const order = (productId: string, at: number) => ({
    event: 'Order Completed',
    at,
    productId,
    category: null,
  });
  /** A history of 8 interactions, one an hour, over products a, b, c, d (d only the oldest two). */
  const history = [
    view('d', t - 8 * 3_600_000),
    view('d', t - 7 * 3_600_000),
    view('a', t - 6 * 3_600_000),
    view('b', t - 5 * 3_600_000),
    view('c', t - 4 * 3_600_000),
    order('a', t - 3 * 3_600_000),
    view('b', t - 2 * 3_600_000),
    view('c', t - 3_600_000),
  ];
  const max = 6;
  /** The window and the basis stored after a settle that saw `interactions`. */
  function settled(interactions: readonly EngagementInteraction[]) {
    const window = countedInteractions(interactions, weights).slice(0, max);
    return { window, basis: engagementBasis(window, settings) };
  }
  /** What the next settle, seeing `interactions`, finds changed since `basis`. */
  function changed(interactions: readonly EngagementInteraction[], basis: string) {
    const counted = countedInteractions(interactions, weights);
    const changes = changedProducts(counted, counted.slice(0, max), basis, settings);
    return changes && [...changes.products].sort();
  }

  it('keeps a window of the newest, in one order whatever order they were read in', () => {
    const { window } = settled(history);
    expect(window.map((x) => x.productId)).toEqual(['c', 'b', 'a', 'c', 'b', 'a']);
    expect(settled([...history].reverse()).basis).toBe(settled(history).basis);
    // Interactions at the same time: ordered by event, then product.
    const tied = countedInteractions([view('z', t), order('y', t), view('x', t)], weights);
    expect(tied.map((x) => x.productId)).toEqual(['y', 'x', 'z']);
  });

  it('finds nothing changed when nothing arrived, and ignores what is not counted', () => {
    const { basis } = settled(history);
    expect(changed(history, basis)).toEqual([]);
    // The stored window's edges: one for each of a, b and c.
    const counted = countedInteractions(history, weights);
    expect(changedProducts(counted, counted.slice(0, max), basis, settings)?.edges).toBe(3);
    expect(changed([...history, { event: 'Page Viewed', at: t, productId: 'e' }], basis)).toEqual([]);
  });

  it("finds a new interaction's product and those of the interactions it pushed out of the window", () => {
    const { basis } = settled(history);
    // A view of e: e is new; the oldest of the window (a view of a, 6 hours ago) leaves it.
    expect(changed([...history, view('e', t)], basis)).toEqual(['a', 'e']);
    // Two views of b: b changes, and the two oldest (a's view, b's view) leave.
    expect(changed([...history, view('b', t), view('b', t + 1)], basis)).toEqual(['a', 'b']);
    // A view older than the whole window changes nothing.
    expect(changed([...history, view('e', t - 9 * 3_600_000)], basis)).toEqual([]);
  });

  it('cannot tell (null) when an interaction arrived inside the stored window, or one of it is gone', () => {
    const { basis } = settled(history);
    expect(changed([...history, view('e', t - 4.5 * 3_600_000)], basis)).toBeNull();
    expect(
      changed(
        history.filter((x) => !(x.productId === 'a' && x.event === 'Order Completed')),
        basis,
      ),
    ).toBeNull();
    // A memo that does not reach back to the stored window's oldest interaction.
    expect(changed(history.slice(3), basis)).toBeNull();
  });

  it('cannot tell when the basis was computed with other settings, or is not one', () => {
    const { window } = settled(history);
    const counted = countedInteractions(history, weights);
    expect(changedProducts(counted, window, engagementBasis(window, 'weights-2'), settings)).toBeNull();
    expect(changedProducts(counted, window, 'not json', settings)).toBeNull();
    expect(changedProducts(counted, window, '{"n":1}', settings)).toBeNull();
  });

  it('starts from an empty window: every product of the new one changed', () => {
    const { basis } = settled([]);
    expect(changed(history, basis)).toEqual(['a', 'b', 'c']);
  });
});

describe('recomputing only the products a window changed', () => {
  const settings = 'weights-1';
  const max = 5;
  const interaction = fc.record({
    event: fc.constantFrom('Product Viewed', 'Product Added', 'Order Completed', 'Page Viewed'),
    at: fc.integer({ min: 0, max: 20 }),
    productId: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
  });
  /** Each product's engagement from a window, as its edges would hold it. */
  const edges = (window: readonly CountedInteraction[]) =>
    new Map(byProduct(window).map((p) => [p.productId, engagementOf(p.events, weights, half)]));

  it("gives the new window's edges from the stored window's (random histories, arrivals, losses)", () => {
    fc.assert(
      fc.property(
        fc.array(interaction, { maxLength: 12 }),
        fc.array(interaction, { maxLength: 4 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 2 }),
        (history, added, live, lost) => {
          // Live arrivals are newer than everything before; others may land anywhere, ties included.
          const arrivals = live ? added.map((x) => ({ ...x, at: x.at + 21 })) : added;
          const kept = history.filter(
            (_, i) => !lost.some((j) => history.length > 0 && j % history.length === i),
          );
          const before = countedInteractions(history, weights).slice(0, max);
          const counted = countedInteractions([...kept, ...arrivals], weights);
          const window = counted.slice(0, max);
          const changes = changedProducts(counted, window, engagementBasis(before, settings), settings);
          if (live && kept.length === history.length) expect(changes).not.toBeNull();
          if (!changes) return;
          const stored = edges(before);
          expect(changes.edges).toBe(stored.size);
          const patched = new Map(stored);
          const wanted = edges(window);
          for (const productId of changes.products)
            if (wanted.has(productId)) patched.set(productId, wanted.get(productId)!);
            else patched.delete(productId);
          expect(new Map([...patched].sort())).toEqual(new Map([...wanted].sort()));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
