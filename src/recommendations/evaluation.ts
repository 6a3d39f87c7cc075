import type { SegmentEvent } from '../demo/generator';
import { cosine } from '../lookalikes/embedding';
import { engagementOf, weightAt } from './engagement';
import { PURCHASE, halfLifeMs, type RecommendationSettings } from './settings';
import { generateTasteData, type TasteOptions } from './taste-generator';

/**
 * Offline evaluation of recommendations and lookalikes (run by tools/eval/recommendations.mjs, figures in
 * the README): a generated data set goes in through the ingestion path, each person's last order
 * (and whatever they did after it) is held out, and Portrait's recommendations are scored against two
 * baselines computed in memory from the same training events; lookalikes through the vector index are
 * compared with exact cosine similarity over the same embeddings.
 */

/** 1 when any of the first `k` recommendations is relevant, else 0. */
export function hitRate(ranked: readonly string[], relevant: ReadonlySet<string>, k = 10): number {
  return ranked.slice(0, k).some((id) => relevant.has(id)) ? 1 : 0;
}

/** Normalised discounted cumulative gain at `k` with binary relevance (1 is the ideal order). */
export function ndcg(ranked: readonly string[], relevant: ReadonlySet<string>, k = 10): number {
  const gain = (i: number) => 1 / Math.log2(i + 2);
  const dcg = ranked.slice(0, k).reduce((sum, id, i) => sum + (relevant.has(id) ? gain(i) : 0), 0);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i += 1) ideal += gain(i);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Share of `truth` that `found` contains. */
export function recall(found: readonly string[], truth: readonly string[]): number {
  if (truth.length === 0) return 1;
  const set = new Set(found);
  return truth.filter((id) => set.has(id)).length / truth.length;
}

export interface Interaction {
  readonly person: string;
  readonly productId: string;
  readonly event: string;
  readonly at: number;
}

/** The product interactions of events, as ingestion makes them (one per product line of an order). */
export function interactionsOf(events: readonly SegmentEvent[]): Interaction[] {
  const out: Interaction[] = [];
  for (const e of events) {
    if (e.type !== 'track' || typeof e.userId !== 'string') continue;
    const at = Date.parse(String(e.timestamp));
    const properties = (e.properties ?? {}) as Record<string, unknown>;
    const lines = Array.isArray(properties.products)
      ? (properties.products as Array<Record<string, unknown>>)
      : [properties];
    for (const line of lines) {
      if (typeof line.product_id === 'string')
        out.push({ person: e.userId, productId: line.product_id, event: String(e.event), at });
    }
  }
  return out;
}

/**
 * Holds out each person's last order (its products are what they should be recommended) and every event
 * of theirs from it on; people without an order keep everything and are not evaluated.
 */
export function holdOutLastOrder(events: readonly SegmentEvent[]): {
  train: SegmentEvent[];
  heldOut: Map<string, Set<string>>;
} {
  const lastOrder = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'track' && e.event === PURCHASE && typeof e.userId === 'string') {
      const at = Date.parse(String(e.timestamp));
      if (at >= (lastOrder.get(e.userId) ?? -Infinity)) lastOrder.set(e.userId, at);
    }
  }
  const train: SegmentEvent[] = [];
  const heldOut = new Map<string, Set<string>>();
  for (const e of events) {
    const cut = typeof e.userId === 'string' ? lastOrder.get(e.userId) : undefined;
    if (cut === undefined || Date.parse(String(e.timestamp)) < cut) {
      train.push(e);
      continue;
    }
    if (e.type === 'track' && e.event === PURCHASE && Date.parse(String(e.timestamp)) === cut) {
      const products = (e.properties as { products?: Array<{ product_id: string }> }).products ?? [];
      const set = heldOut.get(e.userId as string) ?? new Set<string>();
      for (const line of products) set.add(line.product_id);
      heldOut.set(e.userId as string, set);
    }
  }
  return { train, heldOut };
}

/** A recommender for the evaluation: the top `k` products for a person. */
export type Recommender = (person: string, k: number) => string[];

/** Each person's engagement weights (at `now`) and purchases, from training interactions. */
function engagementMatrix(
  interactions: readonly Interaction[],
  settings: RecommendationSettings,
  now: number,
): { weights: Map<string, Map<string, number>>; bought: Map<string, Set<string>> } {
  const grouped = new Map<string, Map<string, Interaction[]>>();
  for (const x of interactions) {
    const byProduct = grouped.get(x.person) ?? new Map<string, Interaction[]>();
    byProduct.set(x.productId, [...(byProduct.get(x.productId) ?? []), x]);
    grouped.set(x.person, byProduct);
  }
  const weights = new Map<string, Map<string, number>>();
  const bought = new Map<string, Set<string>>();
  for (const [person, byProduct] of grouped) {
    const row = new Map<string, number>();
    const purchases = new Set<string>();
    for (const [productId, events] of byProduct) {
      const engagement = engagementOf(events, settings.eventWeights, halfLifeMs(settings));
      if (!engagement) continue;
      row.set(productId, weightAt(engagement, now, halfLifeMs(settings)));
      if (engagement.purchases > 0) purchases.add(productId);
    }
    weights.set(person, row);
    bought.set(person, purchases);
  }
  return { weights, bought };
}

function topK(scores: ReadonlyMap<string, number>, k: number, exclude: ReadonlySet<string>): string[] {
  return [...scores]
    .filter(([id, score]) => score > 0 && !exclude.has(id))
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, k)
    .map(([id]) => id);
}

/** Baseline: the most engaged-with products overall (same weights and decay), minus the person's purchases. */
export function popularityRecommender(
  interactions: readonly Interaction[],
  settings: RecommendationSettings,
  now: number,
): Recommender {
  const { weights, bought } = engagementMatrix(interactions, settings, now);
  const popularity = new Map<string, number>();
  for (const row of weights.values())
    for (const [id, w] of row) popularity.set(id, (popularity.get(id) ?? 0) + w);
  return (person, k) => topK(popularity, k, bought.get(person) ?? new Set());
}

/**
 * Baseline: exact item-kNN. A candidate scores Σ over the person's products of their weight × the exact
 * cosine of the two products' weight vectors over all people, with no top-K pruning or support threshold.
 */
export function itemKnnRecommender(
  interactions: readonly Interaction[],
  settings: RecommendationSettings,
  now: number,
): Recommender {
  const { weights, bought } = engagementMatrix(interactions, settings, now);
  const byProduct = new Map<string, Map<string, number>>();
  for (const [person, row] of weights)
    for (const [id, w] of row) byProduct.set(id, (byProduct.get(id) ?? new Map()).set(person, w));
  const norm = new Map([...byProduct].map(([id, col]) => [id, Math.hypot(...col.values())]));
  return (person, k) => {
    const own = weights.get(person) ?? new Map<string, number>();
    const scores = new Map<string, number>();
    for (const [source, w] of own) {
      const dots = new Map<string, number>();
      for (const [other, wo] of byProduct.get(source) ?? new Map<string, number>())
        for (const [candidate, wc] of weights.get(other) ?? new Map<string, number>())
          if (candidate !== source) dots.set(candidate, (dots.get(candidate) ?? 0) + wo * wc);
      for (const [candidate, dot] of dots) {
        const similarity = dot / (norm.get(source)! * norm.get(candidate)!);
        scores.set(candidate, (scores.get(candidate) ?? 0) + w * similarity);
      }
    }
    return topK(scores, k, bought.get(person) ?? new Set());
  };
}

/** Exact lookalikes: the `k` vectors most cosine-similar to the sum of the seeds' vectors, seeds left out. */
export function exactLookalikes(
  vectors: ReadonlyMap<string, readonly number[]>,
  seeds: readonly string[],
  k: number,
): string[] {
  const seedSet = new Set(seeds);
  const present = seeds.map((id) => vectors.get(id)).filter((v): v is readonly number[] => v !== undefined);
  if (present.length === 0) return [];
  const centroid = present[0]!.map((_, i) => present.reduce((sum, v) => sum + v[i]!, 0));
  const scores = new Map<string, number>();
  for (const [id, vector] of vectors) if (!seedSet.has(id)) scores.set(id, cosine(centroid, vector));
  return topK(scores, k, new Set());
}

/** What the evaluation drives: a database with Portrait's services, through the ingestion path. */
export interface EvaluationTarget {
  ingest(events: readonly SegmentEvent[]): Promise<void>;
  /** Refreshes related products and popular lists (the scheduler's job, run to completion). */
  refresh(): Promise<void>;
  profileIdOf(userId: string): Promise<string | null>;
  /** Portrait's recommendations, in one or more configurations (the first one is timed). */
  readonly recommenders: ReadonlyArray<{
    readonly name: string;
    recommend(profileId: string, k: number, now: number): Promise<string[]>;
  }>;
  lookalikes(seedProfileIds: readonly string[], k: number): Promise<string[]>;
  /** Every stored profile embedding. */
  embeddings(): Promise<Map<string, number[]>>;
}

export interface EvaluationOptions extends TasteOptions {
  readonly settings: RecommendationSettings;
  /** Lookalike queries per planted cluster, each from `seedSize` people of the cluster. */
  readonly lookalikeQueries?: number;
  readonly seedSize?: number;
  /** Called with progress lines. */
  readonly log?: (line: string) => void;
}

export interface EvaluationReport {
  readonly dataset: { people: number; products: number; events: number; clusters: number; evaluated: number };
  readonly recommenders: ReadonlyArray<{ name: string; hitRate: number; ndcg: number }>;
  readonly lookalikes: {
    queries: number;
    seedSize: number;
    recallAt100: number;
    sameClusterIndex: number;
    sameClusterExact: number;
  };
  readonly seconds: { ingest: number; refresh: number; recommend: number; lookalikes: number };
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;

/** Loads the data set into `target`, then measures recommendations and lookalikes (see the module comment). */
export async function runEvaluation(
  target: EvaluationTarget,
  options: EvaluationOptions,
): Promise<EvaluationReport> {
  const log = options.log ?? (() => undefined);
  const data = generateTasteData(options);
  const { train, heldOut } = holdOutLastOrder(data.events);
  const clock = () => performance.now() / 1000;

  let started = clock();
  for (let i = 0; i < train.length; i += 500) {
    await target.ingest(train.slice(i, i + 500));
    if ((i / 500) % 20 === 0) log(`ingested ${Math.min(i + 500, train.length)} of ${train.length} events`);
  }
  const ingestSeconds = clock() - started;
  started = clock();
  await target.refresh();
  const refreshSeconds = clock() - started;
  log('related products refreshed');

  const profileOf = new Map<string, string>();
  for (const person of data.people) {
    const id = await target.profileIdOf(person.userId);
    if (id) profileOf.set(person.userId, id);
  }
  const interactions = interactionsOf(train);
  const baselines: Array<[string, Recommender]> = [
    ['Popularity (in memory)', popularityRecommender(interactions, options.settings, options.now)],
    ['Item-kNN, exact cosine (in memory)', itemKnnRecommender(interactions, options.settings, options.now)],
  ];
  const scores = new Map<string, { hit: number[]; ndcg: number[] }>();
  const record = (name: string, ranked: string[], relevant: Set<string>) => {
    const entry = scores.get(name) ?? { hit: [], ndcg: [] };
    entry.hit.push(hitRate(ranked, relevant));
    entry.ndcg.push(ndcg(ranked, relevant));
    scores.set(name, entry);
  };
  let recommendSeconds = 0;
  for (const [person, relevant] of heldOut) {
    for (const [name, recommender] of baselines) record(name, recommender(person, 10), relevant);
    const profileId = profileOf.get(person);
    for (const [i, recommender] of target.recommenders.entries()) {
      const t = clock();
      const ranked = profileId ? await recommender.recommend(profileId, 10, options.now) : [];
      if (i === 0) recommendSeconds += clock() - t;
      record(recommender.name, ranked, relevant);
    }
  }
  log(`recommendations scored for ${heldOut.size} people`);

  const vectors = await target.embeddings();
  const personOf = new Map([...profileOf].map(([userId, profileId]) => [profileId, userId]));
  const clusterOf = new Map(data.people.map((p) => [p.userId, p.cluster]));
  const sameCluster = (ids: readonly string[], cluster: number) =>
    mean(ids.map((id) => (clusterOf.get(personOf.get(id) ?? '') === cluster ? 1 : 0)));
  const seedSize = options.seedSize ?? 20;
  const queries = options.lookalikeQueries ?? 2;
  const recalls: number[] = [];
  const shareIndex: number[] = [];
  const shareExact: number[] = [];
  let lookalikeSeconds = 0;
  const pick = (items: string[], n: number, offset: number) =>
    Array.from({ length: Math.min(n, items.length) }, (_, i) => items[(offset + i * 7) % items.length]!);
  for (let cluster = 0; cluster < (options.clusters ?? 8); cluster += 1) {
    const members = data.people
      .filter((p) => p.cluster === cluster)
      .map((p) => profileOf.get(p.userId))
      .filter((id): id is string => id !== undefined && vectors.has(id));
    for (let q = 0; q < queries && members.length >= seedSize; q += 1) {
      const seeds = [...new Set(pick(members, seedSize, q * 13))];
      if (seeds.length < seedSize) continue;
      const t = clock();
      const found = await target.lookalikes(seeds, 100);
      lookalikeSeconds += clock() - t;
      const exact = exactLookalikes(vectors, seeds, 100);
      recalls.push(recall(found, exact));
      shareIndex.push(sameCluster(found, cluster));
      shareExact.push(sameCluster(exact, cluster));
    }
  }
  log(`${recalls.length} lookalike queries compared with exact similarity`);

  return {
    dataset: {
      people: data.people.length,
      products: data.products.length,
      events: data.events.length,
      clusters: options.clusters ?? 8,
      evaluated: heldOut.size,
    },
    recommenders: [...scores].map(([name, s]) => ({ name, hitRate: mean(s.hit), ndcg: mean(s.ndcg) })),
    lookalikes: {
      queries: recalls.length,
      seedSize,
      recallAt100: mean(recalls),
      sameClusterIndex: mean(shareIndex),
      sameClusterExact: mean(shareExact),
    },
    seconds: {
      ingest: ingestSeconds,
      refresh: refreshSeconds,
      recommend: recommendSeconds,
      lookalikes: lookalikeSeconds,
    },
  };
}

/** The report as markdown tables. */
export function markdownReport(report: EvaluationReport): string {
  const f = (value: number) => value.toFixed(3);
  const d = report.dataset;
  const l = report.lookalikes;
  return [
    `Data: ${d.people} people in ${d.clusters} taste clusters, ${d.products} products, ${d.events} events; ` +
      `${d.evaluated} people with a held-out last order.`,
    '',
    '| Recommender | HR@10 | NDCG@10 |',
    '| --- | ---: | ---: |',
    ...report.recommenders.map((r) => `| ${r.name} | ${f(r.hitRate)} | ${f(r.ndcg)} |`),
    '',
    '| Lookalikes | queries | recall@100 vs exact | same cluster (index) | same cluster (exact) |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| vector index, seeds of ${l.seedSize} people of one cluster | ${l.queries} | ${f(l.recallAt100)} | ${f(l.sameClusterIndex)} | ${f(l.sameClusterExact)} |`,
    '',
    `Time: ingest ${report.seconds.ingest.toFixed(1)} s, refresh ${report.seconds.refresh.toFixed(1)} s, ` +
      `${d.evaluated} recommendation queries ${report.seconds.recommend.toFixed(1)} s, ` +
      `${l.queries} lookalike queries ${report.seconds.lookalikes.toFixed(1)} s.`,
  ].join('\n');
}
