import {
  relatedList,
  relationFigures,
  reversePatches,
  type CoEngaged,
  type ProductStats,
} from '../../../src/recommendations/association';

/*
 * Four profiles, weights as engagement gives them with every interaction at the same moment
 * (bought 5, added to cart 3, viewed 1):
 *
 *         A    B    C
 *   P1    5    1    -       bought A, viewed B
 *   P2    5    5    -       bought A and B
 *   P3    1    -    3       viewed A, added C to the cart
 *   P4    -    1    -       viewed B
 *
 * N = 4; support(A) = 3, support(B) = 3, support(C) = 1.
 * A,B: support 2 (P1, P2), bought both 1 (P2), dot 5·1 + 5·5 = 30, |A| = √51, |B| = √27.
 *   confidence(A→B) = 2/3 = 0.666667        lift(A→B) = (2/3) / (3/4) = 8/9 = 0.888889
 *   cosine = 30 / √(51·27) = 30 / 37.107951 = 0.808452; score = 0.808452 × 2/(2+1) = 0.538968
 * A,C: support 1 (P3), dot 1·3 = 3, |C| = 3.
 *   confidence(A→C) = 1/3 = 0.333333        lift(A→C) = (1/3) / (1/4) = 4/3 = 1.333333
 *   cosine = 3 / (√51·3) = 0.140028; score = 0.140028 × 1/(1+1) = 0.070014
 *   confidence(C→A) = 1/1 = 1                lift(C→A) = 1 / (3/4) = 1.333333
 */
const N = 4;
const A: ProductStats = { id: 'A', engagedProfiles: 3, norm: Math.sqrt(51) };
const B: ProductStats = { id: 'B', engagedProfiles: 3, norm: Math.sqrt(27) };
const C: ProductStats = { id: 'C', engagedProfiles: 1, norm: 3 };
const withB: CoEngaged = {
  stats: B,
  support: 2,
  bothBought: 1,
  dot: 30,
  relatedCount: 0,
  relatedMinScore: null,
  back: null,
};
const withC: CoEngaged = {
  stats: C,
  support: 1,
  bothBought: 0,
  dot: 3,
  relatedCount: 0,
  relatedMinScore: null,
  back: null,
};

describe('association figures', () => {
  it('gives support, confidence, lift and score as computed by hand', () => {
    expect(relationFigures(A, B, withB, N, 1)).toEqual({
      score: 0.538968,
      support: 2,
      confidence: 0.666667,
      lift: 0.888889,
      bothBought: 1,
    });
    expect(relationFigures(A, C, withC, N, 1)).toEqual({
      score: 0.070014,
      support: 1,
      confidence: 0.333333,
      lift: 1.333333,
      bothBought: 0,
    });
  });

  it('is symmetric in score and support but not in confidence and lift', () => {
    const ca = relationFigures(C, A, withC, N, 1);
    expect(ca).toMatchObject({ score: 0.070014, support: 1, confidence: 1, lift: 1.333333 });
  });

  it('keeps the top k above the minimum support, best first', () => {
    const options = { k: 50, minSupport: 1, shrink: 1, tolerance: 0.01 };
    expect(relatedList(A, [withC, withB], N, options).map((r) => r.id)).toEqual(['B', 'C']);
    expect(relatedList(A, [withC, withB], N, { ...options, minSupport: 2 }).map((r) => r.id)).toEqual(['B']);
    expect(relatedList(A, [withC, withB], N, { ...options, k: 1 }).map((r) => r.id)).toEqual(['B']);
  });

  it('never gives NaN for products without engagement, nor a cosine above 1 from stale norms', () => {
    const empty: ProductStats = { id: 'E', engagedProfiles: 0, norm: 0 };
    expect(relationFigures(empty, B, { support: 0, bothBought: 0, dot: 0 }, N, 1)).toEqual({
      score: 0,
      support: 0,
      confidence: 0,
      lift: 0,
      bothBought: 0,
    });
    expect(relationFigures(A, B, { support: 2, bothBought: 0, dot: 1000 }, N, 0).score).toBe(1);
  });
});

describe('reverse patches', () => {
  const options = { k: 2, minSupport: 1, shrink: 1, tolerance: 0.01 };
  // B's list holds A with the figures of one shared profile fewer than now.
  const stale = { score: 0.4, support: 1, bothBought: 1 };

  it('rewrites an existing relation towards A and adds one that beats the lowest of a full list', () => {
    const patches = reversePatches(
      A,
      [
        { ...withB, back: stale, relatedCount: 2, relatedMinScore: 0.9 },
        { ...withC, relatedCount: 2, relatedMinScore: 0.05 },
      ],
      ['B'],
      N,
      options,
      new Set(),
    );
    expect(patches.write).toEqual([
      { from: 'B', to: 'A', figures: expect.objectContaining({ score: 0.538968, confidence: 0.666667 }) },
      { from: 'C', to: 'A', figures: expect.objectContaining({ score: 0.070014, confidence: 1 }) },
    ]);
    expect(patches.drop).toEqual([]);
    expect(patches.touched).toEqual(['B', 'C']);
  });

  it('leaves a full list whose lowest score is higher alone', () => {
    const patches = reversePatches(
      A,
      [{ ...withC, relatedCount: 2, relatedMinScore: 0.5 }],
      [],
      N,
      options,
      new Set(),
    );
    expect(patches).toEqual({ write: [], drop: [], touched: [] });
  });

  it('drops relations towards A that lost their support, and skips products recomputed in the batch', () => {
    const patches = reversePatches(
      A,
      [{ ...withC, back: { score: 0.07, support: 1, bothBought: 0 } }, withB],
      ['C', 'D', 'B'],
      N,
      { ...options, minSupport: 2 },
      new Set(['B']),
    );
    expect(patches.write).toEqual([]);
    expect(patches.drop).toEqual([
      { from: 'C', to: 'A' },
      { from: 'D', to: 'A' },
    ]);
    expect(patches.touched).toEqual(['C', 'D']);
  });

  it('leaves a relation whose support and co-purchases hold and whose score drifted within the tolerance', () => {
    const drift = (score: number, change: Partial<typeof stale> = {}) =>
      reversePatches(
        A,
        [
          {
            ...withB,
            back: { score, support: 2, bothBought: 1, ...change },
            relatedCount: 2,
            relatedMinScore: 0.3,
          },
        ],
        ['B'],
        N,
        options,
        new Set(),
      );
    // The new score is 0.538968: 0.535 is 0.74 % off, 0.53 is 1.7 % off.
    expect(drift(0.535)).toEqual({ write: [], drop: [], touched: [] });
    expect(drift(0.53).touched).toEqual(['B']);
    expect(drift(0.538968, { support: 3 }).write).toEqual([
      { from: 'B', to: 'A', figures: expect.objectContaining({ score: 0.538968, support: 2 }) },
    ]);
    expect(drift(0.538968, { bothBought: 0 }).touched).toEqual(['B']);
    expect(
      reversePatches(A, [{ ...withB, back: stale }], ['B'], N, { ...options, tolerance: 1 }, new Set()).write,
    ).toHaveLength(1);
  });
});
