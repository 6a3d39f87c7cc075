import { DAY_MS } from './days';

/**
 * Interest affinity per top-level category: recent, strong signals (orders, cart adds) count most, and every
 * signal halves in weight each half-life. The decayed sum is squashed into [0, 1) so that a few more views
 * of an already favourite category barely move it, while a first order in a new one does.
 */

export interface InterestEvent {
  /** Top-level category name, e.g. 'Sports'. */
  readonly category: string;
  /** Segment event name, e.g. 'Product Viewed'. */
  readonly event: string;
  /** Epoch ms. */
  readonly at: number;
}

export interface InterestOptions {
  readonly halfLifeDays: number;
  /** Weight per event name; `default` for names not listed. Weights are expected to be non-negative. */
  readonly weights: Readonly<Record<string, number>> & { readonly default: number };
  /** Decayed weight at which the score reaches 1 − 1/e (about 0.63). */
  readonly saturation: number;
  /** Categories scoring below this (after rounding) are left out. */
  readonly minScore: number;
}

export const DEFAULT_INTEREST: InterestOptions = {
  halfLifeDays: 30,
  weights: { 'Order Completed': 5, 'Product Added': 3, 'Product Viewed': 1, default: 1 },
  saturation: 5,
  minScore: 0.1,
};

/** Problems with options (empty when valid), by field, in the shape identity rules report them. */
export function checkInterestOptions(options: InterestOptions): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const positive = (path: string, value: number): void => {
    if (!Number.isFinite(value) || value <= 0)
      problems.push({ path, message: `must be positive, got ${value}` });
  };
  positive('halfLifeDays', options.halfLifeDays);
  positive('saturation', options.saturation);
  if (!(options.minScore >= 0 && options.minScore <= 1)) {
    problems.push({ path: 'minScore', message: `must be between 0 and 1, got ${options.minScore}` });
  }
  for (const [event, weight] of Object.entries(options.weights)) {
    if (!Number.isFinite(weight) || weight < 0) {
      problems.push({ path: `weights.${event}`, message: `must be zero or more, got ${weight}` });
    }
  }
  return problems;
}

function weightOf(options: InterestOptions, event: string): number {
  // Own properties only: an event named 'constructor' must not pick up Object.prototype.
  return Object.hasOwn(options.weights, event) ? options.weights[event]! : options.weights.default;
}

/**
 * Interest score in [0, 1] per category at `now` (epoch ms): 1 − exp(−raw / saturation), rounded to 4
 * decimals, where raw = Σ weight(event) × 2^(−ageDays / halfLifeDays) with fractional days and future events
 * counted as age 0. Categories below minScore are left out; the map iterates from the highest score down,
 * ties by category name. Events with a non-finite time are ignored.
 */
export function interestScores(
  events: Iterable<InterestEvent>,
  now: number,
  options: InterestOptions = DEFAULT_INTEREST,
): Map<string, number> {
  const raw = new Map<string, number>();
  for (const e of events) {
    if (!Number.isFinite(e.at)) continue;
    const ageDays = Math.max(0, now - e.at) / DAY_MS;
    const decayed = weightOf(options, e.event) * 2 ** (-ageDays / options.halfLifeDays);
    raw.set(e.category, (raw.get(e.category) ?? 0) + decayed);
  }
  const scored: Array<[string, number]> = [];
  for (const [category, sum] of raw) {
    const score = Math.round((1 - Math.exp(-Math.max(0, sum) / options.saturation)) * 10_000) / 10_000;
    if (score >= options.minScore) scored.push([category, score]);
  }
  scored.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return new Map(scored);
}
