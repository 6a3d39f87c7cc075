import { rankRecommendations, type RecommendationInputs } from '../../../src/recommendations/ranking';

const none: RecommendationInputs = {
  personalized: true,
  bought: [],
  sources: [],
  related: [],
  alike: [],
  mass: 0,
  interests: [],
  popular: [
    { scope: '', productIds: ['p1', 'p2', 'p3'], scores: [10, 5, 1] },
    { scope: 'Sports', productIds: ['s1', 'p2'], scores: [4, 2] },
  ],
};
const options = { lookalikeWeight: 1 };
const sources = [
  { id: 'a', name: 'Product a', strength: 2, purchases: 0, carts: 1 },
  { id: 'b', name: 'Product b', strength: 1, purchases: 1, carts: 0 },
];

describe('ranking recommendations', () => {
  it('scores related products by Σ relation score × source strength over the strongest, naming the source', () => {
    // x: 0.5 × 2 (from a) + 0.4 × 1 (from b) = 1.4; y: 0.9 × 1 (from b); the strongest source weighs 2.
    const ranked = rankRecommendations(
      {
        ...none,
        popular: [],
        sources,
        related: [
          { productId: 'x', score: 1.4, sourceId: 'a', boughtTogether: true },
          { productId: 'y', score: 0.9, sourceId: 'b', boughtTogether: false },
        ],
      },
      10,
      options,
    );
    expect(ranked).toEqual([
      { productId: 'x', score: 0.7, reason: 'bought together with Product a you added to your cart' },
      { productId: 'y', score: 0.45, reason: 'viewed together with Product b you bought' },
    ]);
  });

  it('adds what lookalikes bought, by their share of the neighbours’ similarity, and leaves out purchases', () => {
    const ranked = rankRecommendations(
      {
        ...none,
        popular: [],
        bought: ['owned'],
        sources: [sources[0]!],
        related: [
          { productId: 'x', score: 0.6, sourceId: 'a', boughtTogether: true },
          { productId: 'owned', score: 1.8, sourceId: 'a', boughtTogether: true },
        ],
        // Two neighbours of cosine 0.8 and 0.2: the first bought z, x and owned; the second z.
        alike: [
          { productId: 'z', similarity: 1, profiles: 2 },
          { productId: 'x', similarity: 0.8, profiles: 1 },
          { productId: 'owned', similarity: 0.8, profiles: 1 },
        ],
        mass: 1,
      },
      10,
      options,
    );
    // x: 0.6 / 2 + 0.8 = 1.1, the larger part from lookalikes; z: 1.0.
    expect(ranked).toEqual([
      { productId: 'x', score: 1.1, reason: 'bought by 1 profile like you' },
      { productId: 'z', score: 1, reason: 'bought by 2 profiles like you' },
    ]);
  });

  it('fills a profile without history from its interest categories, then overall, below personal scores', () => {
    expect(
      rankRecommendations({ ...none, interests: [{ category: 'Sports', score: 0.8 }] }, 4, options),
    ).toEqual([
      { productId: 's1', score: 0.9, reason: 'popular in Sports' },
      { productId: 'p1', score: 0.5, reason: 'popular overall' },
      { productId: 'p2', score: 0.45, reason: 'popular in Sports' },
      { productId: 'p3', score: 0.05, reason: 'popular overall' },
    ]);
    const mixed = rankRecommendations(
      {
        ...none,
        sources: [sources[1]!],
        related: [{ productId: 'x', score: 0.2, sourceId: 'b', boughtTogether: true }],
      },
      2,
      options,
    );
    // Fill scores start at half the lowest personal score: 0.1 × 0.5 for the top of the overall list.
    expect(mixed).toEqual([
      { productId: 'x', score: 0.2, reason: 'bought together with Product b you bought' },
      { productId: 'p1', score: 0.05, reason: 'popular overall' },
    ]);
  });

  it('gives a profile that refuses personalisation the overall popular list only, saying so', () => {
    const ranked = rankRecommendations(
      {
        ...none,
        personalized: false,
        bought: ['p1'],
        sources,
        related: [{ productId: 'x', score: 0.9, sourceId: 'a', boughtTogether: true }],
      },
      2,
      options,
    );
    const reason = 'popular overall (this profile does not allow personalised recommendations)';
    expect(ranked).toEqual([
      { productId: 'p1', score: 1, reason },
      { productId: 'p2', score: 0.5, reason },
    ]);
  });
});
