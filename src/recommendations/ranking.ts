import { strongestAction } from './engagement';
import { reasonText, type RecommendationReason } from './reasons';

/** Everything one profile's recommendations are made from, as one read of the graph aggregates it. */
export interface RecommendationInputs {
  /** Whether the profile allows personalisation (consent.ts). */
  readonly personalized: boolean;
  /** Products the profile bought: never recommended to it. */
  readonly bought: readonly string[];
  /** Its strongest engagements, strongest first, with their weight now. */
  readonly sources: ReadonlyArray<{
    readonly id: string;
    readonly name: string | null;
    readonly strength: number;
    readonly purchases: number;
    readonly carts: number;
  }>;
  /** Related products of the sources: Σ relation score × source strength, and the source giving most. */
  readonly related: ReadonlyArray<{
    readonly productId: string;
    readonly score: number;
    readonly sourceId: string;
    readonly boughtTogether: boolean;
  }>;
  /** What its nearest lookalikes bought: Σ of their cosine similarity, and how many. */
  readonly alike: ReadonlyArray<{
    readonly productId: string;
    readonly similarity: number;
    readonly profiles: number;
  }>;
  /** Σ of the cosine similarity of all its nearest lookalikes. */
  readonly mass: number;
  /** Its interest categories (top-level), strongest first, with the affinity score. */
  readonly interests: ReadonlyArray<{ readonly category: string; readonly score: number }>;
  /** Stored popular lists by scope: '' overall, else a top-level category. */
  readonly popular: ReadonlyArray<{
    readonly scope: string;
    readonly productIds: readonly string[];
    readonly scores: readonly number[];
  }>;
}

export interface Recommendation {
  readonly productId: string;
  readonly score: number;
  readonly reason: string;
}

export interface RankingOptions {
  /** Weight of the lookalikes' purchases against related products. */
  readonly lookalikeWeight: number;
}

interface Candidate {
  productId: string;
  score: number;
  reason: RecommendationReason;
}

const round = (value: number): number => Math.round(value * 1e6) / 1e6;

function byScore(x: Candidate, y: Candidate): number {
  return y.score - x.score || (x.productId < y.productId ? -1 : x.productId > y.productId ? 1 : 0);
}

/** The popular list of one scope as candidates, scored by popularity relative to its top, times `weight`. */
function popularCandidates(
  list: RecommendationInputs['popular'][number] | undefined,
  weight: number,
  reason: RecommendationReason,
): Candidate[] {
  if (!list) return [];
  const top = list.scores[0] ?? 0;
  return list.productIds.map((productId, i) => ({
    productId,
    score: top > 0 ? (weight * (list.scores[i] ?? 0)) / top : 0,
    reason,
  }));
}

/**
 * The best `first` recommendations for one profile, best first, each with a reason.
 *
 * - A profile that refuses personalisation gets the overall popular list, the same for everyone.
 * - Otherwise a candidate scores Σ over sources of relation score × source strength (relative to the
 *   strongest source), plus `lookalikeWeight` × the share of the neighbours' similarity whose profiles bought
 *   it; the larger part gives the reason (the source contributing most, or how many lookalikes bought it).
 *   Products it bought are left out.
 * - Free places are filled from the popular lists of its interest categories and the overall one, scored
 *   below every personal candidate: half the lowest personal score (1 without any) × popularity relative to
 *   the list's top × (0.5 + affinity / 2) for an interest category, × 0.5 overall; so a product popular in
 *   one of its categories is offered as such rather than as popular overall.
 */
export function rankRecommendations(
  inputs: RecommendationInputs,
  first: number,
  options: RankingOptions,
): Recommendation[] {
  const overall = inputs.popular.find((p) => p.scope === '');
  const out = (candidates: Candidate[]): Recommendation[] =>
    candidates.slice(0, first).map((c) => ({
      productId: c.productId,
      score: round(c.score),
      reason: reasonText(c.reason),
    }));
  if (!inputs.personalized) {
    return out(popularCandidates(overall, 1, { kind: 'no-consent' }));
  }

  const excluded = new Set(inputs.bought);
  const strongest = Math.max(0, ...inputs.sources.map((source) => source.strength));
  const sources = new Map(inputs.sources.map((source) => [source.id, source]));
  const related = new Map<string, { score: number; reason: RecommendationReason }>();
  for (const row of inputs.related) {
    if (excluded.has(row.productId) || strongest <= 0) continue;
    const source = sources.get(row.sourceId);
    related.set(row.productId, {
      score: row.score / strongest,
      reason: {
        kind: 'related',
        sourceName: source?.name ?? row.sourceId,
        action: strongestAction(source ?? { purchases: 0, carts: 0 }),
        boughtTogether: row.boughtTogether,
      },
    });
  }
  const lookalike = new Map<string, { share: number; profiles: number }>();
  for (const row of inputs.alike) {
    if (excluded.has(row.productId) || inputs.mass <= 0) continue;
    lookalike.set(row.productId, { share: row.similarity / inputs.mass, profiles: row.profiles });
  }

  const personal: Candidate[] = [];
  for (const productId of new Set([...related.keys(), ...lookalike.keys()])) {
    const fromRelated = related.get(productId);
    const fromLookalikes = lookalike.get(productId);
    const relatedPart = fromRelated?.score ?? 0;
    const lookalikePart = options.lookalikeWeight * (fromLookalikes?.share ?? 0);
    const score = relatedPart + lookalikePart;
    if (score <= 0) continue;
    const reason: RecommendationReason =
      fromRelated && relatedPart >= lookalikePart
        ? fromRelated.reason
        : { kind: 'lookalikes', profiles: fromLookalikes?.profiles ?? 0 };
    personal.push({ productId, score, reason });
  }
  personal.sort(byScore);
  if (personal.length >= first) return out(personal);

  const chosen = new Set(personal.map((c) => c.productId));
  const floor = personal.length > 0 ? personal[personal.length - 1]!.score / 2 : 1;
  const fill = new Map<string, Candidate>();
  const offer = (candidates: Candidate[]) => {
    for (const c of candidates) {
      if (excluded.has(c.productId) || chosen.has(c.productId)) continue;
      const held = fill.get(c.productId);
      if (!held || c.score > held.score) fill.set(c.productId, c);
    }
  };
  for (const interest of inputs.interests) {
    const list = inputs.popular.find((p) => p.scope === interest.category);
    offer(
      popularCandidates(list, floor * (0.5 + 0.5 * interest.score), {
        kind: 'popular-in',
        category: interest.category,
      }),
    );
  }
  offer(popularCandidates(overall, floor * 0.5, { kind: 'popular' }));
  return out([...personal, ...[...fill.values()].filter((c) => c.score > 0).sort(byScore)]);
}
