import {
  categoryFeature,
  distinctiveFeatures,
  lookalikeReasons,
  productFeature,
  tagFeature,
} from '../../../src/lookalikes/reasons';
import { reasonText } from '../../../src/recommendations/reasons';

describe('recommendation reasons', () => {
  it('reads as a marketer would say it', () => {
    expect(
      reasonText({ kind: 'related', sourceName: 'Trail Shoe X', action: 'viewed', boughtTogether: true }),
    ).toBe('bought together with Trail Shoe X you viewed');
    expect(
      reasonText({
        kind: 'related',
        sourceName: 'Trail Shoe X',
        action: 'added to your cart',
        boughtTogether: false,
      }),
    ).toBe('viewed together with Trail Shoe X you added to your cart');
    expect(reasonText({ kind: 'lookalikes', profiles: 12 })).toBe('bought by 12 profiles like you');
    expect(reasonText({ kind: 'lookalikes', profiles: 1 })).toBe('bought by 1 profile like you');
    expect(reasonText({ kind: 'popular-in', category: 'Sports' })).toBe('popular in Sports');
    expect(reasonText({ kind: 'popular' })).toBe('popular overall');
    expect(reasonText({ kind: 'no-consent' })).toBe(
      'popular overall (this profile does not allow personalised recommendations)',
    );
  });
});

describe('lookalike reasons', () => {
  const runner = new Map([
    tagFeature('tag-interest-running', 'Interest', 'Running'),
    tagFeature('tag-active-30d', 'Last active', 'Active in the last 30 days'),
    productFeature('sku-1', 'Trail Shoe X'),
    categoryFeature('Sports/Running'),
  ]);
  const other = new Map([tagFeature('tag-active-30d', 'Last active', 'Active in the last 30 days')]);

  it('names what the match shares with the seed that is typical of the seed and unusual in general', () => {
    // 10 seeds: 8 runners who bought the shoe, 2 others; everybody is active (counted by seed-features.cypher).
    const frequent = new Map([
      ['tag:tag-interest-running', 8],
      ['tag:tag-active-30d', 10],
      ['product:sku-1', 8],
      ['category:Sports/Running', 8],
    ]);
    const population: Record<string, number> = {
      'tag:tag-interest-running': 0.1,
      'tag:tag-active-30d': 0.95,
      'product:sku-1': 0.02,
      'category:Sports/Running': 0.2,
    };
    const distinctive = distinctiveFeatures(frequent, 10, (key) => population[key]);
    // lift: running 8, active 1.05 (not distinctive), shoe 40, category 4; weight 0.8 × ln(lift).
    expect([...distinctive.keys()]).toEqual([
      'tag:tag-interest-running',
      'product:sku-1',
      'category:Sports/Running',
    ]);
    expect(distinctive.get('product:sku-1')).toBeCloseTo(0.8 * Math.log(40), 12);
    expect(lookalikeReasons(distinctive, runner)).toEqual([
      'bought Trail Shoe X',
      'tag Interest/Running',
      'category Sports/Running',
    ]);
    expect(lookalikeReasons(distinctive, other)).toEqual([]);
  });

  it('words a product without a name by its id', () => {
    expect(productFeature('sku-9', null)).toEqual(['product:sku-9', 'bought sku-9']);
  });
});
