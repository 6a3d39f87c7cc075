import { prng } from '../../../src/demo/generator';
import {
  assign,
  chooseK,
  describeClusters,
  kmeans,
  standardize,
  standardizeFeatures,
  type FeatureRow,
  type KMeansModel,
} from '../../../src/tags/models/kmeans';

/** Gaussian blobs around `centres`, `perBlob` points each, ids 'b<blob>-<i>'; Box-Muller on mulberry32. */
function blobs(centres: number[][], perBlob: number, spread: number, seed: number): FeatureRow[] {
  const random = prng(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return centres.flatMap((centre, b) =>
    Array.from({ length: perBlob }, (_, i) => ({
      id: `b${b}-${String(i).padStart(3, '0')}`,
      features: centre.map((x) => x + spread * gaussian()),
    })),
  );
}

const CENTRES = [
  [0, 0, 0],
  [10, 0, 0],
  [0, 10, 5],
];
const blobOf = (row: FeatureRow) => Number(row.id.slice(1, row.id.indexOf('-')));

/** Clusters per blob: every blob must map to exactly one cluster, and no two blobs to the same one. */
function clustersByBlob(rows: FeatureRow[], model: KMeansModel): Set<number>[] {
  const found = CENTRES.map(() => new Set<number>());
  for (const row of rows) found[blobOf(row)]!.add(assign(model, row.features).cluster);
  return found;
}

describe('standardize', () => {
  it('gives each column mean 0 and standard deviation 1 (population)', () => {
    const rows = [
      { id: 'a', features: [1, 10] },
      { id: 'b', features: [2, 20] },
      { id: 'c', features: [3, 60] },
    ];
    const { rows: z, means, stds } = standardize(rows);
    expect(means).toEqual([2, 30]);
    expect(stds[0]).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(stds[1]).toBeCloseTo(Math.sqrt(1400 / 3), 12);
    expect(z.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    for (const j of [0, 1]) {
      const column = z.map((r) => r.features[j]!);
      expect(column.reduce((s, x) => s + x, 0)).toBeCloseTo(0, 12);
      expect(column.reduce((s, x) => s + x * x, 0) / 3).toBeCloseTo(1, 12);
    }
    expect(standardizeFeatures([3, 60], means, stds)).toEqual(z[2]!.features);
  });

  it('maps a constant column to exactly 0 with std 1, even where the mean would not round-trip', () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, features: [0.1, i] }));
    const { rows: z, means, stds } = standardize(rows);
    expect(means[0]).toBe(0.1);
    expect(stds[0]).toBe(1);
    expect(z.every((r) => r.features[0] === 0)).toBe(true);
  });

  it('refuses rows of different lengths or with non-finite values', () => {
    expect(() =>
      standardize([
        { id: 'a', features: [1] },
        { id: 'b', features: [1, 2] },
      ]),
    ).toThrow(RangeError);
    expect(() => standardize([{ id: 'a', features: [Number.NaN] }])).toThrow(/finite/);
    expect(standardize([])).toEqual({ rows: [], means: [], stds: [] });
  });
});

describe('kmeans', () => {
  const rows = blobs(CENTRES, 60, 0.6, 7);

  it.each([1, 2, 3, 42, 2024])('recovers three planted blobs exactly (seed %i)', (seed) => {
    const model = kmeans(rows, 3, { seed });
    const found = clustersByBlob(rows, model);
    expect(found.map((s) => s.size)).toEqual([1, 1, 1]);
    expect(new Set(found.map((s) => [...s][0])).size).toBe(3);
    // Each centroid sits near a planted centre.
    for (const centre of CENTRES) {
      const closest = Math.min(...model.centroids.map((c) => Math.hypot(...c.map((x, j) => x - centre[j]!))));
      expect(closest).toBeLessThan(0.3);
    }
  });

  it('gives the same model for the same seed, whatever the order of the rows', () => {
    const model = kmeans(rows, 4, { seed: 11 });
    expect(kmeans(rows, 4, { seed: 11 })).toEqual(model);
    expect(kmeans([...rows].reverse(), 4, { seed: 11 })).toEqual(model);
    expect(model.iterations).toBeGreaterThanOrEqual(1);
    expect(model.iterations).toBeLessThanOrEqual(100);
  });

  it('is JSON-serialisable', () => {
    const model = kmeans(rows, 3, { seed: 5 });
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('reports inertia as the sum of squared distances to the nearest centroid', () => {
    const model = kmeans(rows, 3, { seed: 5 });
    const expected = rows.reduce((sum, row) => {
      const c = model.centroids[assign(model, row.features).cluster]!;
      return sum + row.features.reduce((s, x, j) => s + (x - c[j]!) ** 2, 0);
    }, 0);
    expect(model.inertia).toBeCloseTo(expected, 8);
  });

  it('re-seeds a cluster left empty from the point farthest from its centroid', () => {
    // The third starting centroid is far from everything, so its cluster is empty after the first assignment.
    const model = kmeans(rows, 3, {
      seed: 1,
      initialCentroids: [
        [5, 0, 0],
        [0, 10, 5],
        [1000, 1000, 1000],
      ],
    });
    expect(clustersByBlob(rows, model).map((s) => s.size)).toEqual([1, 1, 1]);
    expect(model.centroids.flat().every((x) => Math.abs(x) < 20)).toBe(true);
  });

  it('handles k at or beyond the number of distinct points without NaN', () => {
    const points = [
      [0, 0],
      [1, 1],
      [5, 5],
    ];
    const few = Array.from({ length: 12 }, (_, i) => ({ id: `p${i}`, features: points[i % 3]! }));
    for (const k of [3, 4, 7]) {
      const model = kmeans(few, k, { seed: 3 });
      expect(model.centroids).toHaveLength(k);
      expect(model.centroids.flat().every(Number.isFinite)).toBe(true);
      expect(model.inertia).toBe(0);
      for (const p of points) {
        const { cluster, confidence } = assign(model, p);
        expect(model.centroids[cluster]).toEqual(p);
        expect(confidence).toBe(1);
      }
      const between = assign(model, [0.5, 0.5]);
      expect(between.confidence).toBeCloseTo(0, 12);
    }
    const single = kmeans([{ id: 'x', features: [2, 2] }], 3, { seed: 1 });
    expect(single.centroids).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    expect(assign(single, [9, 9])).toEqual({ cluster: 0, confidence: 1 });
  });

  it('refuses a bad k, no rows, or starting centroids of the wrong shape', () => {
    expect(() => kmeans(rows, 0, { seed: 1 })).toThrow(RangeError);
    expect(() => kmeans(rows, 2.5, { seed: 1 })).toThrow(RangeError);
    expect(() => kmeans([], 2, { seed: 1 })).toThrow(RangeError);
    expect(() => kmeans(rows, 2, { seed: 1, initialCentroids: [[0, 0, 0]] })).toThrow(RangeError);
  });
});

describe('assign', () => {
  const model: KMeansModel = {
    k: 3,
    centroids: [
      [0, 0],
      [10, 0],
      [0, 10],
    ],
    inertia: 0,
    iterations: 1,
  };

  it('is fully confident at a centroid and not at all half-way between two', () => {
    expect(assign(model, [10, 0])).toEqual({ cluster: 1, confidence: 1 });
    expect(assign(model, [5, 0]).confidence).toBeCloseTo(0, 12);
    expect(assign(model, [4.9, 0])).toEqual({ cluster: 0, confidence: expect.closeTo(1 - 4.9 / 5.1, 12) });
    expect(assign(model, [1, 1]).confidence).toBeGreaterThan(0.8);
  });

  it('is fully confident with a single cluster, and refuses the wrong number of features', () => {
    expect(assign({ k: 1, centroids: [[3, 3]], inertia: 0, iterations: 1 }, [50, -7])).toEqual({
      cluster: 0,
      confidence: 1,
    });
    expect(() => assign(model, [1])).toThrow(RangeError);
  });
});

describe('chooseK', () => {
  const rows = blobs(CENTRES, 60, 0.6, 9);

  it('picks 3 on three planted blobs, scoring every k from kMin to kMax', () => {
    const result = chooseK(rows, { seed: 1 });
    expect(result.k).toBe(3);
    expect(result.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const best = result.scores.find((s) => s.k === 3)!;
    for (const s of result.scores) {
      expect(s.silhouette).toBeLessThanOrEqual(best.silhouette);
      expect(s.silhouette).toBeGreaterThanOrEqual(-1);
      expect(s.silhouette).toBeLessThanOrEqual(1);
    }
    expect(best.silhouette).toBeGreaterThan(0.8);
  });

  it('picks 3 from a sample too, the same way every time', () => {
    const result = chooseK(rows, { seed: 4, sampleSize: 60, kMax: 5 });
    expect(result.k).toBe(3);
    expect(chooseK([...rows].reverse(), { seed: 4, sampleSize: 60, kMax: 5 })).toEqual(result);
  });

  it('does not invent a choice from too few rows, and refuses nonsense ranges', () => {
    expect(chooseK(rows.slice(0, 2), { seed: 1 })).toEqual({ k: 2, scores: [] });
    expect(chooseK(rows.slice(0, 4), { seed: 1 }).scores.map((s) => s.k)).toEqual([2, 3]);
    expect(() => chooseK(rows, { seed: 1, kMin: 1 })).toThrow(RangeError);
    expect(() => chooseK(rows, { seed: 1, kMin: 5, kMax: 4 })).toThrow(RangeError);
  });
});

describe('describeClusters', () => {
  it('names the strongest features of each cluster in words for the RFM features', () => {
    const model: KMeansModel = {
      k: 3,
      centroids: [
        [-1.1, 1.6, 1.2, 0.1],
        [1.4, -2, -0.9, -0.2],
        [0.1, 0.2, -0.3, 0.05],
      ],
      inertia: 0,
      iterations: 1,
    };
    const names = ['recencyDays', 'frequency', 'monetary', 'sessions'];
    // Frequency 2 ± 1 orders: the second cluster's z of -2 is exactly zero orders.
    expect(describeClusters(model, names, [60, 2, 300, 8], [40, 1, 200, 4])).toEqual([
      'frequent buyers, high spend',
      'no orders, lapsed',
      'average',
    ]);
  });

  it('says "low" rather than "no" when the cluster is low but not zero', () => {
    const model: KMeansModel = { k: 2, centroids: [[-1.5], [1.5]], inertia: 0, iterations: 1 };
    expect(describeClusters(model, ['frequency'], [2], [1])).toEqual([
      'infrequent buyers',
      'frequent buyers',
    ]);
    expect(describeClusters(model, ['sessions'], [4], [2])).toEqual(['low sessions', 'high sessions']);
  });

  it('adds weaker features until labels differ, then numbers what is still equal', () => {
    const model: KMeansModel = {
      k: 4,
      centroids: [
        [1, 0.3],
        [1, -0.3],
        [0, 0],
        [0, 0],
      ],
      inertia: 0,
      iterations: 1,
    };
    expect(describeClusters(model, ['monetary', 'visits'], [100, 5], [50, 2])).toEqual([
      'high spend, high visits',
      'high spend, low visits',
      'average',
      'average (2)',
    ]);
  });

  it('labels clusters of a fitted model uniquely', () => {
    const raw = blobs(
      [
        [5, 12, 900],
        [200, 0, 0],
        [60, 3, 150],
      ],
      40,
      1,
      3,
    ).map((row) => ({ ...row, features: row.features.map((x) => Math.max(0, x)) }));
    const { rows, means, stds } = standardize(raw);
    const model = kmeans(rows, 3, { seed: 2 });
    const labels = describeClusters(model, ['recencyDays', 'frequency', 'monetary'], means, stds);
    expect(new Set(labels).size).toBe(3);
    const champions = labels[assign(model, standardizeFeatures([5, 12, 900], means, stds)).cluster]!;
    expect(champions).toMatch(/recent|frequent buyers|high spend/);
    expect(champions).not.toMatch(/lapsed|low|no /);
  });

  it('refuses names, means or stds that do not match the centroids', () => {
    const model: KMeansModel = { k: 1, centroids: [[0, 1]], inertia: 0, iterations: 1 };
    expect(() => describeClusters(model, ['a'], [0], [1])).toThrow(RangeError);
    expect(() => describeClusters(model, ['a', 'b'], [0, 0], [1])).toThrow(RangeError);
  });
});
