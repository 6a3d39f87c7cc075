import { interactionsNeeded } from '../../../src/rules/evaluate';
import { parseRule } from '../../../src/rules/parse';
import type { RuleLookup, RuleNode } from '../../../src/rules/rule';

/** Stored rules the references below resolve to (inlined by the parser). */
const lookup: RuleLookup = {
  tag: (id) =>
    id === 'tag-signed-up'
      ? { kind: 'RULE', rule: { event: 'Signed Up' } }
      : id === 'tag-vip'
        ? { kind: 'MANUAL', rule: null }
        : null,
  segment: (id) => (id === 'seg-recent' ? { rule: { withinDays: 120 } } : null),
};

function node(rule: unknown): RuleNode {
  const { rule: parsed, problems } = parseRule(rule, lookup);
  expect(problems).toEqual([]);
  return parsed!;
}

describe('interactionsNeeded', () => {
  it('needs no interactions for rules over traits, tags, lifecycle, RFM and identity', () => {
    const needed = interactionsNeeded([
      node({ all: [{ trait: 'city', eq: 'Shanghai' }, { tag: 'tag-vip' }, { lifecycle: 'ACTIVE' }] }),
      node({ any: [{ rfm: { group: 'champions' } }, { identity: 'email' }] }),
    ]);
    expect(needed).toEqual({ windowDays: 0, allTime: new Set(), everything: false });
  });

  it('takes the longest window, and the events counted over all time, through not and references', () => {
    const needed = interactionsNeeded([
      node({ event: 'Order Completed', withinDays: 30, count: { gte: 2 } }),
      node({ not: { event: 'Product Viewed', withinDays: 14 } }),
      node({ any: [{ tag: 'tag-signed-up' }, { segment: 'seg-recent' }] }),
      node({ all: [{ event: 'Coupon Used', category: 'Shoes', sum: { gte: 10 } }] }),
    ]);
    expect(needed).toEqual({
      windowDays: 120,
      allTime: new Set(['Signed Up', 'Coupon Used']),
      everything: false,
    });
  });

  it('needs every interaction when a rule counts any event of all time', () => {
    expect(interactionsNeeded([node({ not: { count: { gte: 100 } } })]).everything).toBe(true);
    expect(interactionsNeeded([node({ withinDays: 7 })]).everything).toBe(false);
  });
});
