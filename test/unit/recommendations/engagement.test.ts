import {
  engagementInteractions,
  engagementOf,
  sameEngagement,
  strongestAction,
  weightAt,
} from '../../../src/recommendations/engagement';
import { DEFAULT_RECOMMENDATION_SETTINGS, halfLifeMs } from '../../../src/recommendations/settings';

const DAY = 86_400_000;
const weights = DEFAULT_RECOMMENDATION_SETTINGS.eventWeights;
const half = halfLifeMs(DEFAULT_RECOMMENDATION_SETTINGS);
const t = Date.UTC(2026, 5, 1);

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
    expect(engagementInteractions(all, weights, 3)).toEqual([
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
    expect(engagementInteractions(all, weights, 10).map((x) => x.productId)).toEqual(['b', 'a', 'c']);
    expect(engagementInteractions([], weights, 10)).toEqual([]);
  });

  it("carries each product's category where the interactions have it", () => {
    const all = [
      { event: 'Product Viewed', at: t - DAY, productId: 'a', category: 'Sports/Running' },
      { event: 'Order Completed', at: t, productId: 'a', category: 'Sports/Running' },
      { event: 'Product Viewed', at: t, productId: 'b', category: null },
    ];
    expect(
      engagementInteractions(all, weights, 10).map(({ productId, category }) => [productId, category]),
    ).toEqual([
      ['a', 'Sports/Running'],
      ['b', null],
    ]);
  });
});
