/**
 * Association between two products from the profiles engaged with both (see the README for the
 * definitions with a worked example). Over N live profiles with any engagement:
 *
 *   support(A,B)    profiles engaged with both A and B
 *   confidence(A→B) support(A,B) / support(A)                 P(B | A)
 *   lift(A→B)       confidence(A→B) / (support(B) / N)         > 1: more often together than by chance
 *   score(A,B)      cos(w_A, w_B) × support / (support + shrink)
 *
 * where w_A is the vector of A's engagement weights over profiles (purchases 5, cart adds 3, views 1, each
 * decayed by its age), so the score favours strong and recent co-engagement, is symmetric, and is damped
 * where few profiles back it.
 */

/** What the refresh job knows of one product, all weights taken at the same time. */
export interface ProductStats {
  readonly id: string;
  /** Live profiles engaged with the product: support(A). */
  readonly engagedProfiles: number;
  /** L2 norm of the product's engagement weights over profiles. */
  readonly norm: number;
}

/** What two products share: the sums over the profiles engaged with both. */
export interface PairSums {
  readonly support: number;
  /** Profiles that bought both. */
  readonly bothBought: number;
  /** Σ over shared profiles of weight(A) × weight(B). */
  readonly dot: number;
}

export interface RelationFigures {
  readonly score: number;
  readonly support: number;
  readonly confidence: number;
  readonly lift: number;
  readonly bothBought: number;
}

export interface Relation extends RelationFigures {
  /** The related product. */
  readonly id: string;
}

export interface AssociationOptions {
  /** Related products kept per product. */
  readonly k: number;
  readonly minSupport: number;
  readonly shrink: number;
  /**
   * A relation towards a refreshed product that its list holds already is rewritten only when its support or
   * co-purchases changed or its score moved by more than this fraction (see `reversePatches`).
   */
  readonly tolerance: number;
}

const round = (value: number): number => Math.round(value * 1e6) / 1e6;

/** The figures of A→B. `profiles` is N; a missing norm or support gives 0 rather than NaN. */
export function relationFigures(
  a: ProductStats,
  b: ProductStats,
  pair: PairSums,
  profiles: number,
  shrink: number,
): RelationFigures {
  const confidence = a.engagedProfiles > 0 ? pair.support / a.engagedProfiles : 0;
  const lift =
    a.engagedProfiles > 0 && b.engagedProfiles > 0
      ? (pair.support * profiles) / (a.engagedProfiles * b.engagedProfiles)
      : 0;
  const norms = a.norm * b.norm;
  // Norms and sums come from one snapshot, but a product changed between the job's two phases can leave
  // them a step apart; a cosine is never outside [0, 1].
  const cosine = norms > 0 ? Math.min(1, Math.max(0, pair.dot / norms)) : 0;
  return {
    score: round((cosine * pair.support) / (pair.support + shrink)),
    support: pair.support,
    confidence: round(confidence),
    lift: round(lift),
    bothBought: pair.bothBought,
  };
}

/** Orders relations best first: score, then support, then id (so equal scores list the same way each time). */
export function byScore(x: Relation, y: Relation): number {
  return y.score - x.score || y.support - x.support || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
}

/** One product the pass for A found engaged together with it, with what the job knows of it. */
export interface CoEngaged extends PairSums {
  readonly stats: ProductStats;
  /** Its current related list: length and lowest score (null when empty). */
  readonly relatedCount: number;
  readonly relatedMinScore: number | null;
  /** Its relation towards A as its list holds it now; null when the list does not hold A. */
  readonly back: Pick<RelationFigures, 'score' | 'support' | 'bothBought'> | null;
}

/** A's related list: the top `k` of the products engaged together with it, by score. */
export function relatedList(
  a: ProductStats,
  others: readonly CoEngaged[],
  profiles: number,
  options: AssociationOptions,
): Relation[] {
  return others
    .filter((b) => b.support >= options.minSupport && b.stats.id !== a.id)
    .map((b) => ({ id: b.stats.id, ...relationFigures(a, b.stats, b, profiles, options.shrink) }))
    .filter((r) => r.score > 0)
    .sort(byScore)
    .slice(0, options.k);
}

/** Whether a stored relation's figures differ from the new ones by more than drift within `tolerance`. */
function moved(
  stored: Pick<RelationFigures, 'score' | 'support' | 'bothBought'>,
  figures: RelationFigures,
  tolerance: number,
): boolean {
  return (
    stored.support !== figures.support ||
    stored.bothBought !== figures.bothBought ||
    Math.abs(figures.score - stored.score) > tolerance * stored.score
  );
}

export interface ReversePatches {
  /** B→A edges to write (new or with new figures). */
  readonly write: ReadonlyArray<{ from: string; to: string; figures: RelationFigures }>;
  /** B→A edges to delete: they no longer share enough profiles. */
  readonly drop: ReadonlyArray<{ from: string; to: string }>;
  /** Products whose lists changed: trimmed back to k, their length and lowest score recomputed. */
  readonly touched: readonly string[];
}

/**
 * How the lists of other products change when A's engagement changed. A pair's support, co-purchases and
 * cosine are symmetric, so the pass over A's profiles gives every B→A relation exactly: an edge B→A that
 * exists is rewritten; one that does not is added when A now beats the lowest of B's list (or the list is
 * short), and the list is trimmed back to k; an edge to A that no longer has the support is dropped.
 * Products in `recomputed` get their own lists rewritten in this batch and are left alone.
 *
 * An existing edge whose support and co-purchases are unchanged and whose score moved by at most
 * `options.tolerance` (relative) is left as it is: a best-seller shares profiles with tens of thousands of
 * products, and each new profile of its changes the cosine of every pair a little. Those small drifts (and the
 * lift's, which follows A's engaged profiles) wait for the full refresh.
 */
export function reversePatches(
  a: ProductStats,
  others: readonly CoEngaged[],
  pointingAtA: readonly string[],
  profiles: number,
  options: AssociationOptions,
  recomputed: ReadonlySet<string>,
): ReversePatches {
  const write: Array<{ from: string; to: string; figures: RelationFigures }> = [];
  const drop: Array<{ from: string; to: string }> = [];
  const touched = new Set<string>();
  const seen = new Set<string>();
  for (const b of others) {
    const id = b.stats.id;
    seen.add(id);
    if (recomputed.has(id) || id === a.id) continue;
    const figures = relationFigures(b.stats, a, b, profiles, options.shrink);
    const qualifies = b.support >= options.minSupport && figures.score > 0;
    if (b.back) {
      if (!qualifies) drop.push({ from: id, to: a.id });
      else if (moved(b.back, figures, options.tolerance)) write.push({ from: id, to: a.id, figures });
      else continue;
      touched.add(id);
    } else if (
      qualifies &&
      (b.relatedCount < options.k || b.relatedMinScore === null || figures.score > b.relatedMinScore)
    ) {
      write.push({ from: id, to: a.id, figures });
      touched.add(id);
    }
  }
  for (const id of pointingAtA) {
    if (seen.has(id) || recomputed.has(id)) continue;
    drop.push({ from: id, to: a.id });
    touched.add(id);
  }
  return { write, drop, touched: [...touched].sort() };
}
