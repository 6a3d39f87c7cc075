/** One day in epoch milliseconds: the models count time in days of exactly 24 hours, ignoring time zones. */
export const DAY_MS = 86_400_000;

/**
 * Whole days from `from` to `to` (floor), never negative: an event stamped after `to` by a skewed clock
 * counts as today rather than as a day in the future.
 */
export function wholeDaysBetween(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / DAY_MS));
}
