import fc from 'fast-check';
import {
  EMBEDDING_BLOCKS,
  EMBEDDING_DIMENSIONS,
  buildEmbedding,
  cosine,
  cosineFromIndexScore,
  EMBEDDING_TOLERANCE,
  embeddingMoved,
  type EmbeddingFeatures,
} from '../../../src/lookalikes/embedding';

const runner: EmbeddingFeatures = {
  tags: [
    { id: 'tag-interest-sports', kind: 'MODEL', name: 'Sports', score: 0.9 },
    { id: 'tag-city-hangzhou', kind: 'RULE', name: 'Hangzhou', score: null },
    { id: 'tag-vip', kind: 'MANUAL', name: 'VIP', score: null },
  ],
  engaged: [
    { category: 'Sports/Running/Shoes', weight: 5 },
    { category: 'Sports/Running/Apparel', weight: 1 },
  ],
  orders: 2,
  monetary: 240,
  lifecycleStage: 'ACTIVE',
};

const length = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('profile embedding', () => {
  it('has 64 dimensions in five blocks, unit length, the same every time', () => {
    const blocks = Object.values(EMBEDDING_BLOCKS);
    expect(blocks.reduce((s, b) => s + b.size, 0)).toBe(EMBEDDING_DIMENSIONS);
    const vector = buildEmbedding(runner)!;
    expect(vector).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(length(vector)).toBeCloseTo(1, 5);
    expect(buildEmbedding(runner)).toEqual(vector);
  });

  it('is null when nothing is known, and ignores MANUAL tags', () => {
    expect(
      buildEmbedding({ tags: [], engaged: [], orders: 0, monetary: 0, lifecycleStage: null }),
    ).toBeNull();
    const withoutManual = buildEmbedding({ ...runner, tags: runner.tags.filter((t) => t.kind !== 'MANUAL') });
    expect(withoutManual).toEqual(buildEmbedding(runner));
  });

  it('puts people with the same behaviour close together and different behaviour further apart', () => {
    const anotherRunner = buildEmbedding({
      ...runner,
      tags: [{ id: 'tag-interest-sports', kind: 'MODEL', name: 'Sports', score: 0.7 }],
      engaged: [{ category: 'Sports/Running/Shoes', weight: 2 }],
    })!;
    const cook = buildEmbedding({
      ...runner,
      tags: [{ id: 'tag-interest-home', kind: 'MODEL', name: 'Home', score: 0.9 }],
      engaged: [{ category: 'Home/Kitchen/Cookware', weight: 5 }],
    })!;
    const me = buildEmbedding(runner)!;
    expect(cosine(me, anotherRunner)).toBeGreaterThan(0.8);
    expect(cosine(me, cook)).toBeLessThan(cosine(me, anotherRunner) - 0.3);
  });

  it('only the ratios of engagement weights matter (they are time-invariant)', () => {
    const scaled = buildEmbedding({
      ...runner,
      engaged: runner.engaged.map((e) => ({ ...e, weight: e.weight / 8 })),
    });
    expect(scaled).toEqual(buildEmbedding(runner));
  });

  it("reads Neo4j's cosine score (1 + cos) / 2 back as a cosine clamped to [0, 1]", () => {
    expect(cosineFromIndexScore(1)).toBe(1);
    expect(cosineFromIndexScore(0.75)).toBe(0.5);
    expect(cosineFromIndexScore(0.5)).toBe(0);
    expect(cosineFromIndexScore(0.2)).toBe(0);
  });
});

describe('when an embedding is written again', () => {
  /** A long-lived runner: 400 engagements over shoes, tops and watches. */
  const longLived: EmbeddingFeatures = {
    ...runner,
    engaged: Array.from({ length: 400 }, (_, i) => ({
      category: ['Sports/Running/Shoes', 'Sports/Running/Tops', 'Electronics/Wearables/Watches'][i % 3]!,
      weight: 1 + (i % 7),
    })),
    orders: 40,
    monetary: 5200,
  };
  const stored = buildEmbedding(longLived)!;

  it('when a profile gains or loses its embedding', () => {
    expect(embeddingMoved(stored, null)).toBe(true);
    expect(embeddingMoved(null, stored)).toBe(true);
    expect(embeddingMoved(null, null)).toBe(false);
    expect(embeddingMoved(stored, [...stored])).toBe(false);
  });

  it('not for one more view of what a long-lived profile already engages with, but for a new interest', () => {
    const oneMoreView = buildEmbedding({
      ...longLived,
      engaged: [...longLived.engaged, { category: 'Sports/Running/Shoes', weight: 1 }],
    })!;
    expect(oneMoreView).not.toEqual(stored);
    expect(1 - cosine(oneMoreView, stored)).toBeLessThan(EMBEDDING_TOLERANCE);
    expect(embeddingMoved(oneMoreView, stored)).toBe(false);

    const newInterest = buildEmbedding({
      ...longLived,
      engaged: [...longLived.engaged, { category: 'Home/Kitchen/Knives', weight: 200 }],
    })!;
    expect(embeddingMoved(newInterest, stored)).toBe(true);
  });

  it('keeps every similarity read from the stored vector within sqrt(2 x tolerance) of the exact one', () => {
    const bound = Math.sqrt(2 * EMBEDDING_TOLERANCE);
    // Components in thousandths, as stored embeddings are rounded (to millionths); none all zero.
    const component = fc.integer({ min: -1000, max: 1000 }).map((v) => v / 1000);
    const vector = fc.array(component, { minLength: 8, maxLength: 8 }).filter((v) => v.some((x) => x !== 0));
    const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
    fc.assert(
      fc.property(
        vector,
        vector,
        fc.option(vector),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        (a, noise, other, scale) => {
          const b = a.map((v, i) => v + scale * noise[i]!);
          fc.pre(b.some((x) => x !== 0));
          fc.pre(!embeddingMoved(b, a));
          // Another profile's vector, or the one that tells a and b furthest apart: their difference.
          const [ua, ub] = [unit(a), unit(b)];
          const c = other ?? ua.map((x, i) => x - ub[i]!);
          fc.pre(c.some((x) => x !== 0));
          expect(Math.abs(cosine(a, c) - cosine(b, c))).toBeLessThanOrEqual(bound + 1e-9);
        },
      ),
      { numRuns: 1000 },
    );
    // The bound is tight, so the check above could fail: two vectors just within the tolerance, read against
    // their difference, differ by almost all of it.
    const angle = Math.acos(1 - 0.99 * EMBEDDING_TOLERANCE);
    const a = [1, 0, 0, 0, 0, 0, 0, 0];
    const b = [Math.cos(angle), Math.sin(angle), 0, 0, 0, 0, 0, 0];
    expect(embeddingMoved(b, a)).toBe(false);
    const difference = a.map((x, i) => x - b[i]!);
    const error = cosine(a, difference) - cosine(b, difference);
    expect(error).toBeGreaterThan(0.99 * bound);
    expect(error).toBeLessThanOrEqual(bound);
  });
});
