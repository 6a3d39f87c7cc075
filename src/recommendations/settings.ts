import { badInput } from '../common/errors';
import { DAY_MS } from '../tags/models/days';

/** The e-commerce events that make a profile engaged with a product, as the tracking spec names them. */
export const PURCHASE = 'Order Completed';
export const CART_ADD = 'Product Added';
export const VIEW = 'Product Viewed';

/**
 * Every tunable of related products, recommendations and lookalikes. The defaults are what the offline
 * evaluation (README, "Offline evaluation") was run with.
 */
export interface RecommendationSettings {
  /** Weight of one interaction by event name; events not listed do not count as engagement. */
  readonly eventWeights: Readonly<Record<string, number>>;
  /** Engagement halves in weight every this many days. */
  readonly halfLifeDays: number;
  /** Most recent product interactions per profile that count (bounds the cost of settling a heavy user). */
  readonly maxEventsPerProfile: number;
  /** Related products kept per product (the top K by score). */
  readonly relatedPerProduct: number;
  /** Fewest profiles two products must share to be related. */
  readonly minSupport: number;
  /** Score damping for thin evidence: cosine × support / (support + shrink). */
  readonly supportShrink: number;
  /** Products recomputed per transaction by the refresh job. */
  readonly refreshBatchSize: number;
  /**
   * Most engaged profiles behind one transaction of the refresh's second phase: its work grows with them
   * (each is followed to all its products), so a batch of best-sellers is cut short, and a product above
   * the budget goes alone. Without it the first batch of a 1M-profile graph (its 50 best-sellers, 1.6M
   * engaged profiles) outlasted the 5-minute transaction timeout and was retried forever.
   */
  readonly refreshEngagementBudget: number;
  /**
   * The incremental refresh rewrites another product's relation towards a changed product only when their
   * shared profiles or co-purchases changed or the score moved by more than this fraction; the full refresh
   * corrects smaller drifts. Without it every refresh of a best-seller at 1M profiles rewrote ~63,000 lists.
   */
  readonly patchTolerance: number;
  /** Length of the stored popular lists (overall and per top-level category). */
  readonly popularPerScope: number;
  /** The full refresh (exact lifts and top-K lists) runs when the last one is older than this. */
  readonly fullRefreshAfterMs: number;
  /** After a refresh failed, the scheduler starts none for this long (`refreshRelatedProducts` still can). */
  readonly failedRetryAfterMs: number;
  /** A profile's strongest engagements whose related products become candidates. */
  readonly recommendationSources: number;
  /** Nearest lookalikes whose purchases become candidates. */
  readonly neighbours: number;
  /** Weight of the lookalikes' purchases against related products in a recommendation's score. */
  readonly lookalikeWeight: number;
  /** Largest `first` of recommendations. */
  readonly maxRecommendations: number;
  /** Fewest seed profiles a lookalike query accepts. */
  readonly minSeedSize: number;
  /** Largest `first` of lookalikes. */
  readonly maxLookalikes: number;
  /** Largest list of seed profile ids. */
  readonly maxSeedProfileIds: number;
  /** Seed profiles whose embeddings make the centroid (a segment larger than this is sampled). */
  readonly seedSample: number;
  /** Seed profiles whose tags and purchases the reasons are drawn from. */
  readonly reasonSample: number;
  /** Most candidates asked of the vector index for one lookalike query. */
  readonly maxVectorCandidates: number;
}

export const DEFAULT_RECOMMENDATION_SETTINGS: RecommendationSettings = {
  eventWeights: { [PURCHASE]: 5, [CART_ADD]: 3, [VIEW]: 1 },
  halfLifeDays: 90,
  maxEventsPerProfile: 1000,
  relatedPerProduct: 50,
  minSupport: 2,
  supportShrink: 1,
  refreshBatchSize: 50,
  refreshEngagementBudget: 50_000,
  patchTolerance: 0.01,
  popularPerScope: 50,
  fullRefreshAfterMs: DAY_MS,
  failedRetryAfterMs: 15 * 60_000,
  recommendationSources: 20,
  neighbours: 20,
  lookalikeWeight: 1,
  maxRecommendations: 100,
  minSeedSize: 10,
  maxLookalikes: 1000,
  maxSeedProfileIds: 10_000,
  seedSample: 5000,
  reasonSample: 500,
  maxVectorCandidates: 20_000,
};

/**
 * What the engagement step reads of a profile's interactions: the newest `count` with a product of the counted
 * `events` (a settle's derive step reads them too, and passes them on; see SettleMemo). That is its window
 * (`maxEventsPerProfile`) and a tenth more, so that it sees which interactions a few new ones pushed out of the
 * window its edges were computed from, and reads only the edges of the products that changed.
 */
export function engagementReads(
  settings: Pick<RecommendationSettings, 'eventWeights' | 'maxEventsPerProfile'>,
): { events: string[]; count: number } {
  const { eventWeights, maxEventsPerProfile } = settings;
  return {
    events: Object.keys(eventWeights),
    count: maxEventsPerProfile + Math.ceil(maxEventsPerProfile / 10),
  };
}

/** The half-life in milliseconds, as the queries take it. */
export function halfLifeMs(settings: Pick<RecommendationSettings, 'halfLifeDays'>): number {
  return settings.halfLifeDays * DAY_MS;
}

/**
 * Checks a `first` argument of a list that is not paginated: a whole number from 0 to `max`, else a
 * BAD_USER_INPUT naming the argument and the cap.
 */
export function checkFirst(first: number, max: number, argument = 'first'): number {
  if (!Number.isInteger(first) || first < 0 || first > max) {
    throw badInput(`${argument} must be a whole number from 0 to ${max} (got ${first})`, { argument, max });
  }
  return first;
}
