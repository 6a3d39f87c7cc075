import { wholeDaysBetween } from './days';

/**
 * RFM scoring: recency, frequency and monetary value, each scored 1..5 against quintile cut points of the
 * current buyers, and a segment (champions, at risk, ...) read from the recency and frequency scores.
 *
 * Scores are relative: a profile is scored by the share of buyers it strictly beats, so the cut points are
 * recomputed over all buyers in a batch and stored, and later single-profile updates reuse them.
 */

export interface RfmInput {
  /** Epoch ms of the latest order, null when there is none. */
  readonly lastOrderAt: number | null;
  /** Number of distinct orders. */
  readonly orders: number;
  /** Total order value. */
  readonly monetary: number;
}

export interface RfmRaw {
  /** Whole days since the latest order; null for a profile without orders. */
  readonly recencyDays: number | null;
  readonly frequency: number;
  readonly monetary: number;
}

export type Quintile = 1 | 2 | 3 | 4 | 5;

/**
 * Four ascending cut points per metric, stored as JSON on the graph. `version` names the scoring rule below,
 * so boundaries stored by an older rule can be recognised and recomputed.
 */
export interface RfmBoundaries {
  readonly version: 1;
  /** Epoch ms, as passed by the caller. */
  readonly computedAt: number;
  /** Buyers the cut points were computed over (profiles without orders are left out). */
  readonly sampleSize: number;
  /** Each four ascending values, or empty when the sample had no buyers. */
  readonly recency: readonly number[];
  readonly frequency: readonly number[];
  readonly monetary: readonly number[];
}

/** RFM segments, in display order: best customers first, lost ones last. */
export const RFM_GROUPS = [
  'champions',
  'loyal',
  'potential_loyalist',
  'new_customers',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cannot_lose',
  'hibernating',
  'lost',
] as const;

export type RfmGroup = (typeof RFM_GROUPS)[number];

/** Human labels for display. */
export const RFM_GROUP_LABELS: Readonly<Record<RfmGroup, string>> = {
  champions: 'Champions',
  loyal: 'Loyal',
  potential_loyalist: 'Potential loyalist',
  new_customers: 'New customers',
  promising: 'Promising',
  need_attention: 'Need attention',
  about_to_sleep: 'About to sleep',
  at_risk: 'At risk',
  cannot_lose: 'Cannot lose them',
  hibernating: 'Hibernating',
  lost: 'Lost',
};

export interface RfmScore {
  readonly r: Quintile;
  readonly f: Quintile;
  readonly m: Quintile;
  /** 'R5F3M4'. */
  readonly score: string;
  readonly group: RfmGroup;
}

/**
 * The segment map from (R, F), as disjoint rectangles. It follows the widely used map; where its usual
 * descriptions overlap, the group listed first in RFM_GROUPS wins (loyal takes F3 from potential loyalist and
 * need attention), except that hibernating keeps R2 F1-2 from about to sleep, which would otherwise be empty.
 *
 *         F1              F2                  F3      F4          F5
 *   R5    new_customers   potential_loyalist  loyal   champions   champions
 *   R4    promising       potential_loyalist  loyal   champions   champions
 *   R3    about_to_sleep  need_attention      loyal   loyal       loyal
 *   R2    hibernating     hibernating         at_risk at_risk     cannot_lose
 *   R1    lost            lost                at_risk at_risk     cannot_lose
 */
export const RFM_SEGMENT_MAP: ReadonlyArray<{
  readonly group: RfmGroup;
  readonly r: readonly [Quintile, Quintile];
  readonly f: readonly [Quintile, Quintile];
}> = [
  { group: 'champions', r: [4, 5], f: [4, 5] },
  { group: 'loyal', r: [3, 5], f: [3, 3] },
  { group: 'loyal', r: [3, 3], f: [4, 5] },
  { group: 'potential_loyalist', r: [4, 5], f: [2, 2] },
  { group: 'new_customers', r: [5, 5], f: [1, 1] },
  { group: 'promising', r: [4, 4], f: [1, 1] },
  { group: 'need_attention', r: [3, 3], f: [2, 2] },
  { group: 'about_to_sleep', r: [3, 3], f: [1, 1] },
  { group: 'at_risk', r: [1, 2], f: [3, 4] },
  { group: 'cannot_lose', r: [1, 2], f: [5, 5] },
  { group: 'hibernating', r: [2, 2], f: [1, 2] },
  { group: 'lost', r: [1, 1], f: [1, 2] },
];

/** The raw metrics of one profile at `now` (epoch ms); recencyDays is null unless it has an order. */
export function rfmRaw(input: RfmInput, now: number): RfmRaw {
  const { lastOrderAt } = input;
  return {
    recencyDays: input.orders > 0 && lastOrderAt !== null ? wholeDaysBetween(lastOrderAt, now) : null,
    frequency: input.orders,
    // A missing total must not poison the sort of a whole batch.
    monetary: Number.isFinite(input.monetary) ? input.monetary : 0,
  };
}

function isBuyer(raw: RfmRaw): raw is RfmRaw & { recencyDays: number } {
  return raw.recencyDays !== null && raw.frequency > 0;
}

/**
 * Nearest-rank quintile cut points: the k-th cut point is the ceil(k·n/5)-th smallest value. Together with
 * the tie rule in `bucket`, this makes the bucket of any value v exactly min(4, floor(5 × share of the sample
 * strictly below v)), whatever n is.
 */
function cutPoints(values: number[]): number[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return [1, 2, 3, 4].map((k) => sorted[Math.ceil((k * n) / 5) - 1]!);
}

/**
 * Quintile cut points of recency (days), frequency and monetary over the buyers in `sample`.
 *
 * Ties: a value equal to a cut point falls in the lower bucket (towards smaller values), so equal values
 * always share a score and a block of ties is never split, whatever the order of the sample. A score rises
 * only by strictly beating a fifth more of the buyers: F and M are 1 + min(4, floor(5 × share of buyers with
 * a strictly smaller value)), and R is 5 minus the same count for days (a tie of days takes the more recent
 * score). Hence one-time buyers, usually the majority, all get F1; one buyer, or buyers who are all equal,
 * score R5 F1 M1; with fewer than five distinct values some scores are skipped rather than invented. An
 * empty sample gives empty cut points, under which every buyer scores as a sole buyer would.
 */
export function rfmBoundaries(sample: readonly RfmRaw[], computedAt: number): RfmBoundaries {
  const buyers = sample.filter(isBuyer);
  return {
    version: 1,
    computedAt,
    sampleSize: buyers.length,
    recency: cutPoints(buyers.map((raw) => raw.recencyDays)),
    frequency: cutPoints(buyers.map((raw) => raw.frequency)),
    monetary: cutPoints(buyers.map((raw) => raw.monetary)),
  };
}

/** 0..4: how many cut points lie strictly below the value. */
function bucket(value: number, cuts: readonly number[]): 0 | 1 | 2 | 3 | 4 {
  let below = 0;
  for (const cut of cuts) if (value > cut) below += 1;
  return Math.min(4, below) as 0 | 1 | 2 | 3 | 4;
}

/** The segment of a recency and frequency score pair (every pair has exactly one). */
export function rfmGroup(r: Quintile, f: Quintile): RfmGroup {
  const cell = RFM_SEGMENT_MAP.find(
    (rect) => r >= rect.r[0] && r <= rect.r[1] && f >= rect.f[0] && f <= rect.f[1],
  );
  // Unreachable for scores in 1..5 (a unit test covers all 25 pairs); kept total for out-of-range input.
  return cell?.group ?? 'lost';
}

/** R, F and M scores (recent = R5) and the segment of one profile, or null for a profile without orders. */
export function rfmScore(raw: RfmRaw, boundaries: RfmBoundaries): RfmScore | null {
  if (!isBuyer(raw)) return null;
  const r = (5 - bucket(raw.recencyDays, boundaries.recency)) as Quintile;
  const f = (1 + bucket(raw.frequency, boundaries.frequency)) as Quintile;
  const m = (1 + bucket(raw.monetary, boundaries.monetary)) as Quintile;
  return { r, f, m, score: `R${r}F${f}M${m}`, group: rfmGroup(r, f) };
}

function isCuts(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    (value.length === 0 || value.length === 4) &&
    value.every((v, i) => typeof v === 'number' && Number.isFinite(v) && (i === 0 || v >= value[i - 1]))
  );
}

/** True when `value` (typically parsed from the JSON stored on the graph) is boundaries of this version. */
export function isRfmBoundaries(value: unknown): value is RfmBoundaries {
  if (typeof value !== 'object' || value === null) return false;
  const b = value as Record<string, unknown>;
  return (
    b.version === 1 &&
    typeof b.computedAt === 'number' &&
    typeof b.sampleSize === 'number' &&
    isCuts(b.recency) &&
    isCuts(b.frequency) &&
    isCuts(b.monetary)
  );
}
