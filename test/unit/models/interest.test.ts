import fc from 'fast-check';
import { DAY_MS } from '../../../src/tags/models/days';
import {
  DEFAULT_INTEREST,
  checkInterestOptions,
  interestScores,
  type InterestEvent,
} from '../../../src/tags/models/interest';

const NOW = Date.UTC(2024, 5, 1);
const ev = (category: string, event: string, daysAgo: number): InterestEvent => ({
  category,
  event,
  at: NOW - daysAgo * DAY_MS,
});

describe('interestScores', () => {
  it('matches a hand computation: weights, half-lives and the minimum', () => {
    // Sports: an order today (5) and a view one half-life ago (1 × 0.5): 1 − e^(−5.5/5) = 0.66713.
    // Electronics: a cart add two half-lives ago (3 × 0.25): 1 − e^(−0.75/5) = 0.13929.
    // Books: a view three half-lives ago (0.125): 1 − e^(−0.025) = 0.0247, under the 0.1 minimum.
    const scores = interestScores(
      [
        ev('Sports', 'Order Completed', 0),
        ev('Sports', 'Product Viewed', 30),
        ev('Electronics', 'Product Added', 60),
        ev('Books', 'Product Viewed', 90),
      ],
      NOW,
    );
    expect([...scores]).toEqual([
      ['Sports', 0.6671],
      ['Electronics', 0.1393],
    ]);
  });

  it('matches a hand computation: the default weight and a future event', () => {
    // 3 × 2^(−15/30) + 1 (unlisted event, default weight) + 5 (an order stamped two days ahead counts as now)
    // = 8.12132; 1 − e^(−8.12132/5) = 0.80294.
    const scores = interestScores(
      [ev('Home', 'Product Added', 15), ev('Home', 'Checkout Started', 0), ev('Home', 'Order Completed', -2)],
      NOW,
    );
    expect(scores).toEqual(new Map([['Home', 0.8029]]));
  });

  it('is empty without events, and ignores events with no valid time', () => {
    expect(interestScores([], NOW).size).toBe(0);
    expect(interestScores([{ category: 'Toys', event: 'Order Completed', at: Number.NaN }], NOW).size).toBe(
      0,
    );
  });

  it('does not let an event name reach Object.prototype', () => {
    expect(interestScores([ev('Toys', 'constructor', 0)], NOW)).toEqual(
      interestScores([ev('Toys', 'Some Event', 0)], NOW),
    );
  });

  it('orders the map from the highest score down', () => {
    const scores = interestScores(
      [ev('B', 'Product Viewed', 0), ev('A', 'Product Viewed', 0), ev('C', 'Order Completed', 0)],
      NOW,
    );
    expect([...scores.keys()]).toEqual(['C', 'A', 'B']);
  });

  const event = fc.record({
    category: fc.constantFrom('Sports', 'Electronics', 'Home', 'Books'),
    event: fc.constantFrom('Order Completed', 'Product Added', 'Product Viewed', 'Signed Up'),
    at: fc.integer({ min: NOW - 400 * DAY_MS, max: NOW + 5 * DAY_MS }),
  });
  const options = fc.record({
    halfLifeDays: fc.integer({ min: 1, max: 120 }),
    weights: fc.record({ 'Order Completed': fc.nat(10), 'Product Viewed': fc.nat(10), default: fc.nat(10) }),
    saturation: fc.integer({ min: 1, max: 20 }),
    minScore: fc.constantFrom(0, 0.05, 0.1, 0.3),
  });

  it('scores in [minScore, 1], rounded to 4 decimals (property)', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), options, (events, o) => {
        for (const score of interestScores(events, NOW, o).values()) {
          expect(score).toBeGreaterThanOrEqual(o.minScore);
          expect(score).toBeLessThanOrEqual(1);
          expect(Math.round(score * 10_000)).toBeCloseTo(score * 10_000, 6);
        }
      }),
    );
  });

  it('never lowers a score when activity is added (property)', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 40 }),
        fc.array(event, { minLength: 1, maxLength: 10 }),
        options,
        (events, more, o) => {
          const before = interestScores(events, NOW, o);
          const after = interestScores([...events, ...more], NOW, o);
          for (const [category, score] of before) expect(after.get(category)).toBeGreaterThanOrEqual(score);
        },
      ),
    );
  });

  it('only decays as time passes without activity (property)', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.nat(200 * DAY_MS), options, (events, wait, o) => {
        const earlier = interestScores(events, NOW, o);
        const later = interestScores(events, NOW + wait, o);
        for (const [category, score] of later) expect(earlier.get(category)).toBeGreaterThanOrEqual(score);
      }),
    );
  });

  it('halves an event per half-life: the same score from two old views as from one fresh one', () => {
    const options = { ...DEFAULT_INTEREST, minScore: 0 };
    const old = interestScores([ev('X', 'Product Viewed', 30), ev('X', 'Product Viewed', 30)], NOW, options);
    const fresh = interestScores([ev('X', 'Product Viewed', 0)], NOW, options);
    expect(old.get('X')).toBe(fresh.get('X'));
    expect(interestScores([ev('X', 'Product Viewed', 31)], NOW, options).get('X')).toBeLessThan(
      interestScores([ev('X', 'Product Viewed', 29)], NOW, options).get('X')!,
    );
  });
});

describe('checkInterestOptions', () => {
  it('accepts the defaults and names each bad field', () => {
    expect(checkInterestOptions(DEFAULT_INTEREST)).toEqual([]);
    const problems = checkInterestOptions({
      halfLifeDays: 0,
      saturation: 5,
      minScore: 2,
      weights: { default: 1, 'Product Viewed': -1 },
    });
    expect(problems.map((p) => p.path)).toEqual(['halfLifeDays', 'minScore', 'weights.Product Viewed']);
  });
});
