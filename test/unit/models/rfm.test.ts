import fc from 'fast-check';
import { DAY_MS } from '../../../src/tags/models/days';
import {
  RFM_GROUPS,
  RFM_GROUP_LABELS,
  RFM_SEGMENT_MAP,
  isRfmBoundaries,
  rfmBoundaries,
  rfmGroup,
  rfmRaw,
  rfmScore,
  type Quintile,
  type RfmRaw,
} from '../../../src/tags/models/rfm';

const NOW = Date.UTC(2024, 5, 1);
const buyer = (recencyDays: number, frequency: number, monetary: number): RfmRaw => ({
  recencyDays,
  frequency,
  monetary,
});
const nonBuyer: RfmRaw = { recencyDays: null, frequency: 0, monetary: 0 };
const QUINTILES: Quintile[] = [1, 2, 3, 4, 5];

describe('rfmRaw', () => {
  it('counts whole days since the last order, rounding down', () => {
    const raw = (lastOrderAt: number) => rfmRaw({ lastOrderAt, orders: 2, monetary: 80 }, NOW);
    expect(raw(NOW)).toEqual({ recencyDays: 0, frequency: 2, monetary: 80 });
    expect(raw(NOW - DAY_MS + 1).recencyDays).toBe(0);
    expect(raw(NOW - DAY_MS).recencyDays).toBe(1);
    expect(raw(NOW - 45.9 * DAY_MS).recencyDays).toBe(45);
  });

  it('never counts negative days for an order stamped in the future', () => {
    expect(rfmRaw({ lastOrderAt: NOW + 3 * DAY_MS, orders: 1, monetary: 10 }, NOW).recencyDays).toBe(0);
  });

  it('has no recency without orders', () => {
    expect(rfmRaw({ lastOrderAt: null, orders: 0, monetary: 0 }, NOW).recencyDays).toBeNull();
    expect(rfmRaw({ lastOrderAt: NOW, orders: 0, monetary: 0 }, NOW).recencyDays).toBeNull();
    expect(rfmRaw({ lastOrderAt: null, orders: 3, monetary: 10 }, NOW).recencyDays).toBeNull();
  });

  it('turns a non-finite total into 0 so that it cannot break a batch sort', () => {
    expect(rfmRaw({ lastOrderAt: NOW, orders: 1, monetary: Number.NaN }, NOW).monetary).toBe(0);
  });
});

describe('rfmBoundaries', () => {
  it('cuts ten distinct buyers into fifths of two', () => {
    const sample = Array.from({ length: 10 }, (_, i) => buyer(i * 10, i + 1, (i + 1) * 100));
    const b = rfmBoundaries([...sample, nonBuyer, nonBuyer], 1234);
    expect(b).toEqual({
      version: 1,
      computedAt: 1234,
      sampleSize: 10,
      recency: [10, 30, 50, 70],
      frequency: [2, 4, 6, 8],
      monetary: [200, 400, 600, 800],
    });
    const scores = sample.map((raw) => rfmScore(raw, b)?.score);
    expect(scores).toEqual([
      'R5F1M1',
      'R5F1M1',
      'R4F2M2',
      'R4F2M2',
      'R3F3M3',
      'R3F3M3',
      'R2F4M4',
      'R2F4M4',
      'R1F5M5',
      'R1F5M5',
    ]);
  });

  it('gives all one-time buyers F1 even when they are most buyers', () => {
    const frequencies = [1, 1, 1, 1, 1, 1, 2, 2, 3, 7];
    const sample = frequencies.map((f, i) => buyer(i, f, 50));
    const b = rfmBoundaries(sample, 0);
    expect(sample.map((raw) => rfmScore(raw, b)?.f)).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
  });

  it('scores tiny samples without inventing spread', () => {
    const one = rfmBoundaries([buyer(40, 2, 99)], 0);
    expect(rfmScore(buyer(40, 2, 99), one)?.score).toBe('R5F1M1');

    const two = rfmBoundaries([buyer(5, 1, 10), buyer(50, 4, 300)], 0);
    expect(rfmScore(buyer(5, 1, 10), two)?.score).toBe('R5F1M1');
    expect(rfmScore(buyer(50, 4, 300), two)?.score).toBe('R3F3M3');

    const three = rfmBoundaries([buyer(5, 1, 10), buyer(20, 2, 20), buyer(50, 4, 300)], 0);
    expect(
      [buyer(5, 1, 10), buyer(20, 2, 20), buyer(50, 4, 300)].map((r) => rfmScore(r, three)?.score),
    ).toEqual(['R5F1M1', 'R4F2M2', 'R2F4M4']);
  });

  it('gives buyers who are all equal one and the same score', () => {
    const b = rfmBoundaries(
      Array.from({ length: 7 }, () => buyer(12, 3, 45)),
      0,
    );
    expect(rfmScore(buyer(12, 3, 45), b)?.score).toBe('R5F1M1');
    // Someone strictly better than all of them goes to the top, strictly worse to the bottom.
    expect(rfmScore(buyer(11, 4, 46), b)?.score).toBe('R5F5M5');
    expect(rfmScore(buyer(13, 2, 44), b)?.score).toBe('R1F1M1');
  });

  it('scores every buyer as a sole buyer would when the sample had none', () => {
    const b = rfmBoundaries([nonBuyer], 0);
    expect(b).toMatchObject({ sampleSize: 0, recency: [], frequency: [], monetary: [] });
    expect(rfmScore(buyer(300, 9, 1e6), b)?.score).toBe('R5F1M1');
  });

  it('is the share of buyers strictly beaten, for any value, in or out of the sample (property)', () => {
    const raw = fc.record({
      recencyDays: fc.integer({ min: 0, max: 60 }),
      frequency: fc.integer({ min: 1, max: 8 }),
      monetary: fc.integer({ min: 0, max: 500 }),
    });
    fc.assert(
      fc.property(fc.array(raw, { minLength: 1, maxLength: 40 }), raw, (sample, probe) => {
        const score = rfmScore(probe, rfmBoundaries(sample, 0))!;
        const share = (below: (x: RfmRaw) => boolean) =>
          Math.min(4, Math.floor((5 * sample.filter(below).length) / sample.length));
        expect(score.f).toBe(1 + share((x) => x.frequency < probe.frequency));
        expect(score.m).toBe(1 + share((x) => x.monetary < probe.monetary));
        expect(score.r).toBe(5 - share((x) => x.recencyDays! < probe.recencyDays));
      }),
    );
  });

  it('does not depend on the order of the sample, and equal values share a score (property)', () => {
    const raw = fc.record({
      recencyDays: fc.integer({ min: 0, max: 10 }),
      frequency: fc.integer({ min: 1, max: 4 }),
      monetary: fc.integer({ min: 0, max: 10 }),
    });
    const sampleAndShuffle = fc
      .array(raw, { minLength: 1, maxLength: 30 })
      .chain((sample) =>
        fc.tuple(fc.constant(sample), fc.shuffledSubarray(sample, { minLength: sample.length })),
      );
    fc.assert(
      fc.property(sampleAndShuffle, ([sample, shuffled]) => {
        const b = rfmBoundaries(sample, 0);
        expect(rfmBoundaries(shuffled, 0)).toEqual(b);
        for (const x of sample) {
          for (const y of sample) {
            if (x.frequency === y.frequency) expect(rfmScore(x, b)!.f).toBe(rfmScore(y, b)!.f);
            if (x.recencyDays === y.recencyDays) expect(rfmScore(x, b)!.r).toBe(rfmScore(y, b)!.r);
          }
        }
      }),
    );
  });

  it('never lowers a score for more orders, more spend or a more recent order (property)', () => {
    const raw = fc.record({
      recencyDays: fc.integer({ min: 0, max: 100 }),
      frequency: fc.integer({ min: 1, max: 10 }),
      monetary: fc.double({ min: 0, max: 1000, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(raw, { maxLength: 30 }), raw, raw, (sample, a, b) => {
        const bounds = rfmBoundaries(sample, 0);
        const sa = rfmScore(a, bounds)!;
        const sb = rfmScore(b, bounds)!;
        if (a.frequency <= b.frequency) expect(sa.f).toBeLessThanOrEqual(sb.f);
        if (a.monetary <= b.monetary) expect(sa.m).toBeLessThanOrEqual(sb.m);
        if (a.recencyDays <= b.recencyDays) expect(sa.r).toBeGreaterThanOrEqual(sb.r);
      }),
    );
  });

  it('survives a round trip through JSON, and recognises what it stored', () => {
    const b = rfmBoundaries([buyer(1, 1, 5), buyer(9, 3, 50), buyer(30, 2, 20)], NOW);
    const stored: unknown = JSON.parse(JSON.stringify(b));
    expect(stored).toEqual(b);
    expect(isRfmBoundaries(stored)).toBe(true);
    expect(isRfmBoundaries({ ...b, version: 2 })).toBe(false);
    expect(isRfmBoundaries({ ...b, frequency: [3, 2, 1, 0] })).toBe(false);
    expect(isRfmBoundaries({ ...b, monetary: [1, 2] })).toBe(false);
    expect(isRfmBoundaries(null)).toBe(false);
  });
});

describe('rfmScore', () => {
  it('is null without orders', () => {
    const b = rfmBoundaries([buyer(1, 1, 5)], 0);
    expect(rfmScore(nonBuyer, b)).toBeNull();
    expect(rfmScore({ recencyDays: 3, frequency: 0, monetary: 0 }, b)).toBeNull();
  });

  it('names the segment from R and F', () => {
    const sample = Array.from({ length: 10 }, (_, i) => buyer(i * 10, i + 1, (i + 1) * 100));
    const b = rfmBoundaries(sample, 0);
    expect(rfmScore(buyer(0, 10, 1000), b)).toEqual({
      r: 5,
      f: 5,
      m: 5,
      score: 'R5F5M5',
      group: 'champions',
    });
    expect(rfmScore(buyer(95, 10, 10), b)).toEqual({
      r: 1,
      f: 5,
      m: 1,
      score: 'R1F5M1',
      group: 'cannot_lose',
    });
    expect(rfmScore(buyer(0, 1, 10), b)?.group).toBe('new_customers');
  });
});

describe('RFM segment map', () => {
  it('puts every (R, F) pair in exactly one rectangle', () => {
    for (const r of QUINTILES) {
      for (const f of QUINTILES) {
        const matches = RFM_SEGMENT_MAP.filter(
          (rect) => r >= rect.r[0] && r <= rect.r[1] && f >= rect.f[0] && f <= rect.f[1],
        );
        expect({ r, f, matches: matches.length }).toEqual({ r, f, matches: 1 });
        expect(rfmGroup(r, f)).toBe(matches[0]!.group);
      }
    }
  });

  it('is the table documented beside it (rows R5 to R1, columns F1 to F5)', () => {
    const table = [
      ['new_customers', 'potential_loyalist', 'loyal', 'champions', 'champions'],
      ['promising', 'potential_loyalist', 'loyal', 'champions', 'champions'],
      ['about_to_sleep', 'need_attention', 'loyal', 'loyal', 'loyal'],
      ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cannot_lose'],
      ['lost', 'lost', 'at_risk', 'at_risk', 'cannot_lose'],
    ];
    const actual = [5, 4, 3, 2, 1].map((r) => QUINTILES.map((f) => rfmGroup(r as Quintile, f)));
    expect(actual).toEqual(table);
  });

  it('uses every group, and labels every group', () => {
    const used = new Set(QUINTILES.flatMap((r) => QUINTILES.map((f) => rfmGroup(r, f))));
    expect([...used].sort()).toEqual([...RFM_GROUPS].sort());
    expect(Object.keys(RFM_GROUP_LABELS).sort()).toEqual([...RFM_GROUPS].sort());
    expect(RFM_GROUP_LABELS.at_risk).toBe('At risk');
    expect(new Set(Object.values(RFM_GROUP_LABELS)).size).toBe(RFM_GROUPS.length);
  });
});
