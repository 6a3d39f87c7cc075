import {
  EMBEDDING_BLOCKS,
  EMBEDDING_DIMENSIONS,
  buildEmbedding,
  cosine,
  cosineFromIndexScore,
  sameEmbedding,
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
    expect(sameEmbedding(withoutManual, buildEmbedding(runner))).toBe(true);
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
