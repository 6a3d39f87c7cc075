import { DAY_MS, wholeDaysBetween } from './days';

/**
 * Lifecycle stage of a profile from when it was first and last seen. Days are whole days (floor), as in RFM
 * recency, so "at most 30 days" includes the whole 30th day: the stage changes at the start of day 31.
 */

export interface LifecycleThresholds {
  /** A profile first seen at most this many days ago, with at most one order, is NEW. */
  readonly newDays: number;
  /** Otherwise, last seen at most this many days ago: ACTIVE. */
  readonly activeDays: number;
  /** ... at most this many: AT_RISK. */
  readonly atRiskDays: number;
  /** ... at most this many: DORMANT; longer ago: CHURNED. */
  readonly dormantDays: number;
}

export const DEFAULT_LIFECYCLE: LifecycleThresholds = {
  newDays: 30,
  activeDays: 30,
  atRiskDays: 90,
  dormantDays: 180,
};

export const LIFECYCLE_STAGES = ['NEW', 'ACTIVE', 'AT_RISK', 'DORMANT', 'CHURNED'] as const;

export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export interface LifecycleInput {
  /** Epoch ms of the earliest event of the profile, null when never seen. */
  readonly firstSeen: number | null;
  /** Epoch ms of the latest event of the profile, null when never seen. */
  readonly lastSeen: number | null;
  readonly orders: number;
}

/** Problems with thresholds (empty when valid), by field, in the shape identity rules report them. */
export function checkLifecycleThresholds(t: LifecycleThresholds): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  for (const path of ['newDays', 'activeDays', 'atRiskDays', 'dormantDays'] as const) {
    const value = t[path];
    if (!Number.isSafeInteger(value) || value < 1) {
      problems.push({ path, message: `must be a positive whole number of days, got ${value}` });
    }
  }
  if (t.activeDays > t.atRiskDays) {
    problems.push({ path: 'atRiskDays', message: `must be at least activeDays (${t.activeDays})` });
  }
  if (t.atRiskDays > t.dormantDays) {
    problems.push({ path: 'dormantDays', message: `must be at least atRiskDays (${t.atRiskDays})` });
  }
  return problems;
}

/** A profile seen only once has first = last; one with either time missing uses the other for both. */
function seenTimes(input: LifecycleInput): { first: number; last: number } | null {
  const first = input.firstSeen ?? input.lastSeen;
  const last = input.lastSeen ?? input.firstSeen;
  return first === null || last === null ? null : { first, last };
}

/**
 * The lifecycle stage at `now` (epoch ms), or null for a profile never seen. NEW (first seen at most newDays
 * ago and at most one order) comes first; otherwise the stage follows whole days since last seen.
 */
export function lifecycleStage(
  input: LifecycleInput,
  now: number,
  thresholds: LifecycleThresholds = DEFAULT_LIFECYCLE,
): LifecycleStage | null {
  const seen = seenTimes(input);
  if (!seen) return null;
  if (input.orders <= 1 && wholeDaysBetween(seen.first, now) <= thresholds.newDays) return 'NEW';
  const idle = wholeDaysBetween(seen.last, now);
  if (idle <= thresholds.activeDays) return 'ACTIVE';
  if (idle <= thresholds.atRiskDays) return 'AT_RISK';
  if (idle <= thresholds.dormantDays) return 'DORMANT';
  return 'CHURNED';
}

/**
 * The first epoch ms after `now` at which the stage differs from the stage at `now`, if nothing new happens
 * to the profile; null when it never changes again (CHURNED, or never seen). The stage holds on every ms
 * from `now` up to the returned time minus one.
 */
export function nextLifecycleChange(
  input: LifecycleInput,
  now: number,
  thresholds: LifecycleThresholds = DEFAULT_LIFECYCLE,
): number | null {
  const seen = seenTimes(input);
  if (!seen) return null;
  const current = lifecycleStage(input, now, thresholds);
  // The stage is constant between these instants, each the first ms of "one day more than the threshold".
  // Some of them change nothing (NEW outranks the others; thresholds may be equal), hence the check of each.
  const candidates = [
    seen.first + (thresholds.newDays + 1) * DAY_MS,
    seen.last + (thresholds.activeDays + 1) * DAY_MS,
    seen.last + (thresholds.atRiskDays + 1) * DAY_MS,
    seen.last + (thresholds.dormantDays + 1) * DAY_MS,
  ]
    .filter((at) => at > now)
    .sort((a, b) => a - b);
  return candidates.find((at) => lifecycleStage(input, at, thresholds) !== current) ?? null;
}
