import { engagementBatches } from '../../../src/recommendations/related-products.refresher';

describe('batches of the related-products refresh', () => {
  const page = (...engaged: number[]) => engaged.map((n, i) => ({ id: `p${i}`, engaged: n }));

  it('keeps consecutive products together while their engaged profiles fit the budget', () => {
    expect(engagementBatches(page(10, 20, 30, 40), 60)).toEqual([['p0', 'p1', 'p2'], ['p3']]);
    expect(engagementBatches(page(1, 1, 1), 1_000)).toEqual([['p0', 'p1', 'p2']]);
  });

  it('puts a product above the budget alone, and loses none', () => {
    const batches = engagementBatches(page(5, 150_000, 5, 5, 90_000), 50_000);
    expect(batches).toEqual([['p0'], ['p1'], ['p2', 'p3'], ['p4']]);
    expect(engagementBatches(page(), 10)).toEqual([]);
  });
});
