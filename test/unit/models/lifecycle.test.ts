import fc from 'fast-check';
import { DAY_MS } from '../../../src/tags/models/days';
import {
  DEFAULT_LIFECYCLE,
  LIFECYCLE_STAGES,
  checkLifecycleThresholds,
  lifecycleStage,
  nextLifecycleChange,
  type LifecycleInput,
  type LifecycleThresholds,
} from '../../../src/tags/models/lifecycle';

const NOW = Date.UTC(2024, 5, 1, 12);
const daysAgo = (days: number): number => NOW - days * DAY_MS;
const seen = (first: number, last: number, orders = 0): LifecycleInput => ({
  firstSeen: daysAgo(first),
  lastSeen: daysAgo(last),
  orders,
});

describe('checkLifecycleThresholds', () => {
  it('accepts the defaults', () => {
    expect(checkLifecycleThresholds(DEFAULT_LIFECYCLE)).toEqual([]);
    expect(checkLifecycleThresholds({ newDays: 1, activeDays: 7, atRiskDays: 7, dormantDays: 7 })).toEqual(
      [],
    );
  });

  it('names each field that is not a positive whole number', () => {
    const problems = checkLifecycleThresholds({
      newDays: 0,
      activeDays: 1.5,
      atRiskDays: 90,
      dormantDays: NaN,
    });
    expect(problems.map((p) => p.path)).toEqual(['newDays', 'activeDays', 'dormantDays']);
    expect(problems[0]?.message).toMatch(/positive whole number/);
  });

  it('requires activeDays <= atRiskDays <= dormantDays', () => {
    expect(checkLifecycleThresholds({ ...DEFAULT_LIFECYCLE, atRiskDays: 20 })).toEqual([
      { path: 'atRiskDays', message: 'must be at least activeDays (30)' },
    ]);
    expect(checkLifecycleThresholds({ ...DEFAULT_LIFECYCLE, dormantDays: 60 })).toEqual([
      { path: 'dormantDays', message: 'must be at least atRiskDays (90)' },
    ]);
  });
});

describe('lifecycleStage', () => {
  it('is null for a profile never seen', () => {
    expect(lifecycleStage({ firstSeen: null, lastSeen: null, orders: 0 }, NOW, DEFAULT_LIFECYCLE)).toBeNull();
  });

  it('calls a recent profile with at most one order NEW', () => {
    expect(lifecycleStage(seen(10, 2, 0), NOW, DEFAULT_LIFECYCLE)).toBe('NEW');
    expect(lifecycleStage(seen(10, 2, 1), NOW, DEFAULT_LIFECYCLE)).toBe('NEW');
    expect(lifecycleStage(seen(10, 2, 2), NOW, DEFAULT_LIFECYCLE)).toBe('ACTIVE');
    // NEW outranks inactivity while it lasts: first and only visit 30 days ago.
    expect(lifecycleStage(seen(30, 30), NOW, DEFAULT_LIFECYCLE)).toBe('NEW');
    expect(lifecycleStage(seen(31, 31), NOW, DEFAULT_LIFECYCLE)).toBe('AT_RISK');
  });

  it('follows whole days since last seen, each threshold day included', () => {
    const stageAt = (lastDays: number) => lifecycleStage(seen(400, lastDays, 5), NOW, DEFAULT_LIFECYCLE);
    expect(stageAt(0)).toBe('ACTIVE');
    expect(stageAt(30.99)).toBe('ACTIVE');
    expect(stageAt(31)).toBe('AT_RISK');
    expect(stageAt(90.5)).toBe('AT_RISK');
    expect(stageAt(91)).toBe('DORMANT');
    expect(stageAt(180.99)).toBe('DORMANT');
    expect(stageAt(181)).toBe('CHURNED');
  });

  it('uses the one time known when the other is missing, and counts the future as today', () => {
    expect(
      lifecycleStage({ firstSeen: null, lastSeen: daysAgo(100), orders: 3 }, NOW, DEFAULT_LIFECYCLE),
    ).toBe('DORMANT');
    expect(lifecycleStage({ firstSeen: daysAgo(5), lastSeen: null, orders: 0 }, NOW, DEFAULT_LIFECYCLE)).toBe(
      'NEW',
    );
    expect(lifecycleStage(seen(-3, -3, 4), NOW, DEFAULT_LIFECYCLE)).toBe('ACTIVE');
  });

  it('honours custom thresholds', () => {
    const tight: LifecycleThresholds = { newDays: 7, activeDays: 7, atRiskDays: 14, dormantDays: 28 };
    expect(lifecycleStage(seen(8, 8), NOW, tight)).toBe('AT_RISK');
    expect(lifecycleStage(seen(40, 20, 3), NOW, tight)).toBe('DORMANT');
  });
});

describe('nextLifecycleChange', () => {
  it('finds the first millisecond of the day after each threshold', () => {
    expect(nextLifecycleChange(seen(10, 10), NOW, DEFAULT_LIFECYCLE)).toBe(daysAgo(10) + 31 * DAY_MS);
    expect(nextLifecycleChange(seen(200, 10, 4), NOW, DEFAULT_LIFECYCLE)).toBe(daysAgo(10) + 31 * DAY_MS);
    expect(nextLifecycleChange(seen(200, 50, 4), NOW, DEFAULT_LIFECYCLE)).toBe(daysAgo(50) + 91 * DAY_MS);
    expect(nextLifecycleChange(seen(200, 100, 4), NOW, DEFAULT_LIFECYCLE)).toBe(daysAgo(100) + 181 * DAY_MS);
  });

  it('skips a boundary that changes nothing: NEW lasting past the end of ACTIVE', () => {
    // Seen once 20 days ago, and new for 60 days: ACTIVE ends on day 31 but NEW hides it until day 61.
    const longNew = { ...DEFAULT_LIFECYCLE, newDays: 60 };
    expect(nextLifecycleChange(seen(20, 20), NOW, longNew)).toBe(daysAgo(20) + 61 * DAY_MS);
    expect(lifecycleStage(seen(20, 20), daysAgo(20) + 61 * DAY_MS - 1, longNew)).toBe('NEW');
    expect(lifecycleStage(seen(20, 20), daysAgo(20) + 61 * DAY_MS, longNew)).toBe('AT_RISK');
  });

  it('is null when nothing can change any more', () => {
    expect(nextLifecycleChange(seen(400, 300, 2), NOW, DEFAULT_LIFECYCLE)).toBeNull();
    expect(
      nextLifecycleChange({ firstSeen: null, lastSeen: null, orders: 0 }, NOW, DEFAULT_LIFECYCLE),
    ).toBeNull();
  });

  const thresholds = fc
    .tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), fc.nat(60), fc.nat(120))
    .map(([newDays, activeDays, extraRisk, extraDormant]) => ({
      newDays,
      activeDays,
      atRiskDays: activeDays + extraRisk,
      dormantDays: activeDays + extraRisk + extraDormant,
    }));
  const profile = fc
    .tuple(fc.integer({ min: -5 * DAY_MS, max: 400 * DAY_MS }), fc.nat(400 * DAY_MS), fc.nat(3))
    .map(([lastAgo, gap, orders]) => ({ firstSeen: NOW - lastAgo - gap, lastSeen: NOW - lastAgo, orders }));

  it('holds the stage until the returned time, which starts a different one (property)', () => {
    fc.assert(
      fc.property(profile, thresholds, fc.double({ min: 0, max: 1, noNaN: true }), (p, t, fraction) => {
        const now = lifecycleStage(p, NOW, t);
        const next = nextLifecycleChange(p, NOW, t);
        if (next === null) {
          expect(now).toBe('CHURNED');
          expect(lifecycleStage(p, NOW + 3650 * DAY_MS, t)).toBe(now);
          return;
        }
        expect(next).toBeGreaterThan(NOW);
        expect(lifecycleStage(p, next - 1, t)).toBe(now);
        expect(lifecycleStage(p, next, t)).not.toBe(now);
        expect(lifecycleStage(p, NOW + Math.floor(fraction * (next - 1 - NOW)), t)).toBe(now);
      }),
    );
  });

  it('only moves forward through the stages as time passes (property)', () => {
    fc.assert(
      fc.property(profile, thresholds, (p, t) => {
        const order: string[] = [];
        for (let at: number | null = NOW; at !== null; at = nextLifecycleChange(p, at, t)) {
          order.push(lifecycleStage(p, at, t)!);
        }
        const ranks = order.map((stage) =>
          LIFECYCLE_STAGES.indexOf(stage as (typeof LIFECYCLE_STAGES)[number]),
        );
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        expect(new Set(ranks).size).toBe(ranks.length);
        expect(order[order.length - 1]).toBe('CHURNED');
      }),
    );
  });
});
