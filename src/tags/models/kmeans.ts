import { prng } from '../../demo/generator';
import type { RfmRaw } from './rfm';

/**
 * k-means clustering of profiles on numeric features (RFM and behaviour), seeded so that the same rows and
 * seed always give the same model. Rows are sorted by id before anything random happens, so the model
 * depends on the set of rows and not on the order a query returned them in.
 */

export interface FeatureRow {
  readonly id: string;
  readonly features: readonly number[];
}

/** JSON-serialisable, so it can be stored and used to assign new profiles later. */
export interface KMeansModel {
  readonly k: number;
  readonly centroids: number[][];
  /** Sum of squared distances of the rows to their nearest centroid. */
  readonly inertia: number;
  /** Lloyd iterations run. */
  readonly iterations: number;
}

export interface KMeansOptions {
  readonly seed: number;
  readonly maxIterations?: number;
  /** Stop once no centroid moves farther than this (Euclidean, in feature units). */
  readonly tolerance?: number;
  /**
   * Start from these k centroids instead of k-means++, e.g. the previous run's, so that cluster numbers keep
   * their meaning from one run to the next.
   */
  readonly initialCentroids?: readonly (readonly number[])[];
}

export interface ChooseKOptions {
  readonly kMin?: number;
  readonly kMax?: number;
  readonly seed: number;
  readonly sampleSize?: number;
}

export interface ChooseKResult {
  readonly k: number;
  readonly scores: Array<{ k: number; silhouette: number; inertia: number }>;
}

function dimensionOf(rows: readonly FeatureRow[]): number {
  const d = rows[0]?.features.length ?? 0;
  for (const row of rows) {
    if (row.features.length !== d) {
      throw new RangeError(`row ${row.id} has ${row.features.length} features, expected ${d}`);
    }
    row.features.forEach((x, j) => {
      if (!Number.isFinite(x)) {
        throw new RangeError(`row ${row.id}: feature ${j} is ${x}, not a finite number`);
      }
    });
  }
  return d;
}

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let j = 0; j < a.length; j += 1) {
    const diff = a[j]! - (b[j] ?? 0);
    sum += diff * diff;
  }
  return sum;
}

/** Index of the nearest centroid (the lowest index on ties) and the squared distance to it. */
function nearest(point: readonly number[], centroids: readonly (readonly number[])[]): [number, number] {
  let best = 0;
  let bestD = Infinity;
  centroids.forEach((c, j) => {
    const d = squaredDistance(point, c);
    if (d < bestD) {
      best = j;
      bestD = d;
    }
  });
  return [best, bestD];
}

function compareRows(x: FeatureRow, y: FeatureRow): number {
  if (x.id !== y.id) return x.id < y.id ? -1 : 1;
  for (let j = 0; j < x.features.length; j += 1) {
    const diff = x.features[j]! - (y.features[j] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Applies stored standardization to one feature vector, e.g. of a profile scored after fitting. */
export function standardizeFeatures(
  features: readonly number[],
  means: readonly number[],
  stds: readonly number[],
): number[] {
  return features.map((x, j) => (x - (means[j] ?? 0)) / (stds[j] ?? 1));
}

/**
 * Z-scores per column (population standard deviation). A constant column gets std 1 and its exact value as
 * mean, so it becomes exactly 0 instead of amplified rounding noise. Throws a RangeError when rows differ in
 * length or hold a non-finite value.
 */
export function standardize(rows: readonly FeatureRow[]): {
  rows: FeatureRow[];
  means: number[];
  stds: number[];
} {
  const d = dimensionOf(rows);
  const n = rows.length;
  const means: number[] = [];
  const stds: number[] = [];
  for (let j = 0; j < d; j += 1) {
    const column = rows.map((row) => row.features[j]!);
    const first = column[0]!;
    if (column.every((x) => x === first)) {
      means.push(first);
      stds.push(1);
      continue;
    }
    const mean = column.reduce((sum, x) => sum + x, 0) / n;
    const variance = column.reduce((sum, x) => sum + (x - mean) ** 2, 0) / n;
    means.push(mean);
    stds.push(Math.sqrt(variance));
  }
  return {
    rows: rows.map((row) => ({ id: row.id, features: standardizeFeatures(row.features, means, stds) })),
    means,
    stds,
  };
}

/** k-means++: each next centre is a point drawn with probability proportional to its squared distance. */
function plusPlusCentroids(
  points: readonly (readonly number[])[],
  k: number,
  random: () => number,
): number[][] {
  const n = points.length;
  const centroids: number[][] = [[...points[Math.floor(random() * n)]!]];
  const d2 = points.map((p) => squaredDistance(p, centroids[0]!));
  while (centroids.length < k) {
    const total = d2.reduce((sum, x) => sum + x, 0);
    let chosen = -1;
    if (total > 0) {
      const target = random() * total;
      let cumulative = 0;
      for (let i = 0; i < n; i += 1) {
        if (d2[i]! === 0) continue;
        // Rounding can leave the target past the final sum: the last eligible point is then the one.
        chosen = i;
        cumulative += d2[i]!;
        if (cumulative > target) break;
      }
    } else {
      // Fewer distinct points than k: a duplicate centre is unavoidable, and its cluster stays empty.
      chosen = Math.floor(random() * n);
    }
    const centre = [...points[chosen]!];
    centroids.push(centre);
    points.forEach((p, i) => (d2[i] = Math.min(d2[i]!, squaredDistance(p, centre))));
  }
  return centroids;
}

/**
 * New centroids as the means of their members. An empty cluster is re-seeded with the point farthest from
 * its own centroid, taken only from a cluster that keeps other members (so no new empty cluster appears)
 * and only if that point is not already on its centroid; otherwise the old centroid stays.
 */
function updateCentroids(
  points: readonly (readonly number[])[],
  labels: number[],
  d2: number[],
  previous: readonly (readonly number[])[],
): number[][] {
  const k = previous.length;
  const d = previous[0]?.length ?? 0;
  const counts = new Array<number>(k).fill(0);
  const sums = Array.from({ length: k }, () => new Array<number>(d).fill(0));
  const add = (cluster: number, point: readonly number[], sign: 1 | -1): void => {
    counts[cluster] = counts[cluster]! + sign;
    const sum = sums[cluster]!;
    point.forEach((x, j) => (sum[j] = sum[j]! + sign * x));
  };
  points.forEach((p, i) => add(labels[i]!, p, 1));
  for (let j = 0; j < k; j += 1) {
    if (counts[j]! > 0) continue;
    let far = -1;
    d2.forEach((dist, i) => {
      if (dist > 0 && counts[labels[i]!]! > 1 && (far < 0 || dist > d2[far]!)) far = i;
    });
    if (far < 0) continue;
    add(labels[far]!, points[far]!, -1);
    add(j, points[far]!, 1);
    labels[far] = j;
    d2[far] = 0;
  }
  return sums.map((sum, j) => (counts[j]! > 0 ? sum.map((x) => x / counts[j]!) : [...previous[j]!]));
}

/**
 * Clusters rows into k groups: k-means++ initialisation from a mulberry32 PRNG seeded with `seed` (or
 * `initialCentroids`), then Lloyd iterations until no centroid moves more than `tolerance` or
 * `maxIterations` is reached. k may exceed the number of distinct points: the surplus centroids duplicate
 * others and their clusters stay empty. Throws a RangeError for no rows, a k that is not a positive integer,
 * rows of different lengths or non-finite values.
 */
export function kmeans(rows: readonly FeatureRow[], k: number, options: KMeansOptions): KMeansModel {
  const { seed, maxIterations = 100, tolerance = 1e-6 } = options;
  if (rows.length === 0) throw new RangeError('kmeans needs at least one row');
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`maxIterations must be a positive integer, got ${maxIterations}`);
  }
  const d = dimensionOf(rows);
  const start = options.initialCentroids;
  if (start && (start.length !== k || start.some((c) => c.length !== d || !c.every(Number.isFinite)))) {
    throw new RangeError(`initialCentroids must be ${k} finite vectors of ${d} features`);
  }
  const points = [...rows].sort(compareRows).map((row) => row.features);
  let centroids = start ? start.map((c) => [...c]) : plusPlusCentroids(points, k, prng(seed));
  const labels = new Array<number>(points.length).fill(0);
  const d2 = new Array<number>(points.length).fill(0);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations += 1;
    points.forEach((p, i) => ([labels[i], d2[i]] = nearest(p, centroids)));
    const next = updateCentroids(points, labels, d2, centroids);
    const shift = Math.max(...next.map((c, j) => squaredDistance(c, centroids[j]!)));
    centroids = next;
    if (shift <= tolerance * tolerance) break;
  }
  const inertia = points.reduce((sum, p) => sum + nearest(p, centroids)[1], 0);
  return { k, centroids, inertia, iterations };
}

/**
 * The nearest centroid (lowest index on ties) and a confidence in [0, 1]: 1 − d1/d2, where d1 is the distance
 * to that centroid and d2 to the nearest centroid at a different position (centroids duplicated when k
 * exceeded the distinct points do not count as alternatives). 1 at a centroid or when no alternative
 * exists (k = 1); 0 half-way between two centroids.
 */
export function assign(
  model: KMeansModel,
  features: readonly number[],
): { cluster: number; confidence: number } {
  const d = model.centroids[0]?.length ?? 0;
  if (features.length !== d || !features.every(Number.isFinite)) {
    throw new RangeError(`expected ${d} finite features, got [${features.join(', ')}]`);
  }
  const [cluster, d1Squared] = nearest(features, model.centroids);
  const own = model.centroids[cluster]!;
  let d2Squared = Infinity;
  for (const c of model.centroids) {
    if (squaredDistance(c, own) > 0) d2Squared = Math.min(d2Squared, squaredDistance(features, c));
  }
  if (d2Squared === Infinity) return { cluster, confidence: 1 };
  const confidence = 1 - Math.sqrt(d1Squared) / Math.sqrt(d2Squared);
  return { cluster, confidence: Math.min(1, Math.max(0, confidence)) };
}

/**
 * Mean silhouette (Rousseeuw) of points labelled with cluster numbers 0, 1, ...: for each point, (b − a) / max(a, b) with a its mean distance to the rest of
 * its cluster and b its mean distance to the nearest other cluster; 0 for a point alone in its cluster.
 * -1 (the worst) when fewer than two clusters are non-empty, where it is undefined.
 */
export function silhouette(points: readonly (readonly number[])[], labels: readonly number[]): number {
  const clusters = Math.max(-1, ...labels) + 1;
  const sizes = new Array<number>(clusters).fill(0);
  for (const label of labels) sizes[label] = sizes[label]! + 1;
  if (sizes.filter((size) => size > 0).length < 2) return -1;
  const sums = new Float64Array(clusters);
  let total = 0;
  points.forEach((p, i) => {
    const own = labels[i]!;
    if (sizes[own] === 1) return;
    sums.fill(0);
    points.forEach((q, t) => {
      if (t === i) return;
      const c = labels[t]!;
      sums[c] = sums[c]! + Math.sqrt(squaredDistance(p, q));
    });
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    sizes.forEach((size, c) => {
      if (c !== own && size > 0) b = Math.min(b, sums[c]! / size);
    });
    const scale = Math.max(a, b);
    total += scale > 0 ? (b - a) / scale : 0;
  });
  return total / points.length;
}

/** A deterministic sample: sorted by id, then a partial Fisher-Yates shuffle from the seed. */
function sampleRows(rows: readonly FeatureRow[], size: number, seed: number): FeatureRow[] {
  const sorted = [...rows].sort(compareRows);
  if (sorted.length <= size) return sorted;
  const random = prng(seed);
  for (let i = 0; i < size; i += 1) {
    const j = i + Math.floor(random() * (sorted.length - i));
    [sorted[i], sorted[j]] = [sorted[j]!, sorted[i]!];
  }
  return sorted.slice(0, size);
}

/**
 * The k in kMin..kMax with the best mean silhouette (the smaller k on a tie), each k fitted and scored on the
 * same deterministic sample of at most `sampleSize` rows; fit the final model on all rows with the k chosen.
 *
 * Silhouette rather than the elbow of inertia: inertia falls with every k, so the elbow needs a judgement of
 * where the bend is, which is hard to make automatic and unstable on real, gradual data; silhouette has a
 * maximum to pick, and penalises splitting a real group as well as merging two. Its cost is quadratic in the
 * rows (every pair for every k), hence the sample: 2000 rows make 2 million distances per k, well under a
 * second, and enough rows for the mean to be stable to a few hundredths. kMax is capped at rows − 1, where
 * silhouette stops being defined; with fewer rows than that the result is min(kMin, rows) and no scores.
 */
export function chooseK(rows: readonly FeatureRow[], options: ChooseKOptions): ChooseKResult {
  const { kMin = 2, kMax = 8, seed, sampleSize = 2000 } = options;
  if (!Number.isSafeInteger(kMin) || kMin < 2) {
    throw new RangeError(`kMin must be an integer >= 2, got ${kMin}`);
  }
  if (!Number.isSafeInteger(kMax) || kMax < kMin) {
    throw new RangeError(`kMax must be an integer >= kMin, got ${kMax}`);
  }
  if (!Number.isSafeInteger(sampleSize) || sampleSize < 3) {
    throw new RangeError(`sampleSize must be an integer >= 3, got ${sampleSize}`);
  }
  dimensionOf(rows);
  const sample = sampleRows(rows, sampleSize, seed);
  const points = sample.map((row) => row.features);
  const scores: ChooseKResult['scores'] = [];
  let best: { k: number; silhouette: number } | null = null;
  for (let k = kMin; k <= Math.min(kMax, sample.length - 1); k += 1) {
    const model = kmeans(sample, k, { seed });
    const labels = points.map((p) => nearest(p, model.centroids)[0]);
    const score = silhouette(points, labels);
    scores.push({ k, silhouette: score, inertia: model.inertia });
    if (!best || score > best.silhouette) best = { k, silhouette: score };
  }
  return { k: best?.k ?? Math.max(1, Math.min(kMin, sample.length)), scores };
}

interface FeatureWords {
  readonly high: string;
  readonly low: string;
  /** For a cluster whose members all have zero of it. */
  readonly none?: string;
}

/** Words for features named as in RfmRaw; other features read 'high <name>' / 'low <name>' / 'no <name>'. */
const FEATURE_WORDS: Readonly<Partial<Record<keyof RfmRaw, FeatureWords>>> = {
  recencyDays: { high: 'lapsed', low: 'recent' },
  frequency: { high: 'frequent buyers', low: 'infrequent buyers', none: 'no orders' },
  monetary: { high: 'high spend', low: 'low spend', none: 'no spend' },
};

/** |z| from which a feature is worth naming, and from which it names a cluster before any disambiguation. */
const NOTABLE_Z = 0.25;
const DISTINCTIVE_Z = 0.5;

function phrase(name: string, z: number, mean: number, std: number): string {
  const words = (Object.hasOwn(FEATURE_WORDS, name) ? FEATURE_WORDS[name as keyof RfmRaw] : undefined) ?? {
    high: `high ${name}`,
    low: `low ${name}`,
    none: `no ${name}`,
  };
  if (z > 0) return words.high;
  // "No orders" only when every member has none: the centroid is zero up to rounding, not merely small.
  const zero = Math.abs(mean + z * std) <= 1e-9 * Math.max(1, Math.abs(mean), std);
  return zero && words.none ? words.none : words.low;
}

/**
 * A short label per cluster of a model fitted on rows standardized with `means` and `stds` (so centroids
 * are z-scores): its most distinctive features, strongest first, e.g. 'high spend, frequent buyers'.
 * Labels name up to two features with |z| >= 0.5 ('average' if none); clusters that would share a label get
 * further features with |z| >= 0.25 until they differ, and any still equal (identical centroids) get ' (2)',
 * ' (3)' in cluster order. `means` and `stds` turn a centroid back into units, to tell 'no orders' from
 * 'infrequent buyers'.
 */
export function describeClusters(
  model: KMeansModel,
  featureNames: readonly string[],
  means: readonly number[],
  stds: readonly number[],
): string[] {
  const d = featureNames.length;
  if (means.length !== d || stds.length !== d || model.centroids.some((c) => c.length !== d)) {
    throw new RangeError(`featureNames, means, stds and centroids must all have ${d} entries`);
  }
  const ranked = model.centroids.map((centroid) =>
    centroid
      .map((z, j) => ({ z, j }))
      .filter(({ z }) => Math.abs(z) >= NOTABLE_Z)
      .sort((x, y) => Math.abs(y.z) - Math.abs(x.z) || x.j - y.j)
      .map(({ z, j }) => phrase(featureNames[j]!, z, means[j]!, stds[j]!)),
  );
  // Phrases are ranked by |z|, so the first ones are exactly the distinctive features.
  const used = model.centroids.map((centroid, c) =>
    Math.min(2, centroid.filter((z) => Math.abs(z) >= DISTINCTIVE_Z).length, ranked[c]!.length),
  );
  const label = (c: number): string => ranked[c]!.slice(0, used[c]).join(', ') || 'average';
  for (;;) {
    const groups = new Map<string, number[]>();
    ranked.forEach((_, c) => groups.set(label(c), [...(groups.get(label(c)) ?? []), c]));
    let grew = false;
    for (const members of groups.values()) {
      if (members.length < 2) continue;
      for (const c of members) {
        if (used[c]! < ranked[c]!.length) {
          used[c] = used[c]! + 1;
          grew = true;
        }
      }
    }
    if (!grew) break;
  }
  const seen = new Map<string, number>();
  return ranked.map((_, c) => {
    const base = label(c);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}
