import {
  exactLookalikes,
  hitRate,
  holdOutLastOrder,
  interactionsOf,
  itemKnnRecommender,
  ndcg,
  popularityRecommender,
  recall,
} from '../../../src/recommendations/evaluation';
import { DEFAULT_RECOMMENDATION_SETTINGS } from '../../../src/recommendations/settings';
import { generateTasteData } from '../../../src/recommendations/taste-generator';

const settings = DEFAULT_RECOMMENDATION_SETTINGS;
const now = Date.UTC(2026, 5, 1);
const at = (minute: number) => new Date(now - 86_400_000 + minute * 60_000).toISOString();
const order = (userId: string, minute: number, ...ids: string[]) => ({
  type: 'track',
  event: 'Order Completed',
  userId,
  timestamp: at(minute),
  properties: { products: ids.map((product_id) => ({ product_id })) },
});
const view = (userId: string, minute: number, product_id: string) => ({
  type: 'track',
  event: 'Product Viewed',
  userId,
  timestamp: at(minute),
  properties: { product_id },
});

describe('evaluation metrics', () => {
  it('hit rate: 1 when a held-out product is in the top k', () => {
    expect(hitRate(['a', 'b', 'c'], new Set(['c']), 3)).toBe(1);
    expect(hitRate(['a', 'b', 'c'], new Set(['c']), 2)).toBe(0);
  });

  it('NDCG: 1 / log2(rank + 1) for one relevant product, normalised by the ideal order', () => {
    expect(ndcg(['x', 'a'], new Set(['a']))).toBeCloseTo(1 / Math.log2(3), 12); // 0.630930
    expect(ndcg(['a', 'x', 'b'], new Set(['a', 'b']))).toBeCloseTo((1 + 0.5) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcg(['x'], new Set(['a']))).toBe(0);
    expect(ndcg([], new Set())).toBe(0);
  });

  it('recall: share of the exact answer found', () => {
    expect(recall(['a', 'b', 'x'], ['a', 'b', 'c', 'd'])).toBe(0.5);
  });
});

describe('hold-out and baselines', () => {
  const events = [
    view('u1', 0, 'A'),
    order('u1', 1, 'A', 'B'),
    view('u1', 2, 'C'),
    order('u1', 3, 'C'),
    view('u1', 4, 'D'),
    order('u2', 0, 'A', 'B'),
    view('u2', 1, 'C'),
    view('u3', 0, 'A'),
    view('u4', 0, 'C'),
  ];

  it('holds out each person’s last order and what came after it', () => {
    const { train, heldOut } = holdOutLastOrder(events);
    expect(heldOut).toEqual(
      new Map([
        ['u1', new Set(['C'])],
        ['u2', new Set(['A', 'B'])],
      ]),
    );
    expect(interactionsOf(train).map((x) => `${x.person}:${x.productId}`)).toEqual([
      'u1:A',
      'u1:A',
      'u1:B',
      'u1:C',
      'u3:A',
      'u4:C',
    ]);
  });

  it('popularity recommends the most engaged products minus the person’s purchases', () => {
    const interactions = interactionsOf(holdOutLastOrder(events).train);
    // A: 1 + 5 (u1) + 1 (u3); B: 5 (u1); C: 1 (u1) + 1 (u4). u2's view of C came after its last order.
    expect(popularityRecommender(interactions, settings, now)('u3', 3)).toEqual(['A', 'B', 'C']);
    expect(popularityRecommender(interactions, settings, now)('u1', 3)).toEqual(['C']);
  });

  it('item-kNN recommends what co-occurs with the person’s products, by exact cosine', () => {
    const interactions = interactionsOf(holdOutLastOrder(events).train);
    // u3 has A only; A co-occurs with B and C through u1, and C is also viewed alone by u4 (less similar).
    expect(itemKnnRecommender(interactions, settings, now)('u3', 5)).toEqual(['B', 'C']);
  });

  it('exact lookalikes rank by cosine with the seeds’ centroid and leave the seeds out', () => {
    const vectors = new Map([
      ['s1', [1, 0]],
      ['s2', [0.8, 0.6]],
      ['near', [0.9, 0.3]],
      ['far', [0, 1]],
    ]);
    expect(exactLookalikes(vectors, ['s1', 's2'], 2)).toEqual(['near', 'far']);
  });

  it('generates the same planted data for the same seed, every person in a cluster', () => {
    const a = generateTasteData({ people: 20, now, seed: 3 });
    expect(generateTasteData({ people: 20, now, seed: 3 })).toEqual(a);
    expect(new Set(a.people.map((p) => p.cluster)).size).toBeGreaterThan(1);
    expect(a.events.some((e) => e.event === 'Order Completed')).toBe(true);
  });
});
